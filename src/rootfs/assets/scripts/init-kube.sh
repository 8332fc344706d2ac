#!/usr/bin/env bash
# The Kubernetes node pieces: `init-kube.sh install` (from init.sh) or `init-kube.sh uninstall`
# (from clean.sh).
#   install: kubeadm, kubelet, kubectl, crictl (and conntrack, lade when the image has them) from
#            the rootfs's bin into /usr/bin, kubelet.service with kubeadm's 10-kubeadm.conf
#            drop-in (enabled; kubeadm starts it), /etc/crictl.yaml for this runtime, and the
#            API server's audit policy as /etc/kubernetes/audit-policy.yml.
#   uninstall: stops the kubelet and removes all of it, with /etc/kubernetes, /var/lib/kubelet,
#            /var/lib/etcd and /etc/cni when install created them (run `kubeadm reset` first).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly COMPONENT=kube

install_kube() {
  require_root
  local name
  for name in kubeadm kubelet kubectl crictl; do
    [[ -x "$ROOTFS/bin/$name" ]] || die "$ROOTFS/bin/$name is missing: the rootfs was generated without binaries"
  done
  step "kubernetes $LADE_K8S_VERSION: binaries"
  install_dir "$COMPONENT" "$ROOTFS/bin" "$ROOT/usr/bin" 0755
  install_file "$COMPONENT" "$ROOTFS/scripts/kubelet-pre-start.sh" "$ROOT/usr/bin/kubelet-pre-start.sh" 0755
  step "kubernetes: kubelet.service, crictl.yaml, audit policy"
  install_file "$COMPONENT" "$ROOTFS/etc/crictl.yaml" "$ROOT/etc/crictl.yaml"
  claim_data_dir "$COMPONENT" "$ROOT/etc/kubernetes"
  install_file "$COMPONENT" "$ROOTFS/statics/audit-policy.yml" "$ROOT/etc/kubernetes/audit-policy.yml"
  claim_data_dir "$COMPONENT" "$ROOT/var/lib/kubelet"
  claim_data_dir "$COMPONENT" "$ROOT/var/lib/etcd"
  claim_data_dir "$COMPONENT" "$ROOT/etc/cni"
  install_file "$COMPONENT" "$ROOTFS/etc/systemd/kubelet.service" "$ROOT/etc/systemd/system/kubelet.service"
  install_file "$COMPONENT" "$ROOTFS/etc/systemd/10-kubeadm.conf" "$ROOT/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
  daemon_reload
  enable_unit "$COMPONENT" kubelet.service
  if live && ! command -v conntrack >/dev/null 2>&1; then
    warn "conntrack is not installed: kubeadm's preflight checks need it (the distribution's conntrack package)"
  fi
  log "kubernetes: ready for kubeadm init/join (criSocket $LADE_CRI_SOCKET)"
}

uninstall_kube() {
  require_root
  step "kubernetes: stopping the kubelet and removing it"
  stop_units "$COMPONENT"
  unmount_under "$ROOT/var/lib/kubelet"
  revert "$COMPONENT"
  daemon_reload
  restore_units "$COMPONENT"
}

case "${1:-install}" in
  install) install_kube ;;
  uninstall) uninstall_kube ;;
  *) die "usage: init-kube.sh install|uninstall" ;;
esac
