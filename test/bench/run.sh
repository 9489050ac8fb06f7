#!/usr/bin/env bash
# Compiles the project into a temporary folder and runs one benchmark from it:
#   npm run bench -- <name> [options]     (<name>: test/bench/<name>.bench.ts)
set -euo pipefail
name=${1:?usage: npm run bench -- <name> [options]}
shift
# Inside the checkout, so the compiled files find node_modules by walking up.
out=$(mktemp -d "$PWD/.bench-build-XXXXXX")
trap 'rm -rf "$out"' EXIT
npx tsc -p tsconfig.json --outDir "$out"
NODE_PATH="$out" node "$out/test/bench/$name.bench.js" "$@"
