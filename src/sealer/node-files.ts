/**
 * The node files a cluster image decides, each under lade's own rootfs path and under the path
 * sealer's CloudRootfs docs teach. The node scripts read lade's path only; the build puts the
 * effective file there (see resolveNodeFiles).
 */
export interface NodeFileRole {
  readonly id: string;
  /** What the file is, for messages: "docker's daemon.json". */
  readonly title: string;
  /** Where the node scripts install it. */
  readonly nodePath: string;
  /** lade's own rootfs path (what `lade rootfs` writes and the scripts read). */
  readonly ladePath: string;
  /** sealer's spellings of the same file. */
  readonly sealerPaths: readonly string[];
  /**
   * How a sealer file takes effect: `copy` byte for byte, or merged over lade's file
   * (`docker-daemon` translates sealer's patched-docker keys, `containerd-config` is sealer's
   * dump-config.toml, which sealer also laid over containerd's full config).
   */
  readonly apply: "copy" | "docker-daemon" | "containerd-config";
  /** The container runtime the file belongs to: it has no effect on an image of the other. */
  readonly cri?: "docker" | "containerd";
}

export const NODE_FILE_ROLES: readonly NodeFileRole[] = [
  { id: "docker-daemon", title: "docker's daemon.json", nodePath: "/etc/docker/daemon.json", ladePath: "etc/docker/daemon.json", sealerPaths: ["etc/daemon.json"], apply: "docker-daemon", cri: "docker" },
  { id: "docker-unit", title: "docker.service", nodePath: "/etc/systemd/system/docker.service", ladePath: "etc/systemd/docker.service", sealerPaths: ["etc/docker.service"], apply: "copy", cri: "docker" },
  { id: "containerd-unit", title: "containerd.service", nodePath: "/etc/systemd/system/containerd.service", ladePath: "etc/systemd/containerd.service", sealerPaths: ["etc/containerd.service"], apply: "copy", cri: "containerd" },
  { id: "containerd-config", title: "containerd's config.toml", nodePath: "/etc/containerd/config.toml", ladePath: "etc/containerd/config.toml", sealerPaths: ["etc/dump-config.toml"], apply: "containerd-config", cri: "containerd" },
  { id: "kubelet-unit", title: "kubelet.service", nodePath: "/etc/systemd/system/kubelet.service", ladePath: "etc/systemd/kubelet.service", sealerPaths: ["etc/kubelet.service"], apply: "copy" },
  { id: "kubelet-dropin", title: "the kubelet's 10-kubeadm.conf drop-in", nodePath: "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", ladePath: "etc/systemd/10-kubeadm.conf", sealerPaths: ["etc/10-kubeadm.conf"], apply: "copy" },
];

/** Every spelling of the image's kubeadm config; all that exist take part, the newest on top. */
export const KUBEADM_CONFIG_PATHS: readonly string[] = ["etc/kubeadm.yml.tmpl", "etc/kubeadm.yml", "etc/kubeadm.yaml.tmpl", "etc/kubeadm.yaml"];

/** A file of the rootfs with the layer that last wrote it and what that layer's instruction was. */
export interface RootfsFileVersion {
  readonly path: string;
  readonly layer: number;
  readonly createdBy: string;
}

/** What a role ends up as on the node, and where it came from. */
export interface NodeFileDecision {
  readonly role: NodeFileRole;
  /** The file that takes effect. */
  readonly source: RootfsFileVersion;
  /** How: lade's file as it is, a sealer file copied, or a sealer file merged over lade's. */
  readonly how: "as-is" | "copied" | "merged";
  /** lade's file the sealer file is merged over, when there is one. */
  readonly base?: RootfsFileVersion;
  /** Other spellings that were present and lost. */
  readonly overridden: readonly RootfsFileVersion[];
}

/**
 * For each role, the file that takes effect: the one written by the newest layer, whatever its
 * spelling — so a child image's `COPY daemon.json etc/` wins over its base's etc/docker/daemon.json,
 * and a base's etc/daemon.json loses to a child's etc/docker/daemon.json. When one layer holds both
 * spellings, lade's own path wins.
 */
export function resolveNodeFiles(find: (path: string) => RootfsFileVersion | undefined): NodeFileDecision[] {
  const decisions: NodeFileDecision[] = [];
  for (const role of NODE_FILE_ROLES) {
    const lade = find(role.ladePath);
    const sealer = role.sealerPaths.map(find).filter((file): file is RootfsFileVersion => file !== undefined);
    const newestSealer = sealer.reduce<RootfsFileVersion | undefined>((best, file) => (!best || file.layer > best.layer ? file : best), undefined);
    if (!newestSealer || (lade && lade.layer >= newestSealer.layer)) {
      if (lade) decisions.push({ role, source: lade, how: "as-is", overridden: sealer });
      continue;
    }
    const merges = role.apply !== "copy" && lade !== undefined;
    decisions.push({
      role,
      source: newestSealer,
      how: merges ? "merged" : "copied",
      ...(merges ? { base: lade } : {}),
      overridden: [...(lade && !merges ? [lade] : []), ...sealer.filter((file) => file !== newestSealer)],
    });
  }
  return decisions;
}

/**
 * The kubeadm config files of the image, oldest first: each later one is merged over the ones
 * before, so a child image's etc/kubeadm.yml takes effect over its base's etc/kubeadm.yml.tmpl.
 * A file whose `.tmpl` twin is as new or newer is left out: sealer renders the template over it.
 */
export function kubeadmConfigFiles(find: (path: string) => RootfsFileVersion | undefined): RootfsFileVersion[] {
  const present = KUBEADM_CONFIG_PATHS.map(find).filter((file): file is RootfsFileVersion => file !== undefined);
  return present
    .filter((file) => {
      const twin = present.find((other) => other.path === `${file.path}.tmpl`);
      return !twin || twin.layer < file.layer;
    })
    .map((file, order) => ({ file, order }))
    // within one layer, the list's order: the first spelling on top
    .sort((a, b) => a.file.layer - b.file.layer || b.order - a.order)
    .map(({ file }) => file);
}
