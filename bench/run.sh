#!/usr/bin/env bash
# Large-data benchmarks of itop-core, side by side with curl, on loopback.
#
#   bench/run.sh [SIZE_MIB]      (default 1024; 10 MiB is always run too)
#
# For each size: generates an import CSV, then against a sink server on
# 127.0.0.1 (itop-core/benches/large.rs, mode `sink`) measures wall time
# and peak RSS (/usr/bin/time) of
#   * curl sending the same form body (`curl -T`, streamed from a file),
#   * Client::import (one request), Client::import_chunked (defaults),
#   * curl -o and Client::export_to_path for an export of that size;
# then typed-row decoding against the csv crate's raw ByteRecord reading.
# Prints the ratios; results go to docs/performance.md by hand.
set -euo pipefail

SIZE_MIB=${1:-1024}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$(mktemp -d)
SINK_PID=

cleanup() {
    if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

BIN=$(cd "$ROOT" && cargo bench -p itop-core --bench large --no-run 2>&1 |
    sed -n 's/.*Executable benches\/large.rs (\(.*\))/\1/p')
[ -x "$BIN" ] || { echo "bench binary not found" >&2; exit 1; }

start_sink() { # $1 = export size in bytes
    if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null || true; fi
    rm -f "$WORK/port"
    ITOP_BENCH_EXPORT_BYTES=$1 "$BIN" sink "$WORK/port" 2>>"$WORK/sink.log" &
    SINK_PID=$!
    for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
    URL="http://127.0.0.1:$(cat "$WORK/port")"
}

measure() { # prints "<seconds> <peak RSS KiB>"
    timeout 1800 /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>>"$WORK/run.log"
    cat "$WORK/time"
}

row() { # name, "s kb" of ours, "s kb" of curl
    read -r ours_s ours_kb <<<"$2"
    read -r curl_s curl_kb <<<"$3"
    awk -v n="$1" -v a="$ours_s" -v b="$ours_kb" -v c="$curl_s" -v d="$curl_kb" 'BEGIN {
        ratio = (c > 0) ? a / c : 0
        printf "  %-28s %8.2f s %8.1f MiB   curl %8.2f s %8.1f MiB   ratio %5.2f\n", n, a, b / 1024, c, d / 1024, ratio }'
}

run_size() { # $1 = MiB
    local bytes=$(($1 << 20)) csv="$WORK/in.csv" body="$WORK/in.body"
    echo "== $1 MiB"
    "$BIN" gen "$csv" "$bytes" >/dev/null
    "$BIN" form "$csv" "$body"
    start_sink "$bytes"
    local curl_up ours_up ours_chunked curl_down ours_down
    curl_up=$(measure curl -s -o /dev/null -H 'Expect:' -X POST \
        -H 'Content-Type: application/x-www-form-urlencoded' -T "$body" "$URL/webservices/import.php")
    ours_up=$(measure "$BIN" upload "$URL" "$csv")
    ours_chunked=$(measure "$BIN" upload "$URL" "$csv" 1000 4194304)
    rm -f "$body"
    curl_down=$(measure curl -s -o "$WORK/out-curl.csv" -d 'expression=SELECT+Person&format=csv' \
        "$URL/webservices/export-v2.php")
    ours_down=$(measure "$BIN" export "$URL" "$WORK/out.csv")
    rm -f "$WORK/out.csv" "$WORK/out-curl.csv" "$csv"
    row "upload, one request" "$ours_up" "$curl_up"
    row "upload, chunked (defaults)" "$ours_chunked" "$curl_up"
    row "export to a file" "$ours_down" "$curl_down"
}

echo "itop-core large-data benchmarks ($(nproc) cores, $(uname -r))"
run_size 10
if [ "$SIZE_MIB" != 10 ]; then run_size "$SIZE_MIB"; fi
echo "== typed rows"
"$BIN" decode 128 | sed 's/^/  /'
