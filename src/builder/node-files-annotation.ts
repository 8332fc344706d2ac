import { parseJsonAnnotation } from "./image-extension.ts";

/**
 * Which rootfs file each node file is made from, per platform: `lade inspect` shows it and
 * `lade run` reads the kubeadm config files from it (oldest first, each merged over the ones before).
 */
export const NODE_FILES_ANNOTATION = "lade.image.node-files";

export interface NodeFileRecord {
  /** `docker-daemon`, `kubelet-unit`, …, `kubeadm-config`. */
  readonly role: string;
  /** Where it lands on the node. */
  readonly node: string;
  /** The rootfs file that takes effect. */
  readonly from: string;
  readonly how: "as-is" | "copied" | "merged";
  /** The instruction that wrote `from`. */
  readonly createdBy: string;
  /** The files `from` is merged over, oldest first. */
  readonly over?: readonly string[];
  /** Other spellings present that lost. */
  readonly overridden?: readonly string[];
}

export function parseNodeFiles(annotations: Readonly<Record<string, string>> | undefined): NodeFileRecord[] | undefined {
  return parseJsonAnnotation<NodeFileRecord[]>(annotations, NODE_FILES_ANNOTATION);
}

/** The image's kubeadm config files, oldest first, when the image records them. */
export function kubeadmConfigPaths(records: readonly NodeFileRecord[] | undefined): string[] | undefined {
  if (!records) return undefined;
  const kubeadm = records.find((record) => record.role === "kubeadm-config");
  return kubeadm ? [...(kubeadm.over ?? []), kubeadm.from] : [];
}

/**
 * Templates (`X.tmpl`) that an image's newer `X` shadows: `lade run` does not render them over it,
 * so a child image's etc/kubeadm.yml is not replaced by its base's etc/kubeadm.yml.tmpl.
 */
export const SHADOWED_TEMPLATES_ANNOTATION = "lade.image.shadowed-templates";

export function parseShadowedTemplates(annotations: Readonly<Record<string, string>> | undefined): Set<string> {
  return new Set(parseJsonAnnotation<string[]>(annotations, SHADOWED_TEMPLATES_ANNOTATION) ?? []);
}
