#!/usr/bin/env bash
# Regenerates include/itop.h from the Rust sources with the pinned
# cbindgen, installing it from crates.io into CARGO_HOME when missing.
# CI runs this, then `git diff --exit-code itop-ffi/include`.
set -euo pipefail
cd "$(dirname "$0")"

version=0.29.4
cbindgen="${CARGO_HOME:-$HOME/.cargo}/bin/cbindgen"
if ! "$cbindgen" --version 2>/dev/null | grep -qx "cbindgen $version"; then
    cargo install --quiet --locked cbindgen --version "=$version"
fi
"$cbindgen" --quiet --config cbindgen.toml --output include/itop.h
