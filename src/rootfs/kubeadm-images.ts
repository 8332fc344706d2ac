import type { KubernetesRelease } from "./kubernetes-release.ts";

/**
 * Exactly what `kubeadm config images list` prints for this release with kubeadm's defaults (the
 * kubeadm binary of the same patch): the four control-plane images tagged with the version
 * (`+` becomes `_`), then coredns, pause and etcd. Order follows current kubeadm; older kubeadm
 * printed coredns last, so compare as a set.
 */
export function kubeadmImages(release: KubernetesRelease): string[] {
  const tag = release.version.replaceAll("+", "_");
  const repo = release.repo;
  return [
    `${repo}/kube-apiserver:${tag}`,
    `${repo}/kube-controller-manager:${tag}`,
    `${repo}/kube-scheduler:${tag}`,
    `${repo}/kube-proxy:${tag}`,
    `${repo}/${release.corednsPath}:${release.coredns}`,
    `${repo}/pause:${release.pause}`,
    `${repo}/etcd:${release.etcd}`,
  ];
}
