#!/bin/sh
# Editor keystroke benchmark (issue 4, point 9): builds a release tree in
# build-bench-editor/ and runs bench/editor_bench (see its header).
set -e
cd "$(dirname "$0")/.."
[ -d build-bench-editor ] || meson setup build-bench-editor --buildtype=release -Dtests=false >/dev/null
ninja -C build-bench-editor bench/editor_bench >/dev/null
./build-bench-editor/bench/editor_bench "$@"
