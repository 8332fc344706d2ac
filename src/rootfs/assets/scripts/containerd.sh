#!/usr/bin/env bash
# containerd as the container runtime: `containerd.sh install` (from init.sh) or
# `containerd.sh uninstall` (from clean.sh).
#   install: containerd, its shims, ctr and runc from the rootfs's cri/bin into /usr/bin, the CNI
#            plugins from cni/bin into /opt/cni/bin, /etc/containerd/config.toml (sandbox image
#            from the cluster's registry, systemd cgroups, config_path) and
#            /etc/containerd/certs.d/<registry>/hosts.toml (or the config's registry config_path)
#            for every registry the image's images come from, each pointing at the cluster's
#            registry; containerd.service started.
#   uninstall: stops containerd and removes all of it, /var/lib/containerd and /opt/containerd
#            included when install created them.
# LADE_REGISTRY_MIRRORS (the other registry hosts' IPs, joined by ",") are mirrors after it.
# With LADE_REGISTRY_USER and LADE_REGISTRY_PASSWORD the hosts.toml files also send basic auth to
# the cluster's registry (a [header] table for `server` and for the [host] entry).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly COMPONENT=containerd
readonly WAIT_SECONDS=30

install_containerd() {
  require_root
  [[ -x "$ROOTFS/cri/bin/containerd" ]] || die "$ROOTFS/cri/bin/containerd is missing: the rootfs was generated without binaries"
  step "containerd $LADE_CRI_VERSION: binaries"
  install_dir "$COMPONENT" "$ROOTFS/cri/bin" "$ROOT/usr/bin" 0755
  claim_data_dir "$COMPONENT" "$ROOT/opt/cni"
  install_dir "$COMPONENT" "$ROOTFS/cni/bin" "$ROOT/opt/cni/bin" 0755
  step "containerd: configuration (sandbox image $LADE_PAUSE_IMAGE, registries through $(registry_host))"
  install_file "$COMPONENT" "$ROOTFS/etc/containerd/config.toml" "$ROOT/etc/containerd/config.toml"
  install_hosts
  [[ -f "$REGISTRY_CONFIG_DIR/ca.crt" ]] ||
    warn "$REGISTRY_CONFIG_DIR/ca.crt is missing: pulls from $(registry_host) will fail until it is there (LADE_REGISTRY_CA=FILE)"
  install_file "$COMPONENT" "$ROOTFS/etc/systemd/containerd.service" "$ROOT/etc/systemd/system/containerd.service"
  claim_data_dir "$COMPONENT" "$ROOT/var/lib/containerd"
  # where containerd's opt plugin puts what it installs, made at its first start
  claim_data_dir "$COMPONENT" "$ROOT/opt/containerd"
  # the CRI plugin makes /etc/cni/net.d soon after it starts (before init-kube.sh could claim it)
  claim_data_dir "$COMPONENT" "$ROOT/etc/cni"
  daemon_reload
  enable_unit "$COMPONENT" containerd.service
  start_unit containerd.service
  live && wait_for_containerd
  return 0
}

# The folder containerd reads registry hosts from: the config's registry config_path (an image may
# set another, e.g. sealer's dump-config.toml), else /etc/containerd/certs.d.
hosts_dir() {
  local dir
  dir="$(sed -n 's/^[[:space:]]*config_path[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$ROOTFS/etc/containerd/config.toml" | head -n 1)"
  dir="${dir%/}"
  printf '%s' "${dir:-/etc/containerd/certs.d}"
}

install_hosts() {
  local file dest text auth="" dir
  dir="$(hosts_dir)"
  if [[ -n "${LADE_REGISTRY_USER:-}" ]]; then
    [[ -n "${LADE_REGISTRY_PASSWORD:-}" ]] || die "LADE_REGISTRY_USER is set but LADE_REGISTRY_PASSWORD is not"
    auth="$(printf '%s:%s' "$LADE_REGISTRY_USER" "$LADE_REGISTRY_PASSWORD" | base64 -w0)"
  fi
  while IFS= read -r -d '' file; do
    dest="$ROOT$dir/${file#"$ROOTFS/etc/containerd/certs.d/"}"
    text="$(cat "$file")"
    if [[ -n "$auth" ]]; then
      text="$text

[header]
  Authorization = \"Basic $auth\"

[host.\"https://$(registry_host)\".header]
  Authorization = \"Basic $auth\""
    fi
    text="$text$(mirror_hosts "$auth")"
    install_text "$COMPONENT" "$dest" 0600 "$text
"
  done < <(find "$ROOTFS/etc/containerd/certs.d" -name hosts.toml -type f -print0 | sort -z)
}

# The other registry hosts (LADE_REGISTRY_MIRRORS, IPs joined by ","), tried after the cluster's
# registry name in order: when one registry host is gone, pulls go on from the next.
mirror_hosts() {
  local auth=$1 ip
  while read -r ip; do
    printf '\n\n[host."https://%s:%s"]\n  capabilities = ["pull", "resolve"]\n  ca = "/etc/lade/registry/ca.crt"' "$ip" "$LADE_REGISTRY_PORT"
    [[ -z "$auth" ]] || printf '\n\n[host."https://%s:%s".header]\n  Authorization = "Basic %s"' "$ip" "$LADE_REGISTRY_PORT" "$auth"
  done < <(host_list "${LADE_REGISTRY_MIRRORS:-}")
}

wait_for_containerd() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "containerd does not answer: see journalctl -u containerd"
    sleep 1
  done
  log "containerd: running"
}

uninstall_containerd() {
  require_root
  step "containerd: stopping and removing"
  stop_units "$COMPONENT"
  unmount_under "$ROOT/run/containerd"
  revert "$COMPONENT"
  daemon_reload
  restore_units "$COMPONENT"
}

case "${1:-install}" in
  install) install_containerd ;;
  uninstall) uninstall_containerd ;;
  *) die "usage: containerd.sh install|uninstall" ;;
esac
