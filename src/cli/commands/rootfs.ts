import { defineCommand } from "citty";
import { dirname, join, resolve } from "node:path";
import { hostPlatform } from "../../oci/platform.ts";
import type { CniName, ContainerRuntime, RootfsArch } from "../../rootfs/component-versions.ts";
import type { BinarySource } from "../../rootfs/fetch-binaries.ts";
import { UnsupportedKubernetesVersionError } from "../../rootfs/kubernetes-release.ts";
import { DEFAULT_REGISTRY_DOMAIN, DEFAULT_REGISTRY_PORT, planRootfs, RootfsOptionError, type RootfsPlan } from "../../rootfs/plan-rootfs.ts";
import type { RootfsReporter } from "../../rootfs/rootfs-reporter.ts";
import { writeRootfsContext, type WrittenRootfs } from "../../rootfs/write-rootfs-context.ts";
import { emptyFindings } from "../../scan/image-source.ts";
import { scanManifestText } from "../../scan/scan-manifest-text.ts";
import { defaultStoreRoot } from "../../store/default-store-root.ts";
import { globalOptions } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { mirrorProgress } from "../mirror-progress.ts";

/** The options that decide a rootfs; `lade build --k8s-version` takes them too. */
export const rootfsArgs = {
  "k8s-version": { type: "string", description: "Kubernetes version, e.g. v1.27.3 (every patch from v1.16.0 is known)" },
  cri: { type: "string", description: "Container runtime: containerd or docker (docker from 1.24 runs behind cri-dockerd)" },
  cni: { type: "string", description: "CNI to launch: calico (its manifest for this version, or --cni-manifest) or none", default: "calico" },
  "cni-manifest": { type: "string", description: "Use this CNI manifest instead of downloading the upstream one; its images go into the image list" },
  "registry-domain": { type: "string", description: `The cluster registry's name on the nodes (default ${DEFAULT_REGISTRY_DOMAIN})`, default: DEFAULT_REGISTRY_DOMAIN },
  "registry-port": { type: "string", description: `The cluster registry's port (default ${DEFAULT_REGISTRY_PORT})`, default: String(DEFAULT_REGISTRY_PORT) },
  "bin-source": {
    type: "string",
    description: "Take binaries from a mirror folder DIR or server URL laid out as <host>/<path> of the upstream URLs (the offline path)",
  },
  "skip-binaries": { type: "boolean", description: "Leave every binary out (for trying the configs and scripts)" },
  "registry-user": { type: "string", description: "Protect the registry with basic auth for this user (password from stdin, --registry-password-stdin)" },
  "registry-password-stdin": { type: "boolean", description: "Read the registry user's password from stdin" },
} as const;

export const rootfsCommand = defineCommand({
  meta: {
    name: "rootfs",
    description:
      "Write the build context of a base cluster image for a Kubernetes version: Kubefile, image list (exactly kubeadm's " +
      "images for that patch, plus the CNI's), node scripts, systemd units, runtime and kubeadm configs, and the binaries " +
      "of each architecture, verified against their published (or pinned) sha256. `lade build` turns it into the image.",
  },
  args: {
    ...rootfsArgs,
    arch: { type: "string", description: "Architectures, comma separated: amd64, arm64 (default: this machine's)" },
    output: { type: "string", alias: "o", description: "Folder to write the build context to (new, empty, or an earlier output)", required: true },
  },
  async run({ args }) {
    if (!args["k8s-version"]) throw new UsageError('Option "--k8s-version" is required (e.g. --k8s-version v1.27.3)');
    if (!args.cri) throw new UsageError('Option "--cri" is required: containerd or docker');
    const arches = (args.arch ?? hostPlatform().architecture).split(",").map((arch) => arch.trim()).filter(Boolean) as RootfsArch[];
    const outDir = resolve(args.output);
    const plan = rootfsPlan(args, arches);
    const progress = mirrorProgress({ start: "Downloading", done: "Downloaded", none: "Cached" });
    const written = await generateRootfs(plan, args, outDir, progressReporter(progress));
    progress.finish();
    console.log(summary(plan, written));
    console.log(`Build it with: lade build -t NAME --platform ${plan.options.arches.map((arch) => `linux/${arch}`).join(",")} ${args.output}`);
  },
});

/** The plan of the rootfs the flags ask for; bad values are usage errors. */
export function rootfsPlan(args: Record<string, unknown>, arches: readonly RootfsArch[]): RootfsPlan {
  const port = Number(args["registry-port"]);
  if (args["cni-manifest"] && args.cni === "none") throw new UsageError('"--cni-manifest" needs a CNI: --cni calico');
  try {
    return planRootfs({
      kubernetesVersion: String(args["k8s-version"]),
      runtime: String(args.cri ?? "containerd") as ContainerRuntime,
      arches,
      cni: String(args.cni ?? "calico") as CniName,
      registryDomain: String(args["registry-domain"] ?? DEFAULT_REGISTRY_DOMAIN),
      registryPort: port,
    });
  } catch (error) {
    if (error instanceof RootfsOptionError || error instanceof UnsupportedKubernetesVersionError) throw new UsageError(error.message);
    throw error;
  }
}

