import { open } from "node:fs/promises";
import { BlockAssembler } from "../compress/block-assembler.ts";
import { BLOCK_BYTES, compressingSink, type Compression } from "../compress/compression.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { BlobWriter } from "../store/blob-writer.ts";
import type { OciStore } from "../store/oci-store.ts";
import { encodeTarHeader, tarPadding, tarTrailer } from "../util/tar-header.ts";
import { compareLayerPaths, type LayerEntry } from "./layer-entry.ts";
import { layerChange, type LayerChange } from "./list-image-files.ts";

export interface WrittenLayer {
  readonly descriptor: Descriptor;
  /** sha256 of the uncompressed tar, for the image config's rootfs.diff_ids. */
  readonly diffId: Digest;
  /** What the layer holds, as reading it back would list it (with no file's text). */
  readonly changes: readonly LayerChange[];
}

const LAYER_MEDIA_TYPES = { gzip: MediaTypes.ociLayerGzip, zstd: MediaTypes.ociLayerZstd, none: MediaTypes.ociLayer } as const;

/**
 * Write entries as a deterministic tar (sorted, fixed mtime, uid/gid 0), compressed in blocks
 * on every core, into the store. Files are read straight into a few reused blocks, so memory
 * stays at (blocks in flight + 2) × the block size whatever the layer's size.
 */
export async function writeLayer(
  store: OciStore,
  entries: readonly LayerEntry[],
  options: { readonly mtime: number; readonly compression: Compression; readonly inFlight?: number; readonly onBytes?: (done: number, total: number) => void },
): Promise<WrittenLayer> {
  const sorted = [...entries].sort((a, b) => compareLayerPaths(a.path, b.path));
  const { format } = options.compression;
  const blob = await BlobWriter.open(store, LAYER_MEDIA_TYPES[format]);
  // a plain tar is its own diff: hashing it twice would only cost time
  const diffHasher = format === "none" ? undefined : new Bun.CryptoHasher("sha256");
  const { onBytes } = options;
  const total = tarSize(sorted);
  let done = 0;
  const tar = new BlockAssembler(compressingSink(options.compression, blob, options.inFlight), {
    blockBytes: BLOCK_BYTES[format],
    ...(diffHasher || onBytes
      ? {
          observe: (block: Buffer) => {
            diffHasher?.update(block);
            onBytes?.((done += block.length), total);
          },
        }
      : {}),
  });
  let changes: LayerChange[];
  try {
    changes = await writeTar(tar, sorted, options.mtime);
    await tar.end();
  } catch (error) {
    await blob.abort();
    throw error;
  }
  const descriptor = await blob.commit();
  return { descriptor, diffId: diffHasher ? `sha256:${diffHasher.digest("hex")}` : descriptor.digest, changes };
}

/** The bytes of the layer's tar: a header per entry, file contents padded to 512, the trailer. */
function tarSize(entries: readonly LayerEntry[]): number {
  let size = 1024;
  for (const entry of entries) size += 512 + (entry.type === "file" ? Math.ceil(entry.size / 512) * 512 : 0);
  return size;
}

/** The tar, and each entry's change with the sha256 of the bytes that went into it. */
async function writeTar(tar: BlockAssembler, entries: readonly LayerEntry[], mtime: number): Promise<LayerChange[]> {
  const changes: LayerChange[] = [];
  for (const entry of entries) {
    await tar.bytes(encodeTarHeader({ ...entry, mtime }));
    const hasher = new Bun.CryptoHasher("sha256");
    if (entry.type === "file" && entry.size > 0) {
      if (entry.content) {
        await tar.bytes(entry.content);
        hasher.update(entry.content);
      } else if (entry.source) await copyFile(tar, entry.source, entry, hasher);
      else throw new Error(`Cannot write layer entry "${entry.path}": it has no content source`);
      await tar.bytes(tarPadding(entry.size));
    }
    const change = layerChange(entry.path, entry.type, entry.mode, entry.size, entry.type === "symlink" ? (entry.linkTarget ?? "") : hasher.digest("hex"));
    if (change) changes.push(change);
  }
  await tar.bytes(tarTrailer());
  return changes;
}

/** A file's bytes straight into the tar's blocks; it must still have the size its header says. */
async function copyFile(tar: BlockAssembler, source: string, entry: LayerEntry, hasher: Bun.CryptoHasher): Promise<void> {
  const handle = await open(source, "r");
  try {
    const read = await tar.file(handle, entry.size, (bytes) => hasher.update(bytes));
    if (read !== entry.size || (await handle.stat()).size !== entry.size) {
      throw new Error(`Cannot write layer entry "${entry.path}": "${source}" changed size while the layer was written`);
    }
  } finally {
    await handle.close();
  }
}
