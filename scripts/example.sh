#!/usr/bin/env bash
# The main job on a fresh machine, lade's first five minutes: build a real cluster image offline
# and show what lade run would do with it. Into the store ./.lade (override with LADE_ROOT):
#   1. example/kubernetes:v1.27.3 — a base for Kubernetes v1.27.3 with containerd and calico, for
#      amd64 and arm64 (lade build --k8s-version: node scripts, units, kubeadm config, binaries,
#      and kubeadm's and calico's images in the image's registry);
#   2. example/nginx-cluster:v1 — that base with the nginx app on top (examples/nginx-app);
#   3. example/nginx-app:v1 — the app alone, an app image for a cluster that runs already;
# then lade inspect, and lade run --dry-run's plan for the three hosts of examples/Clusterfile.
#
# Nothing is downloaded: the Kubernetes binaries are stand-ins (scripts/example-stand-ins.ts:
# small scripts that print their name; real ones cannot run here anyway), and the container images
# (kubeadm's, calico's, nginx) are one small stand-in image served from a loopback registry, which
# --registry-mirror points docker.io, registry.k8s.io and quay.io at. With LADE_EXAMPLE_ONLINE=1
# the real binaries, calico manifest and images are fetched from the internet instead.
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
  kube_images="$(bun scripts/example-stand-ins.ts "$work/bin" v1.27.3)"
  for image in docker.io/library/nginx:1.27.3 $kube_images docker.io/calico/cni:v3.27.5 docker.io/calico/node:v3.27.5 quay.io/calico/kube-controllers:v3.27.5; do
    skopeo copy --quiet --all --dest-tls-verify=false \
      "oci:$root:docker.io/example/nginx-standin:1" "docker://127.0.0.1:$port/${image#*/}"
  done
  mirror_args=(--registry-mirror "docker.io=127.0.0.1:$port" --registry-mirror "registry.k8s.io=127.0.0.1:$port" --registry-mirror "quay.io=127.0.0.1:$port")
  base_args=(--bin-source "$work/bin" --cni-manifest examples/kubernetes/calico-standin.yaml)
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  base_args=()
fi

# headings in bold on a terminal only (NO_COLOR turns it off, FORCE_COLOR on)
if [[ -n "${FORCE_COLOR:-}" || ( -t 1 && -z "${NO_COLOR:-}" ) ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
step "lade build --k8s-version v1.27.3: the base cluster image"
lade build -t example/kubernetes:v1.27.3 --platform "$platforms" --k8s-version v1.27.3 --cri containerd "${base_args[@]}" "${mirror_args[@]}"
step "lade build -f examples/nginx-app/Kubefile.cluster: the base with the nginx app on top"
lade build -t example/nginx-cluster:v1 -f examples/nginx-app/Kubefile.cluster --platform "$platforms" "${mirror_args[@]}" examples/nginx-app
step "lade build examples/nginx-app: the app alone"
lade build -t example/nginx-app:v1 --platform "$platforms" "${mirror_args[@]}" examples/nginx-app
step "lade images"
lade images
step "lade inspect example/nginx-cluster:v1"
lade inspect example/nginx-cluster:v1
step "lade run example/nginx-cluster:v1 -f examples/Clusterfile --dry-run: the install plan for 3 hosts (steps; the commands are in the full output)"
lade run example/nginx-cluster:v1 -f examples/Clusterfile --data-dir "$work/cluster" --dry-run | grep -v '^\[[^]]*\]     '
echo
echo "Built example/kubernetes:v1.27.3, example/nginx-cluster:v1 and example/nginx-app:v1 into $root."
echo "Next: bun src/main.ts --root $root sbom example/nginx-cluster:v1 | less     (what is inside, with versions and digests)"
echo "      bun src/main.ts --root $root run example/nginx-cluster:v1 -f examples/Clusterfile --dry-run     (every command)"
