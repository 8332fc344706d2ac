import { defineCommand } from "citty";
import { readClusterfile } from "../read-clusterfile.ts";
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readLayerFiles } from "../../builder/read-layer-files.ts";
import { imageEnvOf } from "../../run/image-env.ts";
import { kubeadmConfigPaths, parseNodeFiles } from "../../builder/node-files-annotation.ts";
import { IMAGE_CLUSTERFILE } from "../../sealer/cloud-rootfs-folders.ts";
import { KUBEADM_CONFIG_PATHS, kubeadmConfigFiles } from "../../sealer/node-files.ts";
import { renderHelmTemplate } from "../../chart/render-helm-template.ts";
import { NODE_ROLES, type NodeRole } from "../../kubeadm/derive-config-layer.ts";
import { formatKubeadmConfig } from "../../kubeadm/format-kubeadm-config.ts";
import { parseIpAddress } from "../../kubeadm/ip-address.ts";
import { resolveKubeadmConfig, type KubeadmConfigSources } from "../../kubeadm/resolve-kubeadm-config.ts";
import { ROOTFS_ENV_FILE, rootfsRegistry } from "../../kubeadm/rootfs-env.ts";
import { parseKubefile } from "../../kubefile/parse-kubefile.ts";
import { hostPlatform, platformsEqual } from "../../oci/platform.ts";
import { findImage, ImageNotFoundError } from "../../store/find-image.ts";
import { readImage } from "../../store/read-image.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";

/** Where an image or rootfs keeps its kubeadm config (a .tmpl is rendered). */
const CONFIG_FILES = KUBEADM_CONFIG_PATHS;

