import type { KubernetesRelease } from "./kubernetes-release.ts";

export type ContainerRuntime = "containerd" | "docker";
export type RootfsArch = "amd64" | "arm64";
export type CniName = "calico" | "none";

export const CONTAINER_RUNTIMES: readonly ContainerRuntime[] = ["containerd", "docker"];
export const ROOTFS_ARCHES: readonly RootfsArch[] = ["amd64", "arm64"];
export const CNI_NAMES: readonly CniName[] = ["calico", "none"];

/** The node components shipped with one Kubernetes release and runtime. */
export interface ComponentVersions {
  /** cri-tools of the same minor, as its README asks. */
  readonly crictl: string;
  readonly cniPlugins: string;
  readonly containerd?: { readonly version: string; readonly configVersion: 2 | 3; readonly runc: string };
  readonly docker?: { readonly version: string; readonly criDockerd?: string };
  /** The calico release whose `manifests/calico.yaml` suits this minor (undefined: none known). */
  readonly calico?: { readonly version: string; readonly manifestPath: string };
}

/**
 * containerd by Kubernetes minor: containerd's RELEASES.md matrix (1.6 keeps CRI v1alpha2 for
 * kubelets before 1.23; 2.x needs CRI v1). runc is the one each containerd release pins in
 * script/setup/runc-version. Config version 2 for 1.x, 3 for 2.0–2.2.
 */
const CONTAINERD: readonly { readonly upTo: number; readonly version: string; readonly configVersion: 2 | 3; readonly runc: string }[] = [
  { upTo: 25, version: "1.6.39", configVersion: 2, runc: "1.3.0" },
  { upTo: 30, version: "1.7.34", configVersion: 2, runc: "1.3.6" },
  { upTo: Number.POSITIVE_INFINITY, version: "2.2.7", configVersion: 3, runc: "1.3.6" },
];

/**
 * Docker's static binaries: 20.10 with the kubelet's dockershim (≤1.23); from 1.24 docker 24.0
 * behind cri-dockerd 0.3.10 (the pair KubeKey ships).
 */
const DOCKER_WITH_DOCKERSHIM = "20.10.23";
const DOCKER_WITH_CRI_DOCKERD = "24.0.9";
const CRI_DOCKERD = "0.3.10";
const CNI_PLUGINS = "1.6.2";

/** A calico release per minor range (its manifest moved to calico/manifests/ in 3.21–3.23). */
const CALICO: readonly { readonly from: number; readonly to: number; readonly version: string; readonly manifestPath: string }[] = [
  { from: 16, to: 17, version: "3.16.10", manifestPath: "manifests/calico.yaml" },
  { from: 18, to: 18, version: "3.18.6", manifestPath: "manifests/calico.yaml" },
  { from: 19, to: 20, version: "3.20.6", manifestPath: "manifests/calico.yaml" },
  { from: 21, to: 21, version: "3.22.5", manifestPath: "calico/manifests/calico.yaml" },
  { from: 22, to: 22, version: "3.24.6", manifestPath: "manifests/calico.yaml" },
  { from: 23, to: 23, version: "3.25.2", manifestPath: "manifests/calico.yaml" },
  { from: 24, to: 26, version: "3.26.5", manifestPath: "manifests/calico.yaml" },
  { from: 27, to: 27, version: "3.27.5", manifestPath: "manifests/calico.yaml" },
  { from: 28, to: 28, version: "3.28.5", manifestPath: "manifests/calico.yaml" },
  { from: 29, to: 29, version: "3.29.7", manifestPath: "manifests/calico.yaml" },
  { from: 30, to: 33, version: "3.30.7", manifestPath: "manifests/calico.yaml" },
  { from: 34, to: 36, version: "3.31.7", manifestPath: "manifests/calico.yaml" },
];

/** The component versions for a release and runtime; see the tables above for where they come from. */
export function componentVersions(release: KubernetesRelease, runtime: ContainerRuntime): ComponentVersions {
  const minor = release.minorNumber;
  const calico = CALICO.find((entry) => entry.from <= minor && minor <= entry.to);
  const base = {
    crictl: `1.${minor}.0`,
    cniPlugins: CNI_PLUGINS,
    ...(calico ? { calico: { version: calico.version, manifestPath: calico.manifestPath } } : {}),
  };
  if (runtime === "containerd") {
    const containerd = CONTAINERD.find((entry) => minor <= entry.upTo)!;
    return { ...base, containerd: { version: containerd.version, configVersion: containerd.configVersion, runc: containerd.runc } };
  }
  return release.dockershim
    ? { ...base, docker: { version: DOCKER_WITH_DOCKERSHIM } }
    : { ...base, docker: { version: DOCKER_WITH_CRI_DOCKERD, criDockerd: CRI_DOCKERD } };
}
