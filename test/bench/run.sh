#!/usr/bin/env bash
# Compiles the project into a temporary folder and runs one benchmark from it:
#   npm run bench -- <name> [options]     (<name>: test/bench/<name>.bench.ts)
set -euo pipefail
name=${1:?usage: npm run bench -- <name> [options]}
shift
out=$(mktemp -d "${TMPDIR:-/tmp}/kohaku-bench-XXXXXX")
trap 'rm -rf "$out"' EXIT
npx tsc -p tsconfig.json --outDir "$out"
NODE_PATH="$out" node "$out/test/bench/$name.bench.js" "$@"
