#!/usr/bin/env bash
# npm test: types, lint, unit + integration + trainer tests, a production build, then end-to-end tests in Chromium.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# On a Node older than the dependencies need, Node 24 (fetched once into a cache folder) goes first on PATH, so
# npx, vitest and every process they start run on it; node-runtime.mjs prints one line saying so.
node_prefix="$(node lib/cli/node-runtime.mjs)" || exit 1
if [ -n "$node_prefix" ]; then export PATH="$node_prefix:$PATH"; fi
reports="$(mktemp -d)"
status=0

step() { echo; echo "── $1"; }

step "typecheck (tsc)"
npx tsc --noEmit -p . || status=1

step "lint (eslint)"
npx eslint . || status=1

step "unit, integration and trainer tests (vitest)"
npx vitest run --project unit --project integration --project trainer \
  --reporter=default --reporter=json --outputFile.json="$reports/main.json" || status=1

step "production build (next build)"
if npx next build > "$reports/build.log" 2>&1; then
  tail -n 3 "$reports/build.log"
  step "end-to-end tests (vitest + playwright-core + Chromium)"
  npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$reports/e2e.json" || status=1
else
  cat "$reports/build.log"; status=1
fi

step "summary"
# CI sets TUNELOOP_STRICT_SKIPS=1: a test skipped there fails the run unless it is one CI's machine cannot run.
strict=""; if [ "${TUNELOOP_STRICT_SKIPS:-0}" = 1 ]; then strict="--strict"; fi
node tests/helpers/summarize.mjs $strict "$reports/main.json" "$reports/e2e.json" || status=1
exit $status
