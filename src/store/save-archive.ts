import { once } from "node:events";
import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { constants, createGzip, zstdCompress, zstdCompressSync } from "node:zlib";
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
  const sink: BlockSink = options.compression === "zstd" ? new ZstdFrames(out) : options.compression === "gzip" ? new GzipBlocks(out) : new PlainBlocks(out);
  try {
    const tar = new BlockAssembler(sink);
    await writeLayoutTar(tar, store, kept, index, options.onProgress);
    await tar.end();
    await sink.end();
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
    await tar.file(path, size);
    await tar.bytes(tarPadding(size));
    done += size;
    onProgress?.(done, total);
  }
  await tar.bytes(tarTrailer());
}

/** Bytes of the archive in blocks of this size: one zstd frame each. */
const BLOCK_BYTES = 4 * 1024 * 1024;
/** zstd frames being compressed (on the thread pool) or written at once. */
const FRAMES_IN_FLIGHT = 3;
/** The largest block a zstd frame may hold. */
const RAW_BLOCK_BYTES = 128 * 1024;
const PROBE_BYTES = 32 * 1024;
const zstdCompressAsync = promisify(zstdCompress);

/** Where the archive's blocks go; `release` hands a block's buffer back once the sink is done with it. */
interface BlockSink {
  accept(block: Buffer, release: () => void): Promise<void>;
  end(): Promise<void>;
}

/**
 * Lays the archive out in a few reused buffers of BLOCK_BYTES, reading blob files straight into
 * them, and hands each full one to the sink: no copy of blob content and no fresh memory per
 * block, so memory stays at a handful of blocks whatever the image's size.
 */
class BlockAssembler {
  readonly #sink: BlockSink;
  readonly #free: Buffer[] = [];
  #block: Buffer;
  #filled = 0;

  constructor(sink: BlockSink) {
    this.#sink = sink;
    this.#block = this.#take();
  }

