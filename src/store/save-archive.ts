import { open, rename, rm, stat } from "node:fs/promises";
import { BlockAssembler } from "../compress/block-assembler.ts";
import { BLOCK_BYTES, compressingSink, DEFAULT_LEVELS } from "../compress/compression.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { OutputFile } from "../util/output-file.ts";
import { encodeTarHeader, tarPadding, tarTrailer } from "../util/tar-header.ts";
import { ARCHIVE_BASES_ANNOTATION, type ArchiveBase, type ArchiveCompression } from "./archive-format.ts";
import { REF_NAME_ANNOTATION, type OciStore, type TaggedImage } from "./oci-store.ts";
import { imageBlobs, readImage } from "./read-image.ts";

export interface SaveOptions {
  readonly compression: ArchiveCompression;
  /** Images whose blobs the archive leaves out (a delta against them). */
  readonly bases?: readonly TaggedImage[];
  /** Told after each blob: bytes of blobs written so far, of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SaveResult {
  readonly blobs: number;
  readonly omitted: number;
  readonly bytes: number;
}

/**
 * Write images as a tar of an OCI image layout (skopeo reads it as `oci-archive:FILE:NAME`),
 * streamed through a few reused buffers. With bases, blobs they hold are left out and the index
 * names the bases. The file appears under its name only when complete.
 */
export async function saveArchive(store: OciStore, images: readonly TaggedImage[], output: string, options: SaveOptions): Promise<SaveResult> {
  const omit = new Set<string>();
  for (const base of options.bases ?? []) {
    for (const blob of imageBlobs(await readImage(store, base.descriptor))) omit.add(blob.digest);
  }
  const blobs = new Map<string, Descriptor>();
  for (const image of images) {
    for (const blob of imageBlobs(await readImage(store, image.descriptor))) blobs.set(blob.digest, blob);
  }
  const kept = [...blobs.values()].filter((blob) => !omit.has(blob.digest)).sort((a, b) => (a.digest < b.digest ? -1 : 1));
  const bases: ArchiveBase[] = (options.bases ?? []).map((base) => ({ name: base.name, digest: base.descriptor.digest }));
  const index = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: images.map((image) => ({
      mediaType: image.descriptor.mediaType,
      digest: image.descriptor.digest,
      size: image.descriptor.size,
      annotations: { [REF_NAME_ANNOTATION]: image.name },
    })),
    ...(bases.length > 0 ? { annotations: { [ARCHIVE_BASES_ANNOTATION]: JSON.stringify(bases) } } : {}),
  };

  const temporary = `${output}.${process.pid}.partial`;
  const file = await open(temporary, "w");
  const out = new OutputFile(file);
  const format = options.compression;
  const sink = compressingSink({ format, level: DEFAULT_LEVELS[format] }, out);
  try {
    const tar = new BlockAssembler(sink, { blockBytes: BLOCK_BYTES[format] });
    await writeLayoutTar(tar, store, kept, index, options.onProgress);
    await tar.end();
    await file.close();
    await rename(temporary, output);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  return { blobs: kept.length, omitted: blobs.size - kept.length, bytes: out.bytes };
}

/** The tar of an OCI layout: oci-layout, index.json, then every blob, sorted by digest. */
async function writeLayoutTar(tar: BlockAssembler, store: OciStore, blobs: readonly Descriptor[], index: unknown, onProgress?: (done: number, total: number) => void): Promise<void> {
  const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
  let done = 0;
  const small = async (path: string, text: string) => {
    const content = new TextEncoder().encode(text);
    await tar.bytes(encodeTarHeader({ path, type: "file", mode: 0o644, size: content.length, mtime: 0 }));
    await tar.bytes(content);
    await tar.bytes(tarPadding(content.length));
  };
  await small("oci-layout", '{"imageLayoutVersion":"1.0.0"}');
  await small("index.json", JSON.stringify(index));
  await tar.bytes(encodeTarHeader({ path: "blobs", type: "directory", mode: 0o755, size: 0, mtime: 0 }));
  await tar.bytes(encodeTarHeader({ path: "blobs/sha256", type: "directory", mode: 0o755, size: 0, mtime: 0 }));
  for (const blob of blobs) {
    const path = store.blobPath(blob.digest);
    const size = (await stat(path)).size;
    await tar.bytes(encodeTarHeader({ path: `blobs/sha256/${blob.digest.slice("sha256:".length)}`, type: "file", mode: 0o644, size, mtime: 0 }));
    await tarFile(tar, path, size);
    await tar.bytes(tarPadding(size));
    done += size;
    onProgress?.(done, total);
  }
  await tar.bytes(tarTrailer());
}

/** A blob file's bytes, read straight into the archive's blocks. */
async function tarFile(tar: BlockAssembler, path: string, size: number): Promise<void> {
  const handle = await open(path, "r");
  try {
    const read = await tar.file(handle, size);
    if (read < size) throw new Error(`Cannot save "${path}": it ended after ${read} of ${size} bytes`);
  } finally {
    await handle.close();
  }
}
