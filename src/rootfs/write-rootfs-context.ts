import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RootfsArch } from "./component-versions.ts";
import { fetchBinaries, MissingBinariesError, type FetchBinariesOptions, type FetchedBinary, type MissingBinary } from "./fetch-binaries.ts";
import { installBinary } from "./install-binary.ts";
import { planBinaries, type RootfsPlan } from "./plan-rootfs.ts";
import { PROVENANCE_PATH, provenanceEntry, renderProvenance, type ProvenanceEntry } from "./provenance.ts";
import { renderHtpasswd } from "./render-htpasswd.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import { GENERATED_MARK, renderRootfsContext } from "./render-rootfs-context.ts";
import type { RootfsReporter } from "./rootfs-reporter.ts";

export interface WriteRootfsOptions {
  readonly outDir: string;
  /** Where binaries and the CNI manifest come from (source, cache). */
  readonly fetch: Omit<FetchBinariesOptions, "reporter">;
  /** Leave every binary out (arch folders then hold only Metadata). */
  readonly skipBinaries?: boolean;
  /** A CNI manifest given by the user (`--cni-manifest FILE`): used instead of the upstream one. */
  readonly cniManifest?: { readonly text: string; readonly name: string };
  /** Image discovery over a manifest's text (the CLI passes src/scan's): normalized references. */
  readonly scanManifest: (text: string, file: string) => string[];
  /** Basic auth for the registry: an htpasswd with this user goes into the rootfs. */
  readonly registryCredentials?: { readonly user: string; readonly password: string };
  readonly reporter: RootfsReporter;
}

export interface WrittenRootfs {
  readonly outDir: string;
  /** Every image of the image list: kubeadm's, then the CNI's. */
  readonly images: readonly string[];
  readonly cniImages: readonly string[];
  /** Per arch, the binaries written (paths relative to the arch folder). */
  readonly binaries: Readonly<Record<string, readonly string[]>>;
  readonly fileCount: number;
}

/** The folder holds something that is not an earlier `lade rootfs` output. */
export class OutputNotEmptyError extends Error {
  override name = "OutputNotEmptyError";
}

/** Where the CNI manifest lands in the context. */
function cniManifestPath(cni: string): string {
  return `apps/${cni}/${cni}.yaml`;
}

const MANAGED = ["Kubefile", "imageList", "rootfs", "apps", "amd64", "arm64"];

/**
 * Write a build context for `lade build`: the CNI manifest (the user's, or the upstream one for the
 * version) scanned for its images, every binary of every arch fetched and verified first (all the
 * missing ones fail together, before anything is written), then the Kubefile, image list, rootfs/
 * tree and arch folders. An earlier output in the folder is replaced; any other content is refused.
 */
