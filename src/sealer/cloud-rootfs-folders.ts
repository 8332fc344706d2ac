/**
 * The top-level folders of sealer's CloudRootfs. sealer's docs promise that a COPY destination
 * that does not exist yet is created as a folder, so `COPY shell.yaml plugins` on a base without
 * plugins/ means plugins/shell.yaml — never a file named "plugins".
 */
export const CLOUD_ROOTFS_FOLDERS: ReadonlySet<string> = new Set([
  "application",
  "applications",
  "bin",
  "charts",
  "cri",
  "etc",
  "images",
  "lib",
  "manifests",
  "plugins",
  "registry",
  "scripts",
  "statics",
]);

/** Whether a rootfs path (no leading or trailing slash) is one of the CloudRootfs folders. */
export function isCloudRootfsFolder(path: string): boolean {
  return CLOUD_ROOTFS_FOLDERS.has(path);
}

/** The folder sealer's charts live in; a chart folder copied into it keeps its name. */
export const CHARTS_FOLDER = "charts";

/** The image's default Clusterfile: used by `lade run` without `-f`, merged under the user's. */
export const IMAGE_CLUSTERFILE = "etc/Clusterfile";
