#!/usr/bin/env bash
# The one test command: installs what the tests need, type-checks, compiles both binaries and
# runs every test. Arguments go to `bun test` (e.g. a path or `-t NAME`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "bash scripts/install-test-deps.sh"
bash scripts/install-test-deps.sh
step "bunx tsc --noEmit -p ."
bunx tsc --noEmit -p .
step "bun run build"
bun run build
# --timeout: setDefaultTimeout in the preload reaches only the last test file (bun 1.4.5)
step "bun test --timeout 60000 $*"
bun test --timeout 60000 "$@"
