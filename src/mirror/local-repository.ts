import type { ImageReference } from "../oci/image-reference.ts";

/**
 * The repository an image gets in the cluster's own registry: the upstream host is dropped (as
 * sealer does), so kubeadm's `imageRepository: sea.hub:5000` and containerd's per-upstream mirror
 * config find `registry.k8s.io/kube-apiserver` at `kube-apiserver` and `quay.io/calico/node` at
 * `calico/node`; Docker Hub keeps its `library/` prefix.
 */
export function localRepository(reference: ImageReference): string {
  return reference.repository;
}