export const renderKubeadmCommand = defineCommand({
  meta: {
    name: "kubeadm",
    description:
      "Print the kubeadm config a cluster gets: lade's defaults for the Kubernetes release's kubeadm API, " +
      "overridden by the image's kubeadm config files (etc/kubeadm.yml, .tmpl rendered with the cluster env; a newer file merged over an older one) and its default etc/Clusterfile, the values derived " +
      "from the cluster (registry, CRI socket, addresses, SANs) and the Clusterfile's kubeadm documents",
  },
  args: {
    source: {
      type: "positional",
      description: "A cluster image in the store, or a rootfs folder (an unpacked image, or a build context's rootfs/)",
      required: true,
    },
    file: { type: "string", alias: "f", description: "Clusterfile: a sealer.io/v2 Cluster plus kubeadm documents" },
    role: { type: "string", description: "Print only what one node needs: master0 (kubeadm init), master or node (kubeadm join)" },
    node: { type: "string", description: "The node's IP: its hosts[].env applies, and with a Clusterfile its role follows from the hosts" },
  },
  async run({ args }) {
    const role = args.role as string | undefined;
    if (role !== undefined && !(NODE_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`--role must be one of ${NODE_ROLES.join(", ")}, not "${role}"`);
    }
    if (args.node !== undefined && !parseIpAddress(args.node)) throw new UsageError(`--node needs an IP address, not "${args.node}"`);
    const clusterfile = args.file ? await readClusterfile(args.file as string) : undefined;
    const source = args.source as string;
    const image = (await isDirectory(source)) ? await readRootfsFolder(source) : await readStoreImage(source);
    const sources: KubeadmConfigSources = { ...image, ...(clusterfile ? { clusterfile } : {}) };
    if (!sources.imageConfigs?.length) process.stderr.write(`warning: ${source} has no ${CONFIG_FILES.join(" or ")}: lade's defaults are used\n`);
    const config = resolveKubeadmConfig(sources, {
      ...(role ? { role: role as NodeRole } : {}),
      ...(args.node ? { node: args.node } : {}),
      renderTemplate: (text, data, name) => renderHelmTemplate(name, text, data),
    });
    for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(formatKubeadmConfig(config.documents));
  },
});

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * A rootfs folder: its etc/kubeadm.yml(.tmpl), and the ENV and LABEL lines of the Kubefile of the
 * build context it belongs to (the folder itself, or its parent for a context's rootfs/).
 */
async function readRootfsFolder(folder: string): Promise<KubeadmConfigSources> {
  const rootfs = !(await isDirectory(join(folder, "etc"))) && (await isDirectory(join(folder, "rootfs", "etc"))) ? join(folder, "rootfs") : folder;
  const sources: { -readonly [K in keyof KubeadmConfigSources]: KubeadmConfigSources[K] } = {};
  const present = new Map<string, string>();
  for (const name of CONFIG_FILES) {
    const file = Bun.file(join(rootfs, name));
    if (await file.exists()) present.set(name, await file.text());
  }
  // a folder is one layer: its files merge in the order lade's build would merge them
  sources.imageConfigs = kubeadmConfigFiles((path) => (present.has(path) ? { path, layer: 0, createdBy: "" } : undefined)).map((file) => ({
    text: present.get(file.path)!,
    file: join(rootfs, file.path),
  }));
  const rootfsEnv = Bun.file(join(rootfs, ROOTFS_ENV_FILE));
  const imageRegistry = (await rootfsEnv.exists()) ? rootfsRegistry(await rootfsEnv.text()) : undefined;
  if (imageRegistry) sources.imageRegistry = imageRegistry;
  const imageClusterfile = Bun.file(join(rootfs, IMAGE_CLUSTERFILE));
  if (await imageClusterfile.exists()) sources.imageClusterfile = { text: await imageClusterfile.text(), file: join(rootfs, IMAGE_CLUSTERFILE) };
  for (const context of [rootfs, dirname(rootfs)]) {
    const kubefile = Bun.file(join(context, "Kubefile"));
    if (!(await kubefile.exists())) continue;
    const env: Record<string, string> = {};
    const labels: Record<string, string> = {};
    const path = join(context, "Kubefile");
    for (const instruction of parseKubefile(await kubefile.text(), { file: path, platform: hostPlatform() })) {
      if (instruction.kind === "ENV") for (const [key, value] of instruction.variables) env[key] = value;
      if (instruction.kind === "LABEL") for (const [key, value] of instruction.labels) labels[key] = value;
    }
    sources.imageEnv = env;
    sources.imageLabels = labels;
    break;
  }
  return sources;
}

/** A cluster image in the store: this machine's platform (else the first), its env, labels and config file. */
async function readStoreImage(name: string): Promise<KubeadmConfigSources> {
  const store = await openStore();
  let tagged;
  try {
    tagged = await findImage(store, name);
  } catch (error) {
    if (error instanceof ImageNotFoundError) {
      throw new ImageNotFoundError(`Cannot find "${name}": it is neither a folder nor an image in the store at "${store.root}"`);
    }
    throw error;
  }
  const image = await readImage(store, tagged.descriptor);
  const platform = image.platforms.find((candidate) => platformsEqual(candidate.platform, hostPlatform())) ?? image.platforms[0]!;
  const env = imageEnvOf(platform);
  const files = await readLayerFiles(
    platform.manifest.layers.map((layer) => ({ blobPath: store.blobPath(layer.digest) })),
    new Set([...CONFIG_FILES, IMAGE_CLUSTERFILE, ROOTFS_ENV_FILE]),
  );
  const imageRegistry = rootfsRegistry(files.get(ROOTFS_ENV_FILE));
  const imageClusterfile = files.get(IMAGE_CLUSTERFILE);
  const order =
    kubeadmConfigPaths(parseNodeFiles(platform.manifest.annotations)) ??
    kubeadmConfigFiles((path) => (files.has(path) ? { path, layer: 0, createdBy: "" } : undefined)).map((file) => file.path);
  return {
    imageConfigs: order.filter((file) => files.has(file)).map((file) => ({ text: files.get(file)!, file })),
    ...(imageClusterfile !== undefined ? { imageClusterfile: { text: imageClusterfile, file: IMAGE_CLUSTERFILE } } : {}),
    imageEnv: env,
    imageLabels: { ...platform.config.config.Labels },
    ...(imageRegistry ? { imageRegistry } : {}),
  };
}
