#!/usr/bin/env bash
# The main job on a fresh machine: build the example cluster image examples/nginx-app for amd64
# and arm64 into the store ./.lade (override with LADE_ROOT), then show it.
# Needs only Node's npm (to install Bun when it is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bun_version="$(cat scripts/bun-version)"
if ! command -v bun >/dev/null 2>&1; then
  echo "example: installing bun $bun_version with npm" >&2
  npm install -g "bun@$bun_version"
  hash -r
fi
bun install --frozen-lockfile >/dev/null

root="${LADE_ROOT:-.lade}"
lade() { bun src/main.ts --root "$root" "$@"; }

lade build -t example/nginx-app:v1 --platform linux/amd64,linux/arm64 examples/nginx-app
lade images
lade inspect example/nginx-app:v1
echo
echo "Built example/nginx-app:v1 into $root. Try: bun src/main.ts --root $root inspect example/nginx-app:v1 --json"