/** Write the build context of a planned rootfs into `outDir` (fetching what it needs). */
export async function generateRootfs(plan: RootfsPlan, args: Record<string, unknown>, outDir: string, reporter: RootfsReporter): Promise<WrittenRootfs> {
  const manifestFile = typeof args["cni-manifest"] === "string" ? args["cni-manifest"] : undefined;
  const cniManifest = manifestFile
    ? {
        name: manifestFile,
        text: await Bun.file(manifestFile)
          .text()
          .catch(() => {
            throw new UsageError(`Cannot read the CNI manifest "${manifestFile}"`);
          }),
      }
    : undefined;
  const credentials = await registryCredentials(args);
  return writeRootfsContext(plan, {
    outDir,
    fetch: {
      source: binarySource(args["bin-source"]),
      cacheDir: join(globalOptions().root ?? defaultStoreRoot(), "cache", "downloads"),
      ladeCandidates,
    },
    skipBinaries: Boolean(args["skip-binaries"]),
    cniManifest,
    scanManifest: (text, file) => {
      const findings = emptyFindings();
      scanManifestText(text, file, findings);
      return findings.images.map((found) => found.image);
    },
    ...(credentials ? { registryCredentials: credentials } : {}),
    reporter,
  });
}

function binarySource(value: unknown): BinarySource {
  if (typeof value !== "string" || value === "") return { kind: "upstream" };
  if (/^https?:\/\//i.test(value)) return { kind: "url", base: value };
  return { kind: "dir", path: resolve(value) };
}

async function registryCredentials(args: Record<string, unknown>): Promise<{ user: string; password: string } | undefined> {
  const user = args["registry-user"];
  if (typeof user !== "string" || user === "") {
    if (args["registry-password-stdin"]) throw new UsageError('"--registry-password-stdin" needs --registry-user');
    return undefined;
  }
  if (!args["registry-password-stdin"]) throw new UsageError('"--registry-user" needs the password on stdin: add --registry-password-stdin');
  const password = (await Bun.stdin.text()).replace(/\r?\n$/, "");
  if (!password) throw new UsageError("The registry password read from stdin is empty");
  if (/[\s:]/.test(user)) throw new UsageError(`Registry user "${user}" must have no spaces or ":"`);
  return { user, password };
}

/**
 * A lade binary of `arch`: a compiled lade finds `lade-linux-ARCH` next to itself (dist/ holds
 * both) or is one itself; from the source tree (`bun src/main.ts`) it is what `bun run build` wrote.
 */
function ladeCandidates(arch: RootfsArch): string[] {
  const compiled = import.meta.path.startsWith("/$bunfs/");
  if (!compiled) return [resolve(import.meta.dir, "..", "..", "..", "dist", `lade-linux-${arch}`)];
  const executable = process.execPath;
  return [join(dirname(executable), `lade-linux-${arch}`), ...(arch === hostPlatform().architecture ? [executable] : [])];
}

/** Downloads drawn as the mirror's progress bars (or plain lines off a terminal). */
export function progressReporter(progress: ReturnType<typeof mirrorProgress>): RootfsReporter {
  return {
    log: (message) => progress.log(message),
    warn: (message) => progress.log(`warning: ${message}`),
    downloadStarted: (name, bytes) => progress.imageResolved(name, Math.max(bytes, 1)),
    downloadProgress: (name, bytes) => progress.progress(name, bytes),
    downloadDone: (name) => progress.imageDone(name),
  };
}

function summary(plan: RootfsPlan, written: WrittenRootfs): string {
  const { release, components, options } = plan;
  const runtime = options.runtime === "containerd" ? `containerd ${plan.runtimeVersion}` : `docker ${plan.runtimeVersion}${components.docker?.criDockerd ? ` + cri-dockerd ${components.docker.criDockerd}` : ""}`;
  const lines = [
    `Kubernetes ${release.version} with ${runtime}, kubeadm ${release.kubeadmApi}, registry ${plan.registry}`,
    `${written.images.length} images (${plan.kubeadmImages.length} from kubeadm, ${written.cniImages.length} from ${options.cni})`,
    ...options.arches.map((arch) => `${arch}: ${written.binaries[arch]?.length ?? 0} binaries`),
    `Wrote ${written.fileCount} files to ${written.outDir}`,
  ];
  return lines.join("\n");
}

/**
 * `lade build --k8s-version …`: the rootfs context for the build's platforms in a temporary folder
 * (removed by `cleanup`), and the registry mirrors it needs: images kubeadm names on k8s.gcr.io
 * (frozen since 2023) are fetched from registry.k8s.io, unless --registry-mirror says otherwise.
 */
export async function rootfsForBuild(
  args: Record<string, unknown>,
  platforms: readonly { readonly architecture: string }[],
  mirrors: Readonly<Record<string, string>>,
): Promise<{ contextDir: string; mirrors: Record<string, string>; cleanup: () => Promise<void> }> {
  if (args.context !== undefined && args.context !== ".") throw new UsageError("--k8s-version builds the rootfs it generates: give no CONTEXT");
  const plan = rootfsPlan(args, platforms.map((platform) => platform.architecture as RootfsArch));
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const contextDir = await mkdtemp(join(tmpdir(), "lade-rootfs-"));
  const cleanup = () => rm(contextDir, { recursive: true, force: true });
  const progress = mirrorProgress({ start: "Downloading", done: "Downloaded", none: "Cached" });
  try {
    await generateRootfs(plan, args, contextDir, progressReporter(progress));
  } catch (error) {
    await cleanup();
    throw error;
  } finally {
    progress.finish();
  }
  return { contextDir, mirrors: { "k8s.gcr.io": "registry.k8s.io", ...mirrors }, cleanup };
}
