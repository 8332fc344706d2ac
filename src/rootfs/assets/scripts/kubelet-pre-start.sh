#!/usr/bin/env bash
# Runs before every start of the kubelet (ExecStartPre of kubelet.service, installed as
# /usr/bin/kubelet-pre-start.sh) and once from init.sh: swap off, the kernel modules and the
# sysctl settings Kubernetes needs. Reads the lists init.sh installed, writes no file, and may run
# any number of times.
set -euo pipefail

readonly MODULES_FILE=/etc/modules-load.d/lade-k8s.conf
readonly SYSCTL_FILE=/etc/sysctl.d/90-lade-k8s.conf
# Loaded when the kernel has them (kube-proxy's IPVS mode); missing ones are only reported.
readonly OPTIONAL_MODULES=(ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh nf_conntrack)

log() { printf '%s [kubelet-pre-start] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# /proc/swaps has a header line, then one line per active swap area (works with any util-linux)
if [[ -r /proc/swaps && "$(wc -l </proc/swaps)" -gt 1 ]]; then
  log "turning swap off (the kubelet refuses to run with swap)"
  swapoff -a
fi

# Whether a module is there already: loaded or built in (a kernel without loadable modules has no
# modprobe), or for br_netfilter its sysctl, which is what Kubernetes needs of it.
module_present() {
  [[ -d "/sys/module/$1" ]] || grep -qs "/$1.ko" "/lib/modules/$(uname -r)/modules.builtin" ||
    [[ "$1" == br_netfilter && -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]
}

[[ -r "$MODULES_FILE" ]] || { log "error: $MODULES_FILE is missing: run the rootfs's scripts/init.sh"; exit 1; }
while read -r module; do
  [[ -z "$module" || "$module" == \#* ]] && continue
  module_present "$module" && continue
  modprobe "$module" || { log "error: cannot load the kernel module $module"; exit 1; }
done <"$MODULES_FILE"
for module in "${OPTIONAL_MODULES[@]}"; do
  module_present "$module" || modprobe "$module" 2>/dev/null || log "kernel module $module is not available (only IPVS mode needs it)"
done

[[ -r "$SYSCTL_FILE" ]] || { log "error: $SYSCTL_FILE is missing: run the rootfs's scripts/init.sh"; exit 1; }
sysctl -q -p "$SYSCTL_FILE" >/dev/null