  async bytes(data: Uint8Array): Promise<void> {
    for (let offset = 0; offset < data.length; ) {
      const taken = Math.min(data.length - offset, BLOCK_BYTES - this.#filled);
      this.#block.set(data.subarray(offset, offset + taken), this.#filled);
      this.#filled += taken;
      offset += taken;
      if (this.#filled === BLOCK_BYTES) await this.#flush();
    }
  }

  async file(path: string, size: number): Promise<void> {
    const handle = await open(path, "r");
    try {
      for (let position = 0; position < size; ) {
        const wanted = Math.min(BLOCK_BYTES - this.#filled, size - position);
        const { bytesRead } = await handle.read(this.#block, this.#filled, wanted, position);
        if (bytesRead === 0) throw new Error(`Cannot save "${path}": it ended after ${position} of ${size} bytes`);
        this.#filled += bytesRead;
        position += bytesRead;
        if (this.#filled === BLOCK_BYTES) await this.#flush();
      }
    } finally {
      await handle.close();
    }
  }

  async end(): Promise<void> {
    if (this.#filled > 0) await this.#flush();
  }

  #take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
  }

  async #flush(): Promise<void> {
    const block = this.#block;
    const filled = this.#filled;
    this.#block = this.#take();
    this.#filled = 0;
    await this.#sink.accept(block.subarray(0, filled), () => this.#free.push(block));
  }
}

/** The archive file, written piece by piece (several pieces in one system call), counting bytes. */
class OutputFile {
  readonly #file: FileHandle;
  bytes = 0;

  constructor(file: FileHandle) {
    this.#file = file;
  }

  async write(pieces: readonly Uint8Array[]): Promise<void> {
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    let written = (await this.#file.writev(pieces as Uint8Array[])).bytesWritten;
    if (written < total) {
      const rest = Buffer.concat(pieces as Uint8Array[]).subarray(written);
      for (let offset = 0; offset < rest.length; ) offset += (await this.#file.write(rest, offset)).bytesWritten;
      written = total;
    }
    this.bytes += written;
  }
}

class PlainBlocks implements BlockSink {
  readonly #out: OutputFile;

  constructor(out: OutputFile) {
    this.#out = out;
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    await this.#out.write([block]);
    release();
  }

  async end(): Promise<void> {}
}

class GzipBlocks implements BlockSink {
  readonly #gzip = createGzip({ level: 6, chunkSize: 1024 * 1024 });
  readonly #done: Promise<void>;

  constructor(out: OutputFile) {
    this.#done = pipeline(this.#gzip, new Writable({ write: (chunk: Buffer, _encoding, callback) => void out.write([chunk]).then(() => callback(), callback) }));
    this.#done.catch(() => {}); // awaited in accept() and end(); this keeps an early failure from being unhandled
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    const written = this.#gzip.write(Buffer.from(block)); // a copy: zlib keeps its input until it gets to it
    release();
    if (!written) await Promise.race([once(this.#gzip, "drain"), this.#done]);
  }

  async end(): Promise<void> {
    this.#gzip.end();
    await this.#done;
  }
}

/**
 * A zstd stream as a series of independent frames, one per block (any zstd reader reads
 * concatenated frames). Blocks that compress are compressed on the thread pool, several at once;
 * blocks that do not — most of a cluster image, whose container layers are gzip or zstd already —
 * are stored as raw blocks without spending CPU on them. Every frame carries a checksum.
 */
class ZstdFrames implements BlockSink {
  readonly #out: OutputFile;
  readonly #pending: { readonly frame: Promise<readonly Uint8Array[]>; readonly release: () => void }[] = [];

  constructor(out: OutputFile) {
    this.#out = out;
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    const frame = compressible(block)
      ? zstdCompressAsync(block, { params: { [constants.ZSTD_c_checksumFlag]: 1 } }).then((compressed) => [compressed])
      : Promise.resolve(rawFrame(block));
    frame.catch(() => {}); // awaited in order below; this keeps a failure from being unhandled meanwhile
    this.#pending.push({ frame, release });
    if (this.#pending.length >= FRAMES_IN_FLIGHT) await this.#writeOldest();
  }

  async end(): Promise<void> {
    while (this.#pending.length > 0) await this.#writeOldest();
  }

  async #writeOldest(): Promise<void> {
    const { frame, release } = this.#pending.shift()!;
    await this.#out.write(await frame);
    release();
  }
}

/** Whether a block is worth compressing: samples of its start, middle and end shrink by a tenth at least. */
function compressible(block: Uint8Array): boolean {
  let sampled = 0;
  let compressed = 0;
  for (const at of new Set([0, Math.floor(block.length / 2), Math.max(0, block.length - PROBE_BYTES)])) {
    const sample = block.subarray(at, at + PROBE_BYTES);
    sampled += sample.length;
    compressed += zstdCompressSync(sample, { params: { [constants.ZSTD_c_compressionLevel]: 1 } }).length;
  }
  return compressed < sampled * 0.9;
}

/**
 * A zstd frame that stores its content as raw blocks, as pieces to write without copying the
 * content: magic and a header (4-byte content size, single segment, content checksum), blocks of
 * up to 128 KiB each behind a 3-byte header, and the low 32 bits of the content's XXH64.
 */
function rawFrame(content: Uint8Array): Uint8Array[] {
  const blocks = Math.max(1, Math.ceil(content.length / RAW_BLOCK_BYTES));
  const header = new Uint8Array(9);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0xfd2fb528, true);
  header[4] = 0b1010_0100;
  view.setUint32(5, content.length, true);
  const pieces: Uint8Array[] = [header];
  const blockHeaders = new Uint8Array(blocks * 3);
  for (let index = 0; index < blocks; index++) {
    const piece = content.subarray(index * RAW_BLOCK_BYTES, (index + 1) * RAW_BLOCK_BYTES);
    const value = (index === blocks - 1 ? 1 : 0) | (piece.length << 3); // Last_Block, Block_Type 0 (raw), Block_Size
    blockHeaders.set([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff], index * 3);
    pieces.push(blockHeaders.subarray(index * 3, index * 3 + 3), piece);
  }
  const checksum = new Uint8Array(4);
  new DataView(checksum.buffer).setUint32(0, Number(Bun.hash.xxHash64(content) & 0xffffffffn), true);
  pieces.push(checksum);
  return pieces;
}
