#!/usr/bin/env bash
# Install what lade's tests need: the real components the integration tests talk to, qemu plus
# an arm64 libc to run the arm64 binary, Bun, and the locked node_modules.
# Idempotent; when everything is present it only checks (well under a second) and touches
# nothing but `bun install --frozen-lockfile`. Debian/Ubuntu with apt-get; run as root.
# As another user it lists what is missing and fails.
set -euo pipefail


readonly APT_PACKAGES=(
  docker-registry skopeo umoci containerd runc shellcheck apache2-utils openssl curl jq pigz zstd
  qemu-user-static python3
  libc6:arm64 # the loader and libc qemu-aarch64-static needs for the (dynamic) arm64 binary
  systemd # systemd-analyze verify for the rootfs's units (test/rootfs)
  openssh-server # sshd on loopback addresses: the hosts of lade run over SSH (test/run/multi-host.test.ts)
  iproute2 # network namespaces, veth pairs and a bridge: the lab hosts of test/run/netns-*.test.ts
  docker.io iptables # a real dockerd 20.10 (and its iptables) on lab hosts: test/run/netns-docker.test.ts
  gcc libc6-dev # a static program for the image that docker runs there
  bash-completion zsh fish # the shells lade completion writes for (test/cli/completion.test.ts)
)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Bun this project is developed and tested with (also the runtime compiled into dist/).
BUN_VERSION="$(cat "$repo_root/scripts/bun-version")"
readonly BUN_VERSION
export DEBIAN_FRONTEND=noninteractive

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
  is_installed "$package" || missing+=("$package")
done

need_arm64_arch=false
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  need_arm64_arch=true
fi

need_bun=false
if ! command -v bun >/dev/null 2>&1; then
  need_bun=true
  # npm installs Bun; Debian's npm package brings Node.js along when neither is there.
  command -v npm >/dev/null 2>&1 || missing+=(npm)
elif [[ "$(bun --version)" != "$BUN_VERSION" ]]; then
  echo "install-test-deps: note: bun $(bun --version) is installed; this project pins $BUN_VERSION" >&2
fi

if ((${#missing[@]} > 0)) || [[ "$need_arm64_arch" == true ]] || [[ "$need_bun" == true ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "install-test-deps: missing test dependencies; run this script as root to install them:" >&2
    [[ "$need_arm64_arch" == true ]] && echo "  dpkg architecture: arm64 (dpkg --add-architecture arm64)" >&2
    ((${#missing[@]} > 0)) && echo "  apt packages: ${missing[*]}" >&2
    [[ "$need_bun" == true ]] && echo "  bun $BUN_VERSION (npm install -g bun@$BUN_VERSION)" >&2
    exit 1
  fi
  if [[ "$need_arm64_arch" == true ]]; then
    echo "install-test-deps: dpkg --add-architecture arm64" >&2
    dpkg --add-architecture arm64
  fi
  if ((${#missing[@]} > 0)); then
    echo "install-test-deps: installing ${missing[*]}" >&2
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  if [[ "$need_bun" == true ]]; then
    echo "install-test-deps: npm install -g bun@$BUN_VERSION" >&2
    npm install -g "bun@$BUN_VERSION"
    hash -r
  fi
fi

cd "$repo_root"
bun install --frozen-lockfile
