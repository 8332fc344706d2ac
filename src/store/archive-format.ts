/**
 * What lade adds to the OCI layout of an archive: the images a delta archive was cut against.
 * Blobs those images hold are left out; `lade load` needs them in the store.
 */
export const ARCHIVE_BASES_ANNOTATION = "io.lade.archive.bases";

export interface ArchiveBase {
  readonly name: string;
  readonly digest: string;
}

export type { StreamCompression as ArchiveCompression } from "../util/open-decompressed.ts";
