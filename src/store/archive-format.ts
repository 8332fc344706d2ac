/**
 * What lade adds to the OCI layout of an archive: the images a delta archive was cut against.
 * Blobs those images hold are left out; `lade load` needs them in the store.
 */
export const ARCHIVE_BASES_ANNOTATION = "io.lade.archive.bases";

export interface ArchiveBase {
  readonly name: string;
  readonly digest: string;
}

export type ArchiveCompression = "none" | "gzip" | "zstd";

/** Tell the compression of an archive from its first bytes. */
export function detectCompression(head: Uint8Array): ArchiveCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}
