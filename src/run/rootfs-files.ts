import { chmod, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { WorkingCopy } from "../builder/working-copy.ts";
import { renderHelmTemplate } from "../chart/render-helm-template.ts";
import type { ClusterEnv } from "../kubeadm/cluster-env.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { PlatformImage } from "../store/read-image.ts";
import { formatClusterEnvFile } from "./cluster-env-file.ts";
import { CLUSTER_ENV_FILE } from "./plan-run.ts";
import { kubeadmConfigPaths, parseNodeFiles } from "../builder/node-files-annotation.ts";
import { KUBEADM_CONFIG_PATHS, kubeadmConfigFiles } from "../sealer/node-files.ts";

/** Where an image keeps its kubeadm config (a .tmpl is rendered). */
export const KUBEADM_CONFIG_FILES = KUBEADM_CONFIG_PATHS;
/** The rootfs folders whose `*.tmpl` files are rendered with the cluster env. */
const TEMPLATE_FOLDERS = ["etc", "manifests", "charts"];
/** sealer's folder of files rendered in place with the cluster env. */
const STATICS_FOLDER = "statics";

/** The image platform's layers applied into DIR, then PREPARE (through DIR.partial, so DIR is whole or absent). */
export async function unpackRootfs(store: OciStore, platform: PlatformImage, dir: string, prepare?: (dir: string) => Promise<void>): Promise<void> {
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  const copy = await WorkingCopy.create(partial);
  for (const layer of platform.manifest.layers) await copy.applyLayer(store.blobPath(layer.digest));
  await prepare?.(partial);
  await rename(partial, dir);
}

/**
 * Render, with ENV, into OUT (which may be ROOTFS itself) and write the cluster env file there:
 * - every `*.tmpl` under ROOTFS/{etc,manifests,charts}, to the same path without `.tmpl` (Go's
 *   defaults, as sealer: a missing key prints `<no value>`), except templates the image's own
 *   newer file shadows (a child's etc/kubeadm.yml over its base's etc/kubeadm.yml.tmpl);
 * - every file of ROOTFS/statics in place, as sealer renders statics/; a missing key is an error
 *   naming the file and the key.
 * Modes are kept. Calls `rendered(template, result)` with paths relative to ROOTFS and OUT.
 */
export async function renderRootfsTemplates(
  rootfs: string,
  out: string,
  env: ClusterEnv,
  rendered: (template: string, result: string) => void,
  options: { readonly shadowed?: ReadonlySet<string> } = {},
): Promise<void> {
  const render = async (file: string, target: string, missingKey: "default" | "error") => {
    const name = relative(rootfs, file);
    await mkdir(dirname(target), { recursive: true });
    await Bun.write(target, renderHelmTemplate(name, await Bun.file(file).text(), env, { missingKey }));
    await chmod(target, (await stat(file)).mode & 0o7777);
    rendered(name, relative(out, target));
  };
  for (const folder of TEMPLATE_FOLDERS) {
    for (const file of await listFiles(join(rootfs, folder))) {
      const name = relative(rootfs, file);
      if (!file.endsWith(".tmpl") || options.shadowed?.has(name)) continue;
      await render(file, join(out, name.slice(0, -".tmpl".length)), "default");
    }
  }
  for (const file of await listFiles(join(rootfs, STATICS_FOLDER))) await render(file, join(out, relative(rootfs, file)), "error");
  await mkdir(dirname(join(out, CLUSTER_ENV_FILE)), { recursive: true });
  // it may hold secrets (--env LADE_REGISTRY_PASSWORD=…): root only, here and where it is extracted
  await Bun.write(join(out, CLUSTER_ENV_FILE), formatClusterEnvFile(env));
  await chmod(join(out, CLUSTER_ENV_FILE), 0o600);
}

/**
 * The image's kubeadm config files in the unpacked ROOTFS, oldest first (each is merged over the
 * ones before): the order the build recorded in the image, else the files there as one layer.
 */
export async function readImageKubeadmConfigs(rootfs: string, image: PlatformImage): Promise<{ text: string; file: string }[]> {
  let paths = kubeadmConfigPaths(parseNodeFiles(image.manifest.annotations));
  if (!paths) {
    const present = new Set<string>();
    for (const name of KUBEADM_CONFIG_FILES) if (await Bun.file(join(rootfs, name)).exists()) present.add(name);
    paths = kubeadmConfigFiles((path) => (present.has(path) ? { path, layer: 0, createdBy: "" } : undefined)).map((file) => file.path);
  }
  const files: { text: string; file: string }[] = [];
  for (const name of paths) {
    const file = Bun.file(join(rootfs, name));
    if (await file.exists()) files.push({ text: await file.text(), file: name });
  }
  return files;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
