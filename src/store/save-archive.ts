import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, createZstdCompress } from "node:zlib";
import type { Descriptor } from "../oci/descriptor.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { encodeTarHeader, tarPadding, tarTrailer } from "../util/tar-header.ts";
import { ARCHIVE_BASES_ANNOTATION, type ArchiveBase, type ArchiveCompression } from "./archive-format.ts";
import { REF_NAME_ANNOTATION, type OciStore, type TaggedImage } from "./oci-store.ts";
import { imageBlobs, readImage } from "./read-image.ts";

export interface SaveOptions {
  readonly compression: ArchiveCompression;
  /** Images whose blobs the archive leaves out (a delta against them). */
  readonly bases?: readonly TaggedImage[];
}

export interface SaveResult {
  readonly blobs: number;
  readonly omitted: number;
  readonly bytes: number;
}

/**
 * Write images as a tar of an OCI image layout (skopeo reads it as `oci-archive:FILE:NAME`),
 * streamed blob by blob. With bases, blobs they hold are left out and the index names the bases.
 * The file appears under its name only when complete.
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
  const counter = new PassThrough();
  let bytes = 0;
  counter.on("data", (chunk: Buffer) => (bytes += chunk.length));
  const compressor = options.compression === "gzip" ? createGzip({ level: 6 }) : options.compression === "zstd" ? createZstdCompress() : new PassThrough();
  try {
    await pipeline(Readable.from(archiveChunks(store, kept, index)), compressor, counter, createWriteStream(temporary));
    await rename(temporary, output);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { blobs: kept.length, omitted: blobs.size - kept.length, bytes };
}

async function* archiveChunks(store: OciStore, blobs: readonly Descriptor[], index: unknown): AsyncGenerator<Uint8Array> {
  const small = (path: string, text: string) => {
    const content = new TextEncoder().encode(text);
    return [encodeTarHeader({ path, type: "file", mode: 0o644, size: content.length, mtime: 0 }), content, tarPadding(content.length)];
  };
  yield* small("oci-layout", '{"imageLayoutVersion":"1.0.0"}');
  yield* small("index.json", JSON.stringify(index));
  yield encodeTarHeader({ path: "blobs", type: "directory", mode: 0o755, size: 0, mtime: 0 });
  yield encodeTarHeader({ path: "blobs/sha256", type: "directory", mode: 0o755, size: 0, mtime: 0 });
  for (const blob of blobs) {
    const path = store.blobPath(blob.digest);
    const size = Bun.file(path).size;
    yield encodeTarHeader({ path: `blobs/sha256/${blob.digest.slice("sha256:".length)}`, type: "file", mode: 0o644, size, mtime: 0 });
    for await (const chunk of Bun.file(path).stream()) yield chunk;
    yield tarPadding(size);
  }
  yield tarTrailer();
}
