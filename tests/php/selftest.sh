#!/usr/bin/env bash
# Self-test of the PHP stand-ins of iTop's CLI scripts (tests/php/itop).
# Replays the CLI fixtures (tests/fixtures/*/cli_*) and a few scenarios against
# temporary states. Needs only php-cli. Prints "N passed, M failed"; exit 1 on failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ITOP=$HERE/itop
FIX=$(cd "$HERE/../fixtures" && pwd)
PHP=${PHP:-php}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset ITOP_STANDIN_LOG ITOP_STANDIN_SLEEP
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "$2"; }

# A new work directory with an empty state (created on first use) or the seeded one.
fresh() { WORK=$(mktemp -d "$TMP/case.XXXXXX"); export ITOP_STANDIN_STATE=$WORK/state.json; }
seeded() { fresh; "$PHP" "$HERE/selftest/seed.php"; }

# run <script under itop/> <args…>: stdout in $WORK/out, stderr in $WORK/err, code in $CODE.
run() { "$PHP" -q "$ITOP/$1" "${@:2}" >"$WORK/out" 2>"$WORK/err"; CODE=$?; }

# Checks on the last run.
code_is() { [ "$CODE" -eq "$1" ] && ok "$2" || ko "$2" "  exit $CODE, expected $1"; }
has() { grep -qF -- "$1" "$WORK/out" && ok "$2" || ko "$2" "  missing: $1"; }
has_line() { grep -qxF -- "$1" "$WORK/out" && ok "$2" || ko "$2" "  no line: $1"; }
has_not() { grep -qF -- "$1" "$WORK/out" && ko "$2" "  unexpected: $1" || ok "$2"; }
is() { [ "$(cat "$WORK/out"; printf x)" = "$1x" ] && ok "$2" || ko "$2" "  got: $(head -c 300 "$WORK/out")"; }

fixture() {
    local report
    if report=$("$PHP" "$HERE/selftest/fixture.php" "$FIX/$1.req" "$ITOP" "$WORK"); then
        ok "fixture $1"
    else
        ko "fixture $1" "$report"
    fi
}

ADMIN=(--auth_user=admin --auth_pwd=Adm1n-secret)
SYNC=(--auth_user=syncuser '--auth_pwd=sync.Pass!')

echo "== fixtures (exact stdout and exit code, timestamps masked)"
for case in cron/cli_missing_auth cron/cli_wrong_password cron/cli_quiet_run cron/cli_debug_status_only \
    export-v2/cli_bad_oql export-v2/cli_csv_ok export-v2/cli_wrong_password \
    import/cli_missing_auth_user import/cli_wrong_password \
    synchro_exec/cli_missing_data_sources synchro_exec/cli_wrong_password \
    synchro_exec/cli_max_chunk_size_syncuser_special_pwd \
    synchro_import/cli_ok_summary synchro_import/cli_retcode synchro_import/cli_max_chunk_size_syncuser_special_pwd; do
    seeded
    fixture "$case"
done

# Second cron while a first one holds the lock (the first sleeps via the hook).
seeded
ITOP_STANDIN_SLEEP=3 "$PHP" -q "$ITOP/webservices/cron.php" "${ADMIN[@]}" >"$WORK/first" 2>&1 &
holder=$!
for _ in $(seq 50); do grep -q Starting "$WORK/first" && break; sleep 0.1; done
fixture cron/cli_second_instance_already_running
wait "$holder"

# synchro_exec with two sources after loads (9 unchanged rows + 1 with an unknown organization).
seeded
sed -n '/^primary_key/,/^EOF$/p' "$FIX/synchro_import/cli_ok_summary.req" | sed '/^EOF$/d' >"$WORK/p.csv"
cat >>"$WORK/p.csv" <<'CSV'
P-103;Bob;Brown;bob.brown@lab.example;Lab Org A;active;E002;Sync test
P-104;Carol;Clark;carol.clark@lab.example;Lab Org B;active;E003;Sync test
P-105;Dan;Davis;dan.davis@lab.example;Lab Org B;active;E005;Sync test
P-106;Eve;Evans;eve.evans@lab.example;Lab Org B;active;E006;Sync test
P-107;Frank;Fischer;frank.fischer@lab.example;Lab Org C;active;E007;Sync test
P-108;Walt;White;walt.white@lab.example;Lab Org A;active;E011;Sync test
P-109;Nora;North;nora.north@lab.example;No Such Org;active;S109;Sync test
CSV
printf 'primary_key;name;org_id;status\nSRV-1;srv-sync-01;Lab Org A;production\nSRV-2;srv-sync-02;Lab Org B;production\nSRV-3;srv-sync-03;Lab Org A;stock\n' >"$WORK/s.csv"
run synchro/synchro_import.php "${SYNC[@]}" --data_source_id=1 "--csvfile=$WORK/p.csv" --synchronize=0
has '#Updated (before synchro): 10' 'synchro_import: 10 replicas updated, no synchronization'
run synchro/synchro_import.php "${ADMIN[@]}" --data_source_id=2 "--csvfile=$WORK/s.csv" --synchronize=0 --output=retcode
is '0' 'synchro_import retcode with synchronize=0: bare 0'
fixture synchro_exec/cli_admin_two_sources

