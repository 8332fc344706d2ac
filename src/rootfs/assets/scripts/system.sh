#!/usr/bin/env bash
# Host preparation, and its undoing: `system.sh install` (from init.sh) or `system.sh uninstall`
# (from clean.sh).
#   install: firewall off (ufw on the Debian family, firewalld on the RHEL family), SELinux
#            permissive (RHEL family), swap off and out of /etc/fstab, the kernel modules and sysctl
#            settings Kubernetes needs (files under /etc/modules-load.d and /etc/sysctl.d, applied
#            by kubelet-pre-start.sh), the registry's name in /etc/hosts, and the registry's CA
#            when LADE_REGISTRY_CA=FILE names one (nodes that do not run the registry).
#   uninstall: puts each of these back as it was before install.
# Environment: LADE_REGISTRY_IP (default 127.0.0.1) is the address of the node that runs the
# registry; LADE_REGISTRY_CA=FILE is its certificate.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly COMPONENT=system
readonly HOSTS_MARK="# lade-registry"
readonly SWAP_MARK="#lade-swap# "

is_ip() { [[ "$1" =~ ^[0-9.]+$ || "$1" == *:* ]]; }

install_host() {
  require_root
  disable_firewall
  relax_selinux
  disable_swap
  step "kernel modules and sysctl settings"
  save_sysctl_values
  install_file "$COMPONENT" "$ROOTFS/etc/modules-load.d/lade-k8s.conf" "$ROOT/etc/modules-load.d/lade-k8s.conf"
  install_file "$COMPONENT" "$ROOTFS/etc/sysctl.d/90-lade-k8s.conf" "$ROOT/etc/sysctl.d/90-lade-k8s.conf"
  install_file "$COMPONENT" "$ROOTFS/scripts/kubelet-pre-start.sh" "$ROOT/usr/bin/kubelet-pre-start.sh" 0755
  if live; then
    "$ROOT/usr/bin/kubelet-pre-start.sh"
  else
    log "not applying modules and sysctl settings (LADE_NODE_ROOT is set)"
  fi
  registry_name
  if [[ -n "${LADE_REGISTRY_CA:-}" ]]; then
    step "registry CA from $LADE_REGISTRY_CA"
    install_file "$COMPONENT" "$LADE_REGISTRY_CA" "$REGISTRY_CONFIG_DIR/ca.crt"
  fi
}

disable_firewall() {
  live || return 0
  case "$(distro_family)" in
    debian)
      if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q "Status: active"; then
        step "firewall: disabling ufw"
        save_once firewall ufw
        ufw disable >/dev/null
      fi
      ;;
    *)
      if systemctl is-active --quiet firewalld 2>/dev/null; then
        step "firewall: stopping firewalld"
        save_once firewall firewalld
        systemctl disable --now firewalld >/dev/null 2>&1
      fi
      ;;
  esac
}

relax_selinux() {
  local config="$ROOT/etc/selinux/config" mode
  if live && command -v getenforce >/dev/null 2>&1; then
    mode="$(getenforce)"
    if [[ "$mode" == Enforcing ]]; then
      step "SELinux: permissive"
      save_once selinux-mode Enforcing
      setenforce 0
    fi
  fi
  if [[ -f "$config" ]] && grep -q '^SELINUX=enforcing' "$config"; then
    save_once selinux-config enforcing
    sed -i 's/^SELINUX=enforcing/SELINUX=permissive/' "$config"
  fi
}

disable_swap() {
  local fstab="$ROOT/etc/fstab"
  if [[ -f "$fstab" ]] && grep -Eq '^[^#]\S*\s+\S+\s+swap\s' "$fstab"; then
    step "swap: commenting swap out of /etc/fstab"
    sed -i -E "s/^([^#]\S*\s+\S+\s+swap\s)/${SWAP_MARK}\1/" "$fstab"
  fi
  if live && [[ -r /proc/swaps && "$(wc -l </proc/swaps)" -gt 1 ]]; then
    save_once swap on
  fi
}

save_sysctl_values() {
  local key value
  live || return 0
  while IFS='= ' read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    value="$(sysctl -n "$key" 2>/dev/null || true)"
    [[ -n "$value" ]] && save_once "sysctl-$key" "$value"
  done <"$ROOTFS/etc/sysctl.d/90-lade-k8s.conf"
}

registry_name() {
  local hosts="$ROOT/etc/hosts" ip="${LADE_REGISTRY_IP:-127.0.0.1}" line
  is_ip "$LADE_REGISTRY_DOMAIN" && return 0
  line="$ip $LADE_REGISTRY_DOMAIN $HOSTS_MARK"
  if [[ -f "$hosts" ]] && grep -qxF "$line" "$hosts"; then return 0; fi
  step "registry name: $LADE_REGISTRY_DOMAIN is $ip in /etc/hosts"
  remove_registry_name
  if [[ ! -f "$hosts" ]]; then
    make_dir "$COMPONENT" "$(dirname "$hosts")"
    : >"$hosts"
    record "$COMPONENT" f "$hosts"
  fi
  # a file that does not end with a newline gets one first (noted: clean.sh takes it away again)
  if [[ -s "$hosts" && -n "$(tail -c 1 "$hosts")" ]]; then
    save_once hosts-newline added
    printf '\n' >>"$hosts"
  fi
  printf '%s\n' "$line" >>"$hosts"
}

remove_registry_name() {
  local hosts="$ROOT/etc/hosts"
  [[ -f "$hosts" ]] || return 0
  if grep -q " ${HOSTS_MARK}\$" "$hosts"; then
    sed -i "/ ${HOSTS_MARK}\$/d" "$hosts"
  fi
  if [[ "$(saved hosts-newline)" == added && -s "$hosts" ]]; then truncate -s -1 "$hosts"; fi
  forget hosts-newline
}

uninstall_host() {
  local file key value
  require_root
  step "host: putting back what install changed"
  remove_registry_name
  revert "$COMPONENT"
  if live; then
    for file in "$STATE_DIR"/saved/sysctl-*; do
      [[ -e "$file" ]] || continue
      key="${file##*/sysctl-}"
      value="$(cat "$file")"
      sysctl -q -w "$key=$value" >/dev/null 2>&1 || warn "cannot set $key back to $value"
      rm -f "$file"
    done
  fi
  if [[ -f "$ROOT/etc/fstab" ]] && grep -q "^${SWAP_MARK}" "$ROOT/etc/fstab"; then
    sed -i "s/^${SWAP_MARK}//" "$ROOT/etc/fstab"
  fi
  if [[ "$(saved swap)" == on ]] && live; then swapon -a || warn "swapon -a failed"; fi
  forget swap
  if [[ "$(saved selinux-config)" == enforcing ]]; then
    sed -i 's/^SELINUX=permissive/SELINUX=enforcing/' "$ROOT/etc/selinux/config"
  fi
  forget selinux-config
  if [[ "$(saved selinux-mode)" == Enforcing ]] && live; then setenforce 1 || warn "setenforce 1 failed"; fi
  forget selinux-mode
  case "$(saved firewall)" in
    ufw) live && { ufw --force enable >/dev/null || warn "ufw enable failed"; } ;;
    firewalld) live && { systemctl enable --now firewalld >/dev/null 2>&1 || warn "cannot start firewalld again"; } ;;
  esac
  forget firewall
}

case "${1:-install}" in
  install) install_host ;;
  uninstall) uninstall_host ;;
  *) die "usage: system.sh install|uninstall" ;;
esac
