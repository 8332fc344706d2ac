#!/usr/bin/env bash
# Undo scripts/init.sh: `kubeadm reset` when this machine is still in a cluster, then the kubelet,
# the container runtime, the registry and the host changes are removed in the reverse order, each
# file put back as it was (see lib.sh), and lade's state folder goes. Safe to run again, and on a
# machine where init.sh stopped half-way. sealer's scripts/clean-kube.sh and
# scripts/uninstall-<runtime>.sh, when the image has them, run first in their part (the image's
# own clean-up), then lade's, which puts back what init.sh changed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
if live && command -v kubeadm >/dev/null 2>&1 && [[ -e /etc/kubernetes/kubelet.conf || -d /etc/kubernetes/manifests ]]; then
  step "kubeadm reset"
  kubeadm reset -f --cri-socket "$LADE_CRI_SOCKET" || warn "kubeadm reset failed: going on"
fi
# run_if_present NAME: an image's own sealer-style clean-up script, when it has one
run_if_present() {
  if [[ -f "$ROOTFS/scripts/$1" ]]; then
    log "running the image's scripts/$1"
    bash "$ROOTFS/scripts/$1" || warn "scripts/$1 failed: going on"
  fi
}

step "1/4 kubelet"
run_if_present clean-kube.sh
bash "$ROOTFS/scripts/init-kube.sh" uninstall
step "2/4 container runtime"
run_if_present "uninstall-$LADE_CRI.sh"
bash "$ROOTFS/scripts/$LADE_CRI.sh" uninstall
step "3/4 registry"
bash "$ROOTFS/scripts/init-registry.sh" uninstall
step "4/4 host"
bash "$ROOTFS/scripts/system.sh" uninstall
rm -rf "$STATE_DIR"
step "done"
