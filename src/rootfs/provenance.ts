import type { RootfsPlan } from "./plan-rootfs.ts";
import type { BinaryDownload } from "./binary-downloads.ts";

/**
 * Where each downloaded file of a base rootfs came from, written by lade rootfs into each arch
 * folder (so into the image's rootfs) for the SBOM: what it is, its version, its URL, how the
 * download was checked, and the sha256 of the file as installed. The SBOM trusts an entry only
 * for a file whose content still has that sha256.
 */
export const PROVENANCE_PATH = "provenance/binaries.json";
export const PROVENANCE_FORMAT = "lade rootfs provenance v1";

export interface ProvenanceEntry {
  /** The file's path in the rootfs, when it was installed at a known one ("bin/kubeadm"). */
  readonly path?: string;
  readonly name: string;
  readonly version?: string;
  /** The upstream URL it was downloaded from (absent: no upstream, e.g. lade itself). */
  readonly url?: string;
  /** sha256 of the installed file (of the download when it is installed as it is). */
  readonly sha256: string;
  /** sha256 of what was downloaded (an archive, for files taken out of one). */
  readonly downloadSha256: string;
  /** How the download was checked: against a checksum its publisher publishes, a sha256 lade pins, or not at all. */
  readonly checked: "published" | "pinned" | "none";
}

export interface RootfsProvenance {
  readonly format: typeof PROVENANCE_FORMAT;
  readonly kubernetes: string;
  readonly files: readonly ProvenanceEntry[];
}

export function provenanceEntry(download: BinaryDownload, path: string | undefined, sha256: string, downloadSha256: string): ProvenanceEntry {
  return {
    ...(path ? { path } : {}),
    name: download.component.name,
    ...(download.component.version ? { version: download.component.version } : {}),
    ...(download.url ? { url: download.url } : {}),
    sha256,
    downloadSha256,
    checked: download.checksum.kind,
  };
}

export function renderProvenance(plan: RootfsPlan, files: readonly ProvenanceEntry[]): string {
  const provenance: RootfsProvenance = { format: PROVENANCE_FORMAT, kubernetes: plan.release.version, files: [...files].sort((a, b) => (a.path ?? "").localeCompare(b.path ?? "")) };
  return `${JSON.stringify(provenance, null, 2)}\n`;
}

/** The provenance of an image's rootfs, or undefined when the text is not lade's format (a file the user wrote, say). */
export function parseProvenance(text: string): RootfsProvenance | undefined {
  try {
    const parsed = JSON.parse(text) as RootfsProvenance;
    if (parsed.format !== PROVENANCE_FORMAT || !Array.isArray(parsed.files)) return undefined;
    if (!parsed.files.every((entry) => typeof entry.name === "string" && typeof entry.sha256 === "string")) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}