export async function writeRootfsContext(plan: RootfsPlan, options: WriteRootfsOptions): Promise<WrittenRootfs> {
  const { reporter } = options;
  await checkOutputFolder(options.outDir);
  const fetchOptions: FetchBinariesOptions = { unreachable: new Map(), ...options.fetch, reporter };

  let manifest: { text: string; name: string } | undefined;
  if (plan.options.cni !== "none") {
    manifest = options.cniManifest ?? (await fetchCniManifest(plan, fetchOptions));
  }
  const manifestPath = manifest ? cniManifestPath(plan.options.cni) : undefined;
  const cniImages = manifest ? [...new Set(options.scanManifest(manifest.text, manifest.name))].sort() : [];
  if (manifest && cniImages.length === 0) reporter.warn(`The ${plan.options.cni} manifest ${manifest.name} names no image`);

  const fetched = new Map<RootfsArch, FetchedBinary[]>();
  if (options.skipBinaries) {
    reporter.warn("Binaries are left out (--skip-binaries): the nodes' scripts will refuse to run until bin/, cri/bin and cni/bin are filled");
  } else {
    const missing: MissingBinary[] = [];
    for (const arch of plan.options.arches) {
      const result = await fetchBinaries(planBinaries(plan, arch), arch, fetchOptions);
      fetched.set(arch, result.fetched);
      missing.push(...result.missing);
    }
    if (missing.length > 0) throw new MissingBinariesError(missing);
  }

  const htpasswd = options.registryCredentials
    ? await renderHtpasswd(options.registryCredentials.user, options.registryCredentials.password)
    : undefined;
  const files = renderRootfsContext(plan, { cniImages, cniManifestPath: manifestPath, htpasswd });

  await mkdir(options.outDir, { recursive: true });
  for (const name of MANAGED) await rm(join(options.outDir, name), { recursive: true, force: true });
  for (const file of files) {
    const target = join(options.outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.text);
    await chmod(target, file.mode);
  }
  if (manifest && manifestPath) {
    await mkdir(dirname(join(options.outDir, manifestPath)), { recursive: true });
    await writeFile(join(options.outDir, manifestPath), manifest.text);
  }
  const binaries: Record<string, string[]> = {};
  for (const arch of plan.options.arches) {
    binaries[arch] = [];
    const provenance: ProvenanceEntry[] = [];
    const archDir = join(options.outDir, arch);
    // the upstream CNI manifest (not one the user gave) is a download too
    const sources = [...(manifest && manifestPath && plan.cniManifest && !options.cniManifest ? [{ download: plan.cniManifest, path: join(options.outDir, manifestPath), installed: [] as string[] }] : [])];
    for (const binary of fetched.get(arch) ?? []) sources.push({ download: binary.download, path: binary.path, installed: await installBinary(binary, archDir) });
    for (const source of sources) {
      binaries[arch].push(...source.installed);
      const downloadSha256 = await sha256OfFile(source.path);
      const files = source.installed.length > 0 ? source.installed : [undefined];
      for (const path of files) provenance.push(provenanceEntry(source.download, path, path ? await sha256OfFile(join(archDir, path)) : downloadSha256, downloadSha256));
    }
    binaries[arch].sort();
    await mkdir(join(archDir, dirname(PROVENANCE_PATH)), { recursive: true });
    await writeFile(join(archDir, PROVENANCE_PATH), renderProvenance(plan, provenance));
  }
  return {
    outDir: options.outDir,
    images: [...plan.kubeadmImages, ...cniImages],
    cniImages,
    binaries,
    fileCount: files.length + (manifest ? 1 : 0) + Object.values(binaries).reduce((sum, list) => sum + list.length, 0),
  };
}

async function fetchCniManifest(plan: RootfsPlan, options: FetchBinariesOptions): Promise<{ text: string; name: string }> {
  const download = plan.cniManifest;
  if (!download) {
    throw new MissingCniManifestError(
      `lade knows no ${plan.options.cni} release for Kubernetes ${plan.release.minor}: give the manifest with --cni-manifest FILE, or use --cni none`,
    );
  }
  const { fetched, missing } = await fetchBinaries([download], plan.options.arches[0]!, options);
  if (missing.length > 0) {
    throw new MissingCniManifestError(
      `The ${download.name} is not available: ${missing[0]!.reason}. Put it at DIR/${download.mirrorPath} for --bin-source DIR (from ${download.url}), or give a manifest with --cni-manifest FILE`,
    );
  }
  return { text: await readFile(fetched[0]!.path, "utf8"), name: download.url ?? download.mirrorPath };
}

/** No CNI manifest could be had. */
export class MissingCniManifestError extends Error {
  override name = "MissingCniManifestError";
}

async function checkOutputFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    if (error.code === "ENOTDIR") throw new OutputNotEmptyError(`"${dir}" is a file, not a folder`);
    throw error;
  });
  if (entries.length === 0) return;
  const kubefile = await readFile(join(dir, "Kubefile"), "utf8").catch(() => "");
  if (kubefile.startsWith(GENERATED_MARK) && entries.every((entry) => MANAGED.includes(entry))) return;
  throw new OutputNotEmptyError(`"${dir}" is not empty and not an earlier output of lade rootfs: give an empty or new folder`);
}
