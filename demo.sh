#!/usr/bin/env bash
# The main job, end to end: import organizations and people from examples/,
# export the people back, print both reports.
#
# Without ITOP_URL it starts the bundled loopback iTop (tests/, state kept in
# demo-state/ so that a second run finds the rows it created: run it twice
# and the second import reports every row "unchanged"). With ITOP_URL,
# ITOP_USER and ITOP_PWD set, it talks to that iTop instead.
set -euo pipefail
cd "$(dirname "$0")"

cargo build --locked --quiet -p itop-cli -p itop-tests
bin=${CARGO_TARGET_DIR:-target}/debug
itop=$bin/itop
mkdir -p demo-state
chmod 700 demo-state

server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${ITOP_URL:-}" ]; then
    # The loopback iTop prints its URL first; read it from a pipe.
    exec 3< <("$bin/itop-testserver" --listen 127.0.0.1:0 --state demo-state/itop-state.json)
    server_pid=$!
    read -r line <&3
    ITOP_URL=${line#listening on }
    export ITOP_USER=admin ITOP_PWD=Adm1n-secret
    echo "== loopback iTop at $ITOP_URL (state in demo-state/itop-state.json)"
fi
export ITOP_URL

echo "== import examples/organizations.csv into Organization"
"$itop" import --class Organization --csv examples/organizations.csv \
    --reconciliation-keys name

echo
echo "== import examples/people.csv into Person"
"$itop" import --class Person --csv examples/people.csv --reconciliation-keys email

echo
echo "== export SELECT Person back to demo-state/people-export.csv"
"$itop" export --expression "SELECT Person" \
    --fields first_name,name,email,org_id-\>name,function,status \
    --output demo-state/people-export.csv
echo "$(($(wc -l < demo-state/people-export.csv) - 1)) rows exported; the first ones:"
head -n 6 demo-state/people-export.csv