echo "== cron"
fresh
run webservices/cron.php "${ADMIN[@]}" --status_only=1
is "$(printf '%s\n' '+---------------------------+---------+---------------------+---------------------+--------+-----------+' \
    '| Task Class                | Status  | Last Run            | Next Run            | Nb Run | Avg. Dur. |' \
    '+---------------------------+---------+---------------------+---------------------+--------+-----------+' \
    '+---------------------------+---------+---------------------+---------------------+--------+-----------+')
" 'cron status_only before any run: empty table'
run webservices/cron.php "${ADMIN[@]}" --verbose=1
head -1 "$WORK/out" | grep -q '^Starting: [0-9]* (' && tail -1 "$WORK/out" | grep -q '^Exiting: ' \
    && ok 'cron verbose: Starting first, Exiting last' || ko 'cron verbose: Starting first, Exiting last'
has '| ExecAsyncTask             | active  |' 'cron verbose: final status table lists the task'
run webservices/cron.php "${ADMIN[@]}" --status_only=1
has '|      1 |   0.001 s |' 'cron status after one run: Nb Run 1'
run webservices/cron.php --auth_user=reader --auth_pwd=Re4der-pwd
is $'Access restricted to administrators\n' 'cron: not an administrator' && code_is 255 'cron: not an administrator exit 255'
touch "$WORK/.readonly"
run webservices/cron.php "${ADMIN[@]}"
is $'iTop is read-only. Exiting...\n' 'cron: read-only marker'
code_is 255 'cron: read-only exit 255'

