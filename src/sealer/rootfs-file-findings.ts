import { KUBEADM_CONFIG_PATHS, NODE_FILE_ROLES } from "./node-files.ts";
import { formatPlugin, readPlugins } from "./plugins.ts";

/** A file in etc/, scripts/, plugins/, statics/ or images/ that has no effect on the node, and why. */
export interface RootfsFinding {
  readonly path: string;
  readonly message: string;
}

/** The folders whose every file must mean something to lade. */
export const CHECKED_FOLDERS = ["etc", "scripts", "plugins", "statics", "images"] as const;

/** What the node scripts, `lade run` and the registry read under etc/. */
const LADE_ETC_FILES: ReadonlyMap<string, string> = new Map([
  ["etc/lade-rootfs.env", "the values the node scripts read"],
  ["etc/lade-cluster.env", "the cluster env lade run writes"],
  ["etc/crictl.yaml", "crictl's config"],
  ["etc/Clusterfile", "the image's default Clusterfile"],
  ["etc/modules-load.d/lade-k8s.conf", "the kernel modules Kubernetes needs"],
  ["etc/sysctl.d/90-lade-k8s.conf", "the sysctl values Kubernetes needs"],
  ["etc/systemd/lade-registry.service", "the registry's unit"],
  ["etc/systemd/cri-docker.service", "cri-dockerd's unit"],
  ["etc/systemd/cri-docker.socket", "cri-dockerd's socket"],
  ["etc/registry/htpasswd", "the registry's accounts"],
  ["etc/registry/tls.crt", "the registry's certificate"],
  ["etc/registry/tls.key", "the registry's key"],
  ["etc/registry.yml", "sealer's registry address and account (lade run)"],
  ["etc/registry_config.yml", "the registry's docker-distribution config (lade serve registry --config)"],
  ["etc/registry_config.yaml", "the registry's docker-distribution config (lade serve registry --config)"],
  ...NODE_FILE_ROLES.flatMap((role) => [role.ladePath, ...role.sealerPaths].map((path) => [path, role.title] as const)),
  ...KUBEADM_CONFIG_PATHS.map((path) => [path, "the image's kubeadm config"] as const),
]);

/** sealer files lade knows but does not act on (yet): each is a warning saying so, never silence. */
const NOT_APPLIED: ReadonlyMap<string, string> = new Map([
  ...[
    "kubeadm-bootstrap.yaml.tmpl",
    "kubeadm-init.yaml.tmpl",
    "kubeadm-cluster-config.yaml.tmpl",
    "kubeadm-kubeproxy-config.yaml.tmpl",
    "kubeadm-kubelet-config.yaml.tmpl",
    "kubeadm-join-config.yaml.tmpl",
  ].map((name) => [`etc/${name}`, "one of sealer 0.5's split kubeadm templates: lade reads etc/kubeadm.yml (or .tmpl); put its documents there"] as const),
]);

/** The scripts `lade run`, `lade delete` and lade's own scripts call. */
const LADE_SCRIPTS = new Set(["init.sh", "clean.sh", "lib.sh", "system.sh", "init-registry.sh", "init-kube.sh", "kubelet-pre-start.sh", "containerd.sh", "docker.sh"]);
/** sealer's script names lade's clean.sh runs in place of its own steps when an image has them. */
const SEALER_SCRIPTS = new Set(["uninstall-docker.sh", "uninstall-containerd.sh", "clean-kube.sh"]);

export interface FindingInput {
  /** Every file (or symlink) under the checked folders. */
  readonly files: readonly string[];
  /** The text of the scripts and plugins, to tell helper scripts that something calls. */
  readonly texts: ReadonlyMap<string, string>;
}

/**
 * The files of etc/, scripts/, plugins/, statics/ and images/ that nothing lade does reads: unknown
 * names (with the known name they are closest to, for typos), sealer files lade does not apply,
 * scripts nothing calls, sealer plugins lade may not run, sealer's registry image (not needed) and
 * files in images/ that are no image archive.
 * statics/ is sealer's folder of files rendered in place with the cluster env: all of it is used.
 */
