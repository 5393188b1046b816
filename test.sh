#!/usr/bin/env bash
# Runs every test of the project: Rust unit and integration tests (against
# the bundled loopback iTop, or a real one given by ITOP_TEST_URL...), the
# command-line-mode tests with Debian's php-cli, the PHP stand-ins' own
# self-test, and the C and PHP tests of the C API (gcc, valgrind). Needs cargo; php-cli for the CLI-mode part (set
# ITOP_REQUIRE_PHP=1 to make its absence an error rather than a skip).
set -euo pipefail
cd "$(dirname "$0")"

cargo test --workspace --locked

if command -v php >/dev/null 2>&1; then
    bash tests/php/selftest.sh
elif [ "${ITOP_REQUIRE_PHP:-0}" = 1 ]; then
    echo "error: php is required (apt-get install -y php-cli)" >&2
    exit 1
else
    echo "warning: php not found: the PHP stand-in self-test was skipped" >&2
fi

# The C API: C tests (plain, valgrind, ASan) and the PHP FFI binding.
if command -v php >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then
    command -v valgrind >/dev/null 2>&1 || export ITOP_FFI_SKIP_VALGRIND=1
    bash itop-ffi/tests/run-c-and-php.sh
elif [ "${ITOP_REQUIRE_PHP:-0}" = 1 ]; then
    echo "error: gcc and php are required for the C and PHP tests" >&2
    exit 1
else
    echo "warning: gcc or php not found: the C and PHP tests were skipped" >&2
fi
