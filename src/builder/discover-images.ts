import { lstat, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { emptyFindings, type ScanFindings } from "../scan/image-source.ts";
import { parseImageList } from "../scan/parse-image-list.ts";
import { scanManifestText } from "../scan/scan-manifest-text.ts";
import type { UserRule } from "../scan/user-rule.ts";

/** Renders a chart (a folder or .tgz on disk) and scans what it produces. */
export type ChartScanner = (path: string, label: string, findings: ScanFindings) => Promise<void>;

export interface DiscoveryOptions {
  readonly userRules?: readonly UserRule[];
  /** Without one, charts are reported as skipped rather than rendered. */
  readonly scanChart?: ChartScanner;
  /** Paths in reports are shown relative to this folder. */
  readonly displayRoot?: string;
  readonly onWarning?: (message: string) => void;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const IMAGE_LIST_FILE = /^imageList$|\.imagelist$/i;

/**
 * Find every image a file, chart or folder names: manifests (.yaml, .yml, .json) kind-aware,
 * imageList files line by line, charts (folders with Chart.yaml, or .tgz) rendered and scanned.
 * A folder is walked recursively; a `registry/` folder (mirrored content) is not entered.
 */
export async function discoverImages(paths: readonly string[], options: DiscoveryOptions = {}): Promise<ScanFindings> {
  const findings = emptyFindings();
  for (const path of paths) await discoverPath(path, options, findings);
  return findings;
}

async function discoverPath(path: string, options: DiscoveryOptions, findings: ScanFindings): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw new Error(`Cannot scan "${path}": it does not exist`);
  const label = options.displayRoot ? relative(options.displayRoot, path) || "." : path;
  if (info.isDirectory()) {
    if (await isChartDirectory(path)) return scanChartAt(path, label, options, findings);
    for (const name of (await readdir(path)).sort()) {
      if (name === "registry" || name.startsWith(".")) continue;
      await discoverPath(join(path, name), options, findings);
    }
    return;
  }
  if (!info.isFile()) return;
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (IMAGE_LIST_FILE.test(name)) {
    for (const entry of parseImageList(await readFile(path, "utf8"), label)) {
      findings.images.push({ image: entry.image, source: { file: label, line: entry.line, rule: "image-list" } });
    }
  } else if (/\.tgz$/i.test(name)) {
    await scanChartAt(path, label, options, findings);
  } else if (MANIFEST_FILE.test(name)) {
    const text = await readFile(path, "utf8");
    try {
      scanManifestText(text, label, findings, { userRules: options.userRules });
    } catch (error) {
      // An unrendered template (rendered at install time) cannot be read before then.
      if (!text.includes("{{")) throw error;
      options.onWarning?.(`Skipped ${label}: it is a template that does not parse as YAML before rendering`);
    }
  }
}

async function isChartDirectory(path: string): Promise<boolean> {
  return Bun.file(join(path, "Chart.yaml")).exists();
}

async function scanChartAt(path: string, label: string, options: DiscoveryOptions, findings: ScanFindings): Promise<void> {
  if (!options.scanChart) {
    options.onWarning?.(`Skipped chart ${label}: chart rendering is not available`);
    return;
  }
  await options.scanChart(path, label, findings);
}
