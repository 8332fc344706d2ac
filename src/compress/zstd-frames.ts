import { promisify } from "node:util";
import { constants, zstdCompress } from "node:zlib";
import type { BlockSink, PieceOutput } from "./block-sink.ts";
import { isCompressible } from "./compressibility.ts";
import { OrderedPieces } from "./ordered-pieces.ts";

/** The largest block a zstd frame may hold. */
const RAW_BLOCK_BYTES = 128 * 1024;
const zstdCompressAsync = promisify(zstdCompress);

/**
 * A zstd stream as a series of independent frames, one per block (any zstd reader reads
 * concatenated frames). Blocks that compress are compressed on the thread pool, several at once;
 * blocks that do not are stored as raw blocks without spending CPU on them. Every frame carries a
 * checksum. The bytes depend on the blocks and the level only, never on how many run at once.
 */
export class ZstdFrames implements BlockSink {
  readonly #pieces: OrderedPieces;
  readonly #level: number;

  constructor(out: PieceOutput, options: { readonly level: number; readonly inFlight: number }) {
    this.#pieces = new OrderedPieces(out, options.inFlight);
    this.#level = options.level;
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    const params = { [constants.ZSTD_c_checksumFlag]: 1, [constants.ZSTD_c_compressionLevel]: this.#level };
    const frame = isCompressible(block) ? zstdCompressAsync(block, { params }).then((compressed) => [compressed]) : Promise.resolve(rawFrame(block));
    await this.#pieces.add(frame, release);
  }

  async end(): Promise<void> {
    await this.#pieces.drain();
  }
}

/**
 * A zstd frame that stores its content as raw blocks, as pieces to write without copying the
 * content: magic and a header (4-byte content size, single segment, content checksum), blocks of
 * up to 128 KiB each behind a 3-byte header, and the low 32 bits of the content's XXH64.
 */
export function rawFrame(content: Uint8Array): Uint8Array[] {
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
