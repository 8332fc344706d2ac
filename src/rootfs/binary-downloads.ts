import type { ComponentVersions, ContainerRuntime, RootfsArch } from "./component-versions.ts";
import type { KubernetesRelease } from "./kubernetes-release.ts";

/** How a download is checked. */
export type DownloadChecksum =
  /** A checksum file published next to it (`.sha256`, `.sha256sum`, or one file for a release). */
  | { readonly kind: "published"; readonly url: string }
  /** None is published: lade pins the sha256 (see PINNED_SHA256 for the sources). */
  | { readonly kind: "pinned"; readonly sha256: string }
  /** Nothing to check against (files with no upstream URL, taken from a local folder). */
  | { readonly kind: "none" };

/** Where a download's content lands in the per-arch folder of the build context. */
export type DownloadInstall =
  | { readonly kind: "file"; readonly path: string }
  /** A gzip tar archive: files under `from` (a folder inside it, "" for its root) go into `into`. */
  | { readonly kind: "archive"; readonly from: string; readonly into: string; readonly only?: readonly string[] };

/** One file the rootfs needs for one architecture. */
export interface BinaryDownload {
  /** For messages: "kubeadm v1.27.3 (amd64)". */
  readonly name: string;
  /** What it is and which version, as the SBOM names it: { name: "kubeadm", version: "v1.27.3" }. */
  readonly component: { readonly name: string; readonly version?: string };
  /** The upstream URL; undefined for what has none (lade itself, conntrack). */
  readonly url?: string;
  /**
   * Its path in a mirror folder or server (`--bin-source`) and in the download cache: the
   * upstream URL's host and path ("dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm").
   */
  readonly mirrorPath: string;
  readonly checksum: DownloadChecksum;
  readonly install: DownloadInstall;
  /** Left out with a warning when no source has it. */
  readonly optional?: boolean;
  /** Said when it is missing: where else to get it. */
  readonly hint?: string;
}

/**
 * sha256 of downloads that publish none. Docker's static tarballs: KubeKey's
 * version/components.json (kubesphere/kubekey 8d681662 for 20.10.23, 17c1df86 for 24.0.9; the
 * amd64 24.0.9 value also matches cashapp/hermit-packages). cri-dockerd's tarballs: kubespray's
 * roles/kubespray_defaults/vars/main/checksums.yml (46dbdd39), equal to KubeKey's.
 */
const PINNED_SHA256: Record<string, Record<RootfsArch, string>> = {
  "docker-20.10.23": {
    amd64: "0ee39f72cc434137d294c14d30897826bad6e24979e421f51a252769ad37e6d1",
    arm64: "5c40bb7dcd1aad94be49ad75d24e7fd409119ed0eaad04f5d13c4fddfb397c8a",
  },
  "docker-24.0.9": {
    amd64: "692ecfc28333485d184f628b74c25b2894cee9495a51a5418ba60ef95bf733ca",
    arm64: "7e999590330a15469de20ac37051407d222ea73c71c10c05d61666d42c5922d1",
  },
  "cri-dockerd-0.3.10": {
    amd64: "3e19ef525e02d2d1dfd42e8d661ee45b4bc8a49a6dcafd8baa578bdb3a23aeb6",
    arm64: "24d2d9cdbb4ed4bda4b0838edb52104ac7a4e2212a0ee05b177de0ae5b6a4a9a",
  },
};

const DOCKER_ARCH: Record<RootfsArch, string> = { amd64: "x86_64", arm64: "aarch64" };

