import { binaryDownloads, type BinaryDownload } from "./binary-downloads.ts";
import {
  CNI_NAMES,
  CONTAINER_RUNTIMES,
  ROOTFS_ARCHES,
  componentVersions,
  type CniName,
  type ComponentVersions,
  type ContainerRuntime,
  type RootfsArch,
} from "./component-versions.ts";
import { kubeadmImages } from "./kubeadm-images.ts";
import { resolveKubernetesRelease, type KubernetesRelease } from "./kubernetes-release.ts";

/** What `lade rootfs` is asked for (the CLI's flags). */
export interface RootfsOptions {
  readonly kubernetesVersion: string;
  readonly runtime: ContainerRuntime;
  readonly arches: readonly RootfsArch[];
  readonly cni: CniName;
  /** The cluster registry's name on the nodes (default "sea.hub", as sealer). */
  readonly registryDomain: string;
  readonly registryPort: number;
}

/** Everything the rootfs is made of, decided before any file is written. */
export interface RootfsPlan {
  readonly options: RootfsOptions;
  readonly release: KubernetesRelease;
  readonly components: ComponentVersions;
  /** "sea.hub:5000" */
  readonly registry: string;
  /** The runtime's version ("1.7.34" for containerd, "24.0.9" for docker). */
  readonly runtimeVersion: string;
  /** kubeadm's criSocket for this runtime and version. */
  readonly criSocket: string;
  /** The same as a URL, as crictl wants it. */
  readonly criEndpoint: string;
  /** The pod sandbox image in the cluster's registry ("sea.hub:5000/pause:3.9"). */
  readonly pauseImage: string;
  /** What `kubeadm config images list` prints for this release. */
  readonly kubeadmImages: readonly string[];
  /** The calico manifest to fetch when no --cni-manifest is given. */
  readonly cniManifest?: BinaryDownload;
}

/** A bad option value (unknown runtime, arch, CNI, registry name or port). */
export class RootfsOptionError extends RangeError {
  override name = "RootfsOptionError";
}

export const DEFAULT_REGISTRY_DOMAIN = "sea.hub";
export const DEFAULT_REGISTRY_PORT = 5000;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Check the options and decide the rootfs: the release's facts from the version table, the
 * component versions, the registry, sockets and images. Unknown versions throw
 * UnsupportedKubernetesVersionError, bad options RootfsOptionError.
 */
export function planRootfs(options: RootfsOptions): RootfsPlan {
  if (!CONTAINER_RUNTIMES.includes(options.runtime)) {
    throw new RootfsOptionError(`Unknown container runtime "${options.runtime}": use ${CONTAINER_RUNTIMES.join(" or ")}`);
  }
  if (options.arches.length === 0) throw new RootfsOptionError("Give at least one architecture");
  for (const arch of options.arches) {
    if (!ROOTFS_ARCHES.includes(arch)) throw new RootfsOptionError(`Unknown architecture "${arch}": use ${ROOTFS_ARCHES.join(", ")}`);
  }
  if (!CNI_NAMES.includes(options.cni)) throw new RootfsOptionError(`Unknown CNI "${options.cni}": use ${CNI_NAMES.join(" or ")}`);
  if (!HOST_NAME.test(options.registryDomain)) {
    throw new RootfsOptionError(`Registry domain "${options.registryDomain}" is not a host name or IPv4 address`);
  }
  if (!Number.isInteger(options.registryPort) || options.registryPort < 1 || options.registryPort > 65535) {
    throw new RootfsOptionError(`Registry port "${options.registryPort}" is not a port number (1-65535)`);
  }
  const release = resolveKubernetesRelease(options.kubernetesVersion);
  const components = componentVersions(release, options.runtime);
  const registry = `${options.registryDomain}:${options.registryPort}`;
  const criSocket = options.runtime === "containerd" ? release.containerdCriSocket : release.dockerCriSocket;
  const calico = components.calico;
  return {
    options: { ...options, arches: [...new Set(options.arches)].sort() },
    release,
    components,
    registry,
    runtimeVersion: components.containerd?.version ?? components.docker!.version,
    criSocket,
    criEndpoint: criSocket.startsWith("unix://") ? criSocket : `unix://${criSocket}`,
    pauseImage: `${registry}/pause:${release.pause}`,
    kubeadmImages: kubeadmImages(release),
    ...(options.cni === "calico" && calico
      ? {
          cniManifest: {
            name: `calico ${calico.version} manifest`,
            component: { name: "calico manifest", version: `v${calico.version}` },
            url: `https://raw.githubusercontent.com/projectcalico/calico/v${calico.version}/${calico.manifestPath}`,
            mirrorPath: `raw.githubusercontent.com/projectcalico/calico/v${calico.version}/${calico.manifestPath}`,
            checksum: { kind: "none" },
            install: { kind: "file", path: "apps/calico/calico.yaml" },
          },
        }
      : {}),
  };
}

/** The binaries of one architecture of a planned rootfs. */
export function planBinaries(plan: RootfsPlan, arch: RootfsArch): BinaryDownload[] {
  return binaryDownloads(plan.release, plan.options.runtime, plan.components, arch);
}
