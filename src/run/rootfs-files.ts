import { chmod, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { WorkingCopy } from "../build/working-copy.ts";
import { renderHelmTemplate } from "../chart/render-helm-template.ts";
import type { ClusterEnv } from "../kubeadm/cluster-env.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { PlatformImage } from "../store/read-image.ts";
import { formatClusterEnvFile } from "./cluster-env-file.ts";
import { CLUSTER_ENV_FILE } from "./plan-run.ts";

/** Where an image keeps its kubeadm config; the first that exists is used (a .tmpl is rendered). */
export const KUBEADM_CONFIG_FILES = ["etc/kubeadm.yml.tmpl", "etc/kubeadm.yml", "etc/kubeadm.yaml.tmpl", "etc/kubeadm.yaml"];
/** The rootfs folders whose `*.tmpl` files are rendered with the cluster env. */
const TEMPLATE_FOLDERS = ["etc", "manifests", "charts"];

/** The image platform's layers applied into DIR (through DIR.partial, so DIR is whole or absent). */
export async function unpackRootfs(store: OciStore, platform: PlatformImage, dir: string): Promise<void> {
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  const copy = await WorkingCopy.create(partial);
  for (const layer of platform.manifest.layers) await copy.applyLayer(store.blobPath(layer.digest));
  await rename(partial, dir);
}

/**
 * Render every `*.tmpl` under ROOTFS/{etc,manifests,charts} with ENV into OUT (the same relative
 * path without `.tmpl`, the template's mode), and write the cluster env file there; OUT may be
 * ROOTFS itself. Calls `rendered(template, result)` with paths relative to ROOTFS and OUT.
 */
export async function renderRootfsTemplates(rootfs: string, out: string, env: ClusterEnv, rendered: (template: string, result: string) => void): Promise<void> {
  for (const folder of TEMPLATE_FOLDERS) {
    for (const file of await listFiles(join(rootfs, folder))) {
      if (!file.endsWith(".tmpl")) continue;
      const name = relative(rootfs, file);
      const target = join(out, name.slice(0, -".tmpl".length));
      await mkdir(dirname(target), { recursive: true });
      await Bun.write(target, renderHelmTemplate(name, await Bun.file(file).text(), env));
      await chmod(target, (await stat(file)).mode & 0o7777);
      rendered(name, relative(out, target));
    }
  }
  await mkdir(dirname(join(out, CLUSTER_ENV_FILE)), { recursive: true });
  // it may hold secrets (--env LADE_REGISTRY_PASSWORD=…): root only, here and where it is extracted
  await Bun.write(join(out, CLUSTER_ENV_FILE), formatClusterEnvFile(env));
  await chmod(join(out, CLUSTER_ENV_FILE), 0o600);
}

/** The image's kubeadm config (the first of KUBEADM_CONFIG_FILES in the rootfs), or undefined. */
export async function readImageKubeadmConfig(rootfs: string): Promise<{ text: string; file: string } | undefined> {
  for (const name of KUBEADM_CONFIG_FILES) {
    const file = Bun.file(join(rootfs, name));
    if (await file.exists()) return { text: await file.text(), file: name };
  }
  return undefined;
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
