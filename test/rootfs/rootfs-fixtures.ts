import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { rootfsAssets } from "../../src/rootfs/assets.ts";
import type { ContainerRuntime, RootfsArch } from "../../src/rootfs/component-versions.ts";
import { planRootfs, type RootfsPlan } from "../../src/rootfs/plan-rootfs.ts";
import { silentRootfsReporter } from "../../src/rootfs/rootfs-reporter.ts";
import { writeRootfsContext, type WrittenRootfs } from "../../src/rootfs/write-rootfs-context.ts";
import { emptyFindings } from "../../src/scan/image-source.ts";
import { scanManifestText } from "../../src/scan/scan-manifest-text.ts";
import { goldenFiles } from "../support/golden-files.ts";
import { tempDir } from "../support/temp-dir.ts";
import { fakeBinSource } from "./fake-bin-source.ts";

export const GOLDEN_DIR = join(import.meta.dir, "..", "golden", "rootfs");
export const CALICO_LIKE = join(import.meta.dir, "fixtures", "calico-like.yaml");

/** kubeadm's images of v1.27.3, by their path in a registry (what stand-in registries seed). */
export const KUBEADM_V1_27_3_IMAGES = [
  "kube-apiserver:v1.27.3",
  "kube-controller-manager:v1.27.3",
  "kube-scheduler:v1.27.3",
  "kube-proxy:v1.27.3",
  "coredns/coredns:v1.10.1",
  "pause:3.9",
  "etcd:3.5.7-0",
] as const;

/** The golden matrix: one patch of four minors × both runtimes × both arches. */
export const MATRIX_VERSIONS = ["v1.22.15", "v1.27.3", "v1.31.14", "v1.36.3"] as const;
export const RUNTIMES: readonly ContainerRuntime[] = ["docker", "containerd"];
export const ARCHES: readonly RootfsArch[] = ["amd64", "arm64"];

export function plan(version: string, runtime: ContainerRuntime, arches: readonly RootfsArch[] = ARCHES, registryDomain = "sea.hub", registryPort = 5000): RootfsPlan {
  return planRootfs({ kubernetesVersion: version, runtime, arches, cni: "calico", registryDomain, registryPort });
}

/** src/scan's discovery, as the CLI passes it. */
export function scanManifest(text: string, file: string): string[] {
  const findings = emptyFindings();
  scanManifestText(text, file, findings);
  return findings.images.map((found) => found.image);
}

/**
 * A generated build context with fake binaries from a `--bin-source DIR` and the calico-like
 * manifest, written in-process.
 */
export async function generateContext(
  rootfsPlan: RootfsPlan,
  options: { skipBinaries?: boolean; binSource?: string; credentials?: { user: string; password: string } } = {},
): Promise<{ dir: string; written: WrittenRootfs; binSource: string }> {
  const binSource = options.binSource ?? (options.skipBinaries ? tempDir() : await fakeBinSource(rootfsPlan));
  const dir = join(tempDir("lade-rootfs-ctx-"), "ctx");
  const written = await writeRootfsContext(rootfsPlan, {
    outDir: dir,
    fetch: { source: { kind: "dir", path: binSource }, cacheDir: tempDir() },
    skipBinaries: options.skipBinaries,
    cniManifest: { name: "calico-like.yaml", text: readFileSync(CALICO_LIKE, "utf8") },
    scanManifest,
    ...(options.credentials ? { registryCredentials: options.credentials } : {}),
    reporter: silentRootfsReporter,
  });
  return { dir, written, binSource };
}

/** Every file under `dir`, sorted. */
export function listFiles(dir: string): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? walk(path) : [relative(dir, path)];
    });
  return walk(dir).sort();
}

/**
 * A folder as one text: each file as `-- PATH (MODE) --` and its content (txtar style); a file
 * that is an asset copied as it is shows as `-- PATH (MODE) = src/rootfs/assets/NAME --`.
 */
export function serializeTree(dir: string): string {
  const verbatim = new Map(Object.entries(rootfsAssets).map(([name, text]) => [text, name]));
  return listFiles(dir)
    .map((path) => {
      const mode = (statSync(join(dir, path)).mode & 0o777).toString(8).padStart(4, "0");
      const text = readFileSync(join(dir, path), "utf8");
      const asset = verbatim.get(text);
      if (asset) return `-- ${path} (${mode}) = src/rootfs/assets/${asset} --\n`;
      return `-- ${path} (${mode}) --\n${text}${text.endsWith("\n") ? "" : "\n"}`;
    })
    .join("");
}

/** Compare with test/golden/rootfs/NAME; `UPDATE_GOLDEN=1 bun test test/rootfs` rewrites it. */
export const expectGolden = goldenFiles(GOLDEN_DIR);
