#!/usr/bin/env bash
# Builds libitop and the loopback iTop (two of them: the second drops
# request bodies over 4000 bytes, for chunked uploads that fail), then runs
# against them: the C tests (plain, under valgrind, under ASan+UBSan with
# the static library), the C quick start, the PHP tests and the PHP quick
# start. Checks that the C tests call every function of include/itop.h.
# Ends with `N passed, M failed` (the checks of every run added up) and a
# non-zero exit on failure.
#
# Needs gcc, valgrind and php-cli with FFI (Debian: apt-get install gcc
# valgrind php-cli). ITOP_FFI_SKIP_VALGRIND=1 / ITOP_FFI_SKIP_ASAN=1 skip
# those runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

target=${CARGO_TARGET_DIR:-$root/target}
# Two builds: `--bin` would also keep itop-ffi's library from being built.
cargo build --locked --quiet -p itop-ffi
cargo build --locked --quiet -p itop-tests --bin itop-testserver
lib="$target/debug"

work=$(mktemp -d)
server_pid=""
limited_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$limited_pid" ] && kill "$limited_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

exec 3< <("$target/debug/itop-testserver" --listen 127.0.0.1:0)
server_pid=$!
read -r line <&3
url=${line#listening on }
# A second iTop whose PHP drops request bodies over 4000 bytes (as past
# post_max_size): a chunked upload with a chunk too big fails there.
exec 4< <("$target/debug/itop-testserver" --listen 127.0.0.1:0 --max-body 4000)
limited_pid=$!
read -r line <&4
limited_url=${line#listening on }
printf '#!/bin/sh\nsleep 5\n' > "$work/slow-php"
chmod +x "$work/slow-php"
# The scratch folder stands for iTop's root: its scripts must be there.
mkdir -p "$work/webservices"
: > "$work/webservices/cron.php"

passed=0
failed=0
# Runs a test command; adds the `<word>: N passed, M failed` line it prints,
# or counts one failure when it prints none or exits non-zero.
run() {
    local name=$1 out
    shift
    echo "== $name"
    set +e
    out=$("$@" 2>&1)
    local rc=$?
    set -e
    printf '%s\n' "$out" | grep -v '^c: \|^php: ' || true
    local counts
    counts=$(printf '%s\n' "$out" | sed -n 's/^[a-z]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
    if [ -n "$counts" ]; then
        passed=$((passed + ${counts% *}))
        failed=$((failed + ${counts#* }))
        echo "   ${counts% *} passed, ${counts#* } failed"
    fi
    if [ "$rc" -ne 0 ] && { [ -z "$counts" ] || [ "${counts#* }" = 0 ]; }; then
        failed=$((failed + 1))
        echo "   FAILED (exit $rc)"
    elif [ -z "$counts" ]; then
        passed=$((passed + 1))
    fi
}

cflags=(-std=c11 -g -Wall -Wextra -Wpedantic -Werror -I"$here/../include")
gcc "${cflags[@]}" "$here/c/test_itop.c" -L"$lib" -litop -Wl,-rpath,"$lib" -o "$work/test_itop"
gcc "${cflags[@]}" "$here/c/quickstart.c" -L"$lib" -litop -Wl,-rpath,"$lib" -o "$work/quickstart"

# Every function of the header must be called by the C tests.
missing=0
for fn in $(grep -o '\bitop_[a-z_]*(' "$here/../include/itop.h" | tr -d '(' | sort -u); do
    if ! grep -q "\b$fn(" "$here/c/test_itop.c"; then
        echo "not ok - $fn is not called by tests/c/test_itop.c"
        missing=$((missing + 1))
    fi
done
if [ "$missing" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + missing)); fi

run "C tests" "$work/test_itop" "$url" c1 "$work" "$limited_url"
run "C quick start" "$work/quickstart" "$url" admin Adm1n-secret
if [ "${ITOP_FFI_SKIP_VALGRIND:-0}" != 1 ]; then
    run "C tests under valgrind" valgrind -q --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect,possible \
        --suppressions="$here/c/valgrind.supp" "$work/test_itop" "$url" c2 "$work" "$limited_url"
fi
if [ "${ITOP_FFI_SKIP_ASAN:-0}" != 1 ]; then
    gcc "${cflags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer \
        "$here/c/test_itop.c" "$lib/libitop.a" -lpthread -ldl -lm -o "$work/test_itop_asan"
    run "C tests under ASan and UBSan" "$work/test_itop_asan" "$url" c3 "$work" "$limited_url"
fi

php=(php -d ffi.enable=1)
if ! php -m | grep -qx FFI; then
    php+=(-d extension=ffi)
fi
export ITOP_FFI_LIB="$lib/libitop.so"
run "PHP tests" "${php[@]}" "$here/php/test_itop.php" "$url" p1 "$work" "$limited_url"
run "PHP quick start" "${php[@]}" "$here/php/quickstart.php" "$url" admin Adm1n-secret

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