export function findUnusedRootfsFiles(input: FindingInput): RootfsFinding[] {
  const findings: RootfsFinding[] = [];
  const callers = [...input.texts.values()].join("\n");
  for (const path of [...input.files].sort()) {
    if (path.startsWith("statics/")) continue;
    if (path.startsWith("plugins/")) {
      findings.push(...pluginFindings(path, input.texts.get(path) ?? ""));
      continue;
    }
    if (path.startsWith("images/")) {
      if (isRegistryImageArchive(path)) findings.push({ path, message: `${path}: ${REGISTRY_ARCHIVE}` });
      else if (!isImageArchive(path)) findings.push({ path, message: `${path}: ${NOT_AN_ARCHIVE}` });
      continue;
    }
    if (path.startsWith("scripts/")) {
      const name = path.slice("scripts/".length);
      if (LADE_SCRIPTS.has(name) || SEALER_SCRIPTS.has(name)) continue;
      if (callers.includes(name.split("/").at(-1)!)) continue;
      findings.push({ path, message: `${path}: nothing lade runs calls this script (lade runs scripts/init.sh and scripts/clean.sh; call it from one of them)` });
      continue;
    }
    const used = classifyEtcFile(path);
    if (used === true) continue;
    if (typeof used === "string") {
      findings.push({ path, message: `${path}: ${used}` });
      continue;
    }
    const close = closestKnown(path);
    findings.push({
      path,
      message: `${path}: lade neither uses nor knows this file${close ? `; did you mean ${close} (${LADE_ETC_FILES.get(close)})?` : ""}`,
    });
  }
  return findings;
}

const REGISTRY_ARCHIVE = "sealer's registry container image: lade serves the cluster's registry itself, so the nodes do not need it (leave it out to make the image smaller)";
const NOT_AN_ARCHIVE =
  "lade loads image archives from images/ into the image's registry (docker save or OCI layout tars: .tar, .tar.gz, .tgz, .tar.zst), and this name is none of those: it stays a plain file of the rootfs";

/** A file of images/ lade loads into the registry: a tar, plain or compressed. */
export function isImageArchive(path: string): boolean {
  return /\.(tar|tar\.gz|tgz|tar\.zst|tar\.zstd)$/.test(path);
}

/** sealer's `images/registry.tar` or `images/docker-amd64-registry-image.tar.gz`, which its init-registry.sh runs as a container. */
export function isRegistryImageArchive(path: string): boolean {
  return /^images\/(registry[^/]*|[^/]*registry-image[^/]*)\.tar(\.gz|\.zst)?$/.test(path);
}

/** A plugins/ file: each plugin lade cannot run (a run stops on it), or that it holds none. */
function pluginFindings(path: string, text: string): RootfsFinding[] {
  if (!/\.ya?ml$/.test(path)) return [{ path, message: `${path}: lade reads plugin documents from plugins/*.yaml only` }];
  const { plugins, refused } = readPlugins(text, path);
  if (plugins.length === 0 && refused.length === 0) return [{ path, message: `${path}: holds no kind: Plugin document` }];
  return refused.map((plugin) => ({ path, message: `${formatPlugin(plugin)}: ${plugin.why}; lade run stops on it unless given --skip-plugins` }));
}

/** true when lade uses the file, a sentence when it is a sealer file lade does not apply, else undefined. */
function classifyEtcFile(path: string): true | string | undefined {
  if (LADE_ETC_FILES.has(path)) return true;
  const notApplied = NOT_APPLIED.get(path);
  if (notApplied) return notApplied;
  // a template is rendered into the file without .tmpl at install time
  if (path.endsWith(".tmpl")) return classifyEtcFile(path.slice(0, -".tmpl".length));
  if (path.startsWith("etc/containerd/certs.d/")) return true;
  return undefined;
}

function closestKnown(path: string): string | undefined {
  let best: { path: string; distance: number } | undefined;
  for (const known of LADE_ETC_FILES.keys()) {
    const distance = editDistance(path, known);
    if (distance <= 2 && (!best || distance < best.distance)) best = { path: known, distance };
  }
  return best?.path;
}

/** Levenshtein distance, with a transposition counted once (deamon → daemon). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}
