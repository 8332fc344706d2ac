#!/usr/bin/env bash
# Prepare this machine as a Kubernetes node from the rootfs, with nothing from the network:
#   1. host: firewall, SELinux, swap, kernel modules, sysctl, the registry's name (system.sh)
#   2. the cluster's registry on this node (init-registry.sh), when LADE_WITH_REGISTRY is 1
#   3. the container runtime (containerd.sh or docker.sh)
#   4. with docker: the image list pulled from the registry under upstream names (docker.sh images)
#   5. kubelet, kubeadm, kubectl, crictl (init-kube.sh)
# Then `kubeadm init` or `kubeadm join` with the rendered etc/kubeadm.yml.
# Running it again changes nothing that is in place already; scripts/clean.sh undoes it.
# Environment:
#   LADE_REGISTRY_IP        address of the registry node (default 127.0.0.1: this one)
#   LADE_WITH_REGISTRY      1 to run the registry here, 0 not to (default: 1 when
#                           LADE_REGISTRY_IP is unset or 127.0.0.1)
#   LADE_REGISTRY_CA        the registry's certificate, on nodes that do not run it
#   LADE_REGISTRY_USER, LADE_REGISTRY_PASSWORD   when the registry requires basic auth
#   LADE_REGISTRY_LISTEN    the registry's listen address (default 0.0.0.0:<port>)
#   LADE_NODE_ROOT          prepare the machine tree under this folder instead (no live changes)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
check_arch
with_registry="${LADE_WITH_REGISTRY:-}"
if [[ -z "$with_registry" ]]; then
  case "${LADE_REGISTRY_IP:-127.0.0.1}" in
    127.0.0.1 | localhost) with_registry=1 ;;
    *) with_registry=0 ;;
  esac
fi

step "Kubernetes $LADE_K8S_VERSION with $LADE_CRI $LADE_CRI_VERSION on $(machine_arch) ($(distro_family) family)"
step "1/5 host"
bash "$ROOTFS/scripts/system.sh" install
if [[ "$with_registry" == 1 ]]; then
  step "2/5 registry"
  bash "$ROOTFS/scripts/init-registry.sh" install
else
  step "2/5 registry: runs on ${LADE_REGISTRY_IP:-another node}, not here"
fi
step "3/5 container runtime"
bash "$ROOTFS/scripts/$LADE_CRI.sh" install
if [[ "$LADE_CRI" == docker ]]; then
  step "4/5 images"
  bash "$ROOTFS/scripts/docker.sh" images
else
  step "4/5 images: containerd pulls through the registry's hosts.toml, nothing to do"
fi
step "5/5 kubelet"
bash "$ROOTFS/scripts/init-kube.sh" install
step "done"
