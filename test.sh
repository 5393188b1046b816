#!/usr/bin/env bash
# Runs every test of the project: Rust unit and integration tests (against
# the bundled loopback iTop, or a real one given by ITOP_TEST_URL...), the
# command-line-mode tests with Debian's php-cli, and the PHP stand-ins' own
# self-test. Needs cargo; php-cli for the CLI-mode part (set
# ITOP_REQUIRE_PHP=1 to make its absence an error rather than a skip).
set -euo pipefail
cd "$(dirname "$0")"

cargo test --workspace --locked

if command -v php >/dev/null 2>&1; then
    if [ -x tests/php/selftest.sh ]; then
        bash tests/php/selftest.sh
    fi
elif [ "${ITOP_REQUIRE_PHP:-0}" = 1 ]; then
    echo "error: php is required (apt-get install -y php-cli)" >&2
    exit 1
else
    echo "warning: php not found: the PHP stand-in self-test was skipped" >&2
fi
