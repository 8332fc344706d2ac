import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import type { OciStore } from "../store/oci-store.ts";
import { encodeTarHeader, tarPadding, tarTrailer } from "../util/tar-header.ts";
import { compareLayerPaths, type LayerEntry } from "./layer-entry.ts";

export interface WrittenLayer {
  readonly descriptor: Descriptor;
  /** sha256 of the uncompressed tar, for the image config's rootfs.diff_ids. */
  readonly diffId: Digest;
}

/**
 * Stream entries as a deterministic tar (sorted, fixed mtime, uid/gid 0) through gzip into the store.
 * Nothing is held in memory beyond one chunk of one file.
 */
export async function writeLayer(
  store: OciStore,
  entries: readonly LayerEntry[],
  options: { readonly mtime: number; readonly compression?: "gzip" | "none" },
): Promise<WrittenLayer> {
  const sorted = [...entries].sort((a, b) => compareLayerPaths(a.path, b.path));
  const diffHasher = new Bun.CryptoHasher("sha256");
  const hashTap = new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      diffHasher.update(chunk);
      callback(null, chunk);
    },
  });
  const output = new PassThrough();
  const gzip = options.compression !== "none";
  const tar = Readable.from(tarChunks(sorted, options.mtime));
  // Already-compressed content (registry blobs) is stored as a plain tar: gzip would only cost time.
  const piping = gzip ? pipeline(tar, hashTap, createGzip({ level: 6 }), output) : pipeline(tar, hashTap, output);
  piping.catch(() => {}); // the error reaches the reader of `output`
  const descriptor = await store.writeBlobStream(output, gzip ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer);
  await piping;
  return { descriptor, diffId: `sha256:${diffHasher.digest("hex")}` };
}

async function* tarChunks(entries: readonly LayerEntry[], mtime: number): AsyncGenerator<Uint8Array> {
  for (const entry of entries) {
    yield encodeTarHeader({ ...entry, mtime });
    if (entry.type !== "file" || entry.size === 0) continue;
    if (entry.content) {
      yield entry.content;
      yield tarPadding(entry.size);
      continue;
    }
    if (!entry.source) throw new Error(`Cannot write layer entry "${entry.path}": it has no content source`);
    let written = 0;
    for await (const chunk of Bun.file(entry.source).stream()) {
      written += chunk.length;
      if (written > entry.size) break;
      yield chunk;
    }
    if (written !== entry.size) {
      throw new Error(`Cannot write layer entry "${entry.path}": "${entry.source}" changed size while the layer was written`);
    }
    yield tarPadding(entry.size);
  }
  yield tarTrailer();
}
