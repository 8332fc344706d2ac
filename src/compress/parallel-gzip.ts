import { promisify } from "node:util";
import { constants, crc32, deflateRaw } from "node:zlib";
import type { BlockSink, PieceOutput } from "./block-sink.ts";
import { isCompressible } from "./compressibility.ts";
import { OrderedPieces } from "./ordered-pieces.ts";

/** Deflate's window: each block is compressed with the previous block's last bytes as its dictionary. */
const WINDOW_BYTES = 32 * 1024;
/** The most a stored deflate block holds. */
const STORED_BLOCK_BYTES = 65_535;
const deflateRawAsync = promisify(deflateRaw);
/** ID1 ID2, CM=deflate, no flags, MTIME 0, XFL 0, OS unknown: the same header on every machine. */
const GZIP_HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** A last, empty stored block: what ends the deflate stream after the blocks' sync flushes. */
const FINAL_BLOCK = new Uint8Array([0x01, 0x00, 0x00, 0xff, 0xff]);

/**
 * One gzip member made the way pigz makes it: every block is deflated on its own, on the thread
 * pool and several at once, primed with the 32 KiB before it and ended with a sync flush, so the
 * pieces join into one deflate stream that any gzip reader reads, and compress as well as one
 * stream would. Blocks that do not compress are written as stored deflate blocks. The bytes depend
 * on the blocks and the level only, never on how many blocks are compressed at once.
 */
export class ParallelGzip implements BlockSink {
  readonly #pieces: OrderedPieces;
  readonly #level: number;
  #started = false;
  #crc = 0;
  #size = 0;
  #window: Buffer | undefined;

  constructor(out: PieceOutput, options: { readonly level: number; readonly inFlight: number }) {
    this.#pieces = new OrderedPieces(out, options.inFlight);
    this.#level = options.level;
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      await this.#pieces.write([GZIP_HEADER]);
    }
    this.#crc = crc32(block, this.#crc);
    this.#size = (this.#size + block.length) % 2 ** 32;
    const dictionary = this.#window;
    // a copy: the block's buffer is reused once released, the next block needs these bytes
    this.#window = Buffer.from(block.subarray(Math.max(0, block.length - WINDOW_BYTES)));
    const pieces = isCompressible(block)
      ? deflateRawAsync(block, { level: this.#level, finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary } : {}) }).then((deflated) => [deflated])
      : Promise.resolve(storedBlocks(block));
    await this.#pieces.add(pieces, release);
  }

  async end(): Promise<void> {
    const trailer = new Uint8Array(8);
    const view = new DataView(trailer.buffer);
    view.setUint32(0, this.#crc >>> 0, true);
    view.setUint32(4, this.#size, true);
    await this.#pieces.write([...(this.#started ? [] : [GZIP_HEADER]), FINAL_BLOCK, trailer]);
  }
}

/** Content as stored (uncompressed) deflate blocks, as pieces that do not copy it. Each starts on a byte boundary. */
function storedBlocks(content: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < content.length; offset += STORED_BLOCK_BYTES) {
    const piece = content.subarray(offset, offset + STORED_BLOCK_BYTES);
    const length = piece.length;
    // BFINAL 0, BTYPE 00 (stored), padding to the byte; LEN and its one's complement, little-endian
    pieces.push(new Uint8Array([0x00, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff]), piece);
  }
  return pieces;
}