/** The files one architecture of the rootfs needs, with their upstream URLs and checksums. */
export function binaryDownloads(
  release: KubernetesRelease,
  runtime: ContainerRuntime,
  components: ComponentVersions,
  arch: RootfsArch,
): BinaryDownload[] {
  const downloads: BinaryDownload[] = [];
  for (const tool of ["kubeadm", "kubelet", "kubectl"]) {
    const url = `https://dl.k8s.io/release/${release.version}/bin/linux/${arch}/${tool}`;
    downloads.push(upstream({ name: tool, version: release.version }, arch, url, { kind: "published", url: `${url}.sha256` }, { kind: "file", path: `bin/${tool}` }));
  }
  const crictl = `https://github.com/kubernetes-sigs/cri-tools/releases/download/v${components.crictl}/crictl-v${components.crictl}-linux-${arch}.tar.gz`;
  downloads.push(
    upstream({ name: "crictl", version: `v${components.crictl}` }, arch, crictl, { kind: "published", url: `${crictl}.sha256` }, { kind: "archive", from: "", into: "bin", only: ["crictl"] }),
  );
  const cni = `https://github.com/containernetworking/plugins/releases/download/v${components.cniPlugins}/cni-plugins-linux-${arch}-v${components.cniPlugins}.tgz`;
  downloads.push(upstream({ name: "CNI plugins", version: `v${components.cniPlugins}` }, arch, cni, { kind: "published", url: `${cni}.sha256` }, { kind: "archive", from: "", into: "cni/bin" }));
  if (runtime === "containerd") {
    const { version, runc } = components.containerd!;
    const containerd = `https://github.com/containerd/containerd/releases/download/v${version}/containerd-${version}-linux-${arch}.tar.gz`;
    downloads.push(
      upstream({ name: "containerd", version }, arch, containerd, { kind: "published", url: `${containerd}.sha256sum` }, { kind: "archive", from: "bin", into: "cri/bin" }),
    );
    const runcUrl = `https://github.com/opencontainers/runc/releases/download/v${runc}/runc.${arch}`;
    downloads.push(
      upstream({ name: "runc", version: `v${runc}` }, arch, runcUrl, { kind: "published", url: `https://github.com/opencontainers/runc/releases/download/v${runc}/runc.sha256sum` }, { kind: "file", path: "cri/bin/runc" }),
    );
  } else {
    const { version, criDockerd } = components.docker!;
    const docker = `https://download.docker.com/linux/static/stable/${DOCKER_ARCH[arch]}/docker-${version}.tgz`;
    downloads.push(upstream({ name: "docker", version }, arch, docker, pinned(`docker-${version}`, arch), { kind: "archive", from: "docker", into: "cri/bin" }));
    if (criDockerd) {
      const url = `https://github.com/Mirantis/cri-dockerd/releases/download/v${criDockerd}/cri-dockerd-${criDockerd}.${arch}.tgz`;
      downloads.push(
        upstream({ name: "cri-dockerd", version: criDockerd }, arch, url, pinned(`cri-dockerd-${criDockerd}`, arch), { kind: "archive", from: "cri-dockerd", into: "cri/bin", only: ["cri-dockerd"] }),
      );
    }
  }
  downloads.push({
    name: `conntrack (${arch})`,
    component: { name: "conntrack" },
    mirrorPath: `conntrack/linux-${arch}/conntrack`,
    checksum: { kind: "none" },
    install: { kind: "file", path: "bin/conntrack" },
    optional: true,
    hint: "conntrack-tools publishes no binary: build one, or leave it out and install the distribution's conntrack package on the nodes",
  });
  downloads.push({
    name: `lade (${arch})`,
    component: { name: "lade" },
    mirrorPath: `lade/lade-linux-${arch}`,
    checksum: { kind: "none" },
    install: { kind: "file", path: "bin/lade" },
    hint: `it serves the node's registry: \`bun run build\` writes dist/lade-linux-${arch}, and a compiled lade finds lade-linux-${arch} next to itself`,
  });
  return downloads;
}

function upstream(component: BinaryDownload["component"], arch: RootfsArch, url: string, checksum: DownloadChecksum, install: DownloadInstall): BinaryDownload {
  return { name: `${component.name} ${component.version} (${arch})`, component, url, mirrorPath: mirrorPathOf(url), checksum, install };
}

function pinned(key: string, arch: RootfsArch): DownloadChecksum {
  const sha256 = PINNED_SHA256[key]?.[arch];
  if (!sha256) throw new Error(`No pinned sha256 for ${key} (${arch})`);
  return { kind: "pinned", sha256 };
}

/** "https://dl.k8s.io/release/v1/x" → "dl.k8s.io/release/v1/x": the layout of a mirror folder. */
export function mirrorPathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${decodeURIComponent(parsed.pathname)}`;
}
