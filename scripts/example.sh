#!/usr/bin/env bash
# The main job on a fresh machine: build the example cluster image examples/nginx-app for amd64
# and arm64 into the store ./.lade (override with LADE_ROOT), with its container image mirrored
# into the image's registry folder, then show it.
#
# The example's imageList names docker.io/library/nginx:1.27.3. So that it builds without internet,
# this script serves an offline stand-in of that image from a loopback registry and passes
# --registry-mirror docker.io=127.0.0.1:PORT; with LADE_EXAMPLE_ONLINE=1 the real image is fetched
# from Docker Hub instead.
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
platforms=linux/amd64,linux/arm64

mirror_args=()
if [[ "${LADE_EXAMPLE_ONLINE:-}" != 1 ]]; then
  missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  if ((${#missing[@]} > 0)); then
    echo "example: installing ${missing[*]} (for the loopback stand-in registry)" >&2
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  work="$(mktemp -d)"
  port="$(bun -e 'const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } }); console.log(s.port); s.stop(true)')"
  cat >"$work/config.yml" <<YAML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/data}}
http: {addr: 127.0.0.1:$port, secret: example}
YAML
  env -i PATH="$PATH" docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  trap 'kill "$registry_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  until curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; do sleep 0.1; done

  lade build -q -t example/nginx-standin:1 --platform "$platforms" examples/nginx-app/standin >/dev/null
  skopeo copy --quiet --all --dest-tls-verify=false \
    "oci:$root:docker.io/example/nginx-standin:1" "docker://127.0.0.1:$port/library/nginx:1.27.3"
  mirror_args=(--registry-mirror "docker.io=127.0.0.1:$port")
fi

lade build -t example/nginx-app:v1 --platform "$platforms" "${mirror_args[@]}" examples/nginx-app
lade images
lade inspect example/nginx-app:v1
echo
echo "Built example/nginx-app:v1 into $root. Try: bun src/main.ts --root $root inspect example/nginx-app:v1 --json"