echo "== import then export, second import unchanged"
fresh
printf 'first_name,name,org_id->name,email\nAnn,Archer,Lab Org A,ann@lab.example\n"Bo ""B""",Baker,Lab Org B,bo@lab.example\n' >"$WORK/i.csv"
IMPORT=(webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/i.csv" --no_localize=1 --reconciliationkeys=email --charset=UTF-8)
run "${IMPORT[@]}" --output=details
has '#Created: 2' 'import: 2 created'
has '1;created;Person;2;3;"Bo "B"";"Baker";"bo@lab.example"' 'import details: quoted cell with doubled quotes'
run webservices/export-v2.php "${ADMIN[@]}" '--expression=SELECT Person' --format=csv '--fields=first_name,name,org_id->name' --no_localize=1
is "$(printf '%s\n' '"first_name","name","org_id->name"' '"Ann","Archer","Lab Org A"' '"Bo ""B""","Baker","Lab Org B"')
" 'export-v2 csv shows the imported rows'
run "${IMPORT[@]}"
has '#Unchanged: 2' 'second identical import: unchanged'
run "${IMPORT[@]}" --output=retcode
is '0' 'import retcode: 0 without newline'
run "${IMPORT[@]}" --simulate=true --output=details
has '#Simulate: 0' 'flag simulate=true is off'
run webservices/import.php --auth_user=reader --auth_pwd=Re4der-pwd --class=Person "--csvfile=$WORK/i.csv" --output=retcode
is $'#You are not allowed to perform a bulk update of objects of class Person\n' 'import retcode: rights error replaces the integer'
code_is 0 'import rights error exit 0'

echo "== charsets and CSV dialect"
printf '\xef\xbb\xbffirst_name,name,org_id->name,email\nZo\xc3\xa9,Z,Lab Org A,zoe@lab.example\n' >"$WORK/bom.csv"
run webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/bom.csv" --no_localize=1
has "#Unknown column: 'ï»¿first_name'." 'import default charset keeps the BOM (double-encoded)'
run webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/bom.csv" --no_localize=1 --charset=utf-8
has "#Unknown column: '"$'\xef\xbb\xbf'"first_name'." 'import charset=utf-8 (lower case) keeps the BOM'
tail -c +4 "$WORK/bom.csv" >"$WORK/nobom.csv"
run webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/nobom.csv" --no_localize=1 --reconciliationkeys=email
has '#Created: 1' 'import UTF-8 data with the default charset is stored'
run webservices/export-v2.php "${ADMIN[@]}" "--expression=SELECT Person WHERE email = 'zoe@lab.example'" --format=csv --fields=first_name
is $'"First Name"\n"ZoÃ©"\n' 'UTF-8 read as ISO-8859-1 is double-encoded'
run webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/nobom.csv" --charset=BOGUS
code_is 255 'import unknown charset: PHP fatal, exit 255'
out=$("$PHP" -r 'require $argv[1]; echo json_encode((new CsvInput(" a ;\"b\"\"c\"d ; \n\n\"x\ny\";<NULL>\n;\n\"open;rest\nmore", ";", "\""))->rows());' "$ITOP/standin/csv_input.php")
[ "$out" = '[["a","b\"cd",""],["x\ny",null],["",""],["open;rest\nmore"]]' ] && ok 'CSV dialect §1.13' || ko 'CSV dialect §1.13' "  got $out"

echo "== arguments and parameters files"
run synchro/synchro_exec.php --auth_user admin --auth_pwd=Adm1n-secret --data_sources=1
has "ERROR: Missing argument 'auth_user'" '"--name value" is not recognised'
run synchro/synchro_exec.php --auth_user=admin --auth_user=nobody --auth_pwd=Adm1n-secret --data_sources=1
is $'Access restricted or wrong credentials (\'nobody\')\n' 'last --name=value wins'
run webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/i.csv" --no_localize=1 '--comment=a=b c'
has '#Change tracking comment: a=b c' 'value after the first = kept whole'
run webservices/import.php "${ADMIN[@]}" --class=Person "--csvfile=$WORK/i.csv" --no_localize=1 $'--comment=two\nlines'
has_line '#Change tracking comment: ' 'value with a newline: not recognised (empty default)'
printf 'auth_user = syncuser\nauth_pwd = sync.Pass!   # comment\ncomment = from file\n' >"$WORK/good.params"
printf 'auth_user = syncuser\nauth_pwd = wrong\n' >"$WORK/wrong.params"
chmod 600 "$WORK/good.params"
mkdir "$WORK/log"
export ITOP_STANDIN_LOG=$WORK/log
run synchro/synchro_exec.php "--param_file=$WORK/wrong.params, $WORK/good.params" --data_sources=1 --max_chunk_size=2
unset ITOP_STANDIN_LOG
has 'Working on Lab Person Source (id=1)...' 'later parameters file wins'
has_not 'ERROR' 'max_chunk_size with credentials from a file: no pitfall'
"$PHP" -r '$l = json_decode(file_get_contents($argv[1]), true); $f = $l["params_files"][1];
    exit(($f["mode"] === "0600" && !str_contains(implode(" ", $l["argv"]), "sync.Pass!")
        && str_contains($f["content"], "sync.Pass!") && is_int($l["pid"])) ? 0 : 1);' "$WORK/log/calls.jsonl" \
    && ok 'call log: argv without secret, param file 0600 with content' || ko 'call log' "$(cat "$WORK/log/calls.jsonl")"
run webservices/import.php "--param_file=$WORK/good.params" --class=Person "--csvfile=$WORK/i.csv" --no_localize=1 --reconciliationkeys=email --comment=argv
has '#Change tracking comment: argv' 'argv wins over the parameters file'
printf '\xef\xbb\xbfauth_user=admin\nauth_pwd=Adm1n-secret\n' >"$WORK/bom.params"
run webservices/cron.php "--param_file=$WORK/bom.params"
has "ERROR: Missing argument 'auth_user'" 'BOM kept in the first key of a parameters file'
printf 'auth_user=admin\nauth_pwd=Adm1n#secret\n' >"$WORK/hash.params"
run webservices/import.php "--param_file=$WORK/hash.params" --class=Person "--csvfile=$WORK/i.csv"
is $'Access restricted or wrong credentials (\'admin\')\n' '# cuts a value in a parameters file'
run webservices/import.php "--param_file=$WORK/none.params"
is "Error: Could not find the parameter file: '$WORK/none.params'"$'\n' 'import: missing parameters file message'
code_is 254 'import: missing parameters file exit 254'
run synchro/synchro_import.php "--param_file=$WORK/none.params"
code_is 0 'synchro_import: missing parameters file exit 0'

echo "== hooks: sleep, stderr, maintenance"
start=$(date +%s)
ITOP_STANDIN_SLEEP=5 timeout 1 "$PHP" -q "$ITOP/synchro/synchro_exec.php" "${ADMIN[@]}" --data_sources=1 >/dev/null 2>&1
rc=$?
[ "$rc" -eq 124 ] && [ $(($(date +%s) - start)) -lt 4 ] && ok 'ITOP_STANDIN_SLEEP keeps the child busy' || ko 'sleep hook' "  rc=$rc"
run webservices/export-v2.php "${ADMIN[@]}" '--expression=SELECT Organization' --format=xml
head -1 "$WORK/out" | grep -qx '<?xml version="1.0" encoding="UTF-8"?>' && grep -q 'Deprecated' "$WORK/err" \
    && ok 'export-v2 xml: clean stdout, deprecation on stderr' || ko 'export-v2 xml stderr'
has '<Organization alias="Organization" id="2">' 'export-v2 xml object element'
touch "$(dirname "$ITOP_STANDIN_STATE")/.maintenance"
run webservices/import.php "${ADMIN[@]}"
is 'This application is currently under maintenance.' 'maintenance marker: sentence without newline'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
