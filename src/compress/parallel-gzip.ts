import { crc32 } from "node:zlib";
import type { BlockSink, PieceOutput } from "./block-sink.ts";
import { isCompressible } from "./compressibility.ts";
import { workerPool } from "../util/worker-pool.ts";
import { OrderedPieces } from "./ordered-pieces.ts";

/** The most a stored deflate block holds. */
const STORED_BLOCK_BYTES = 65_535;
/** ID1 ID2, CM=deflate, no flags, MTIME 0, XFL 0, OS unknown: the same header on every machine. */
const GZIP_HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * A gzip stream as a series of members, one per block (every gzip reader reads concatenated
 * members: gzip(1), Go's compress/gzip, zlib, Python). Blocks that compress are gzipped by
 * libdeflate on worker threads, several at once; blocks that do not are stored without spending
 * CPU on them. The bytes depend on the blocks and the level only, never on how many run at once.
 */
export class ParallelGzip implements BlockSink {
  readonly #pieces: OrderedPieces;
  readonly #level: number;
  #members = 0;

  constructor(out: PieceOutput, options: { readonly level: number; readonly inFlight: number }) {
    this.#pieces = new OrderedPieces(out, options.inFlight);
    this.#level = options.level;
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    this.#members++;
    const member = isCompressible(block) ? workerPool().gzip(block, this.#level).then((gzipped) => [gzipped]) : Promise.resolve(storedMember(block));
    await this.#pieces.add(member, release);
  }

  async end(): Promise<void> {
    // an empty stream is still one (empty) member: a file of no bytes is not gzip
    if (this.#members === 0) await this.#pieces.write(storedMember(new Uint8Array(0)));
    await this.#pieces.drain();
  }
}

/** A gzip member that stores its content in stored deflate blocks, as pieces that do not copy it. */
function storedMember(content: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [GZIP_HEADER];
  let offset = 0;
  do {
    const piece = content.subarray(offset, offset + STORED_BLOCK_BYTES);
    offset += piece.length;
    const length = piece.length;
    const final = offset >= content.length ? 1 : 0;
    // BFINAL, BTYPE 00 (stored), padding to the byte; LEN and its one's complement, little-endian
    pieces.push(new Uint8Array([final, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff]), piece);
  } while (offset < content.length);
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc32(content) >>> 0, true);
  view.setUint32(4, content.length % 2 ** 32, true);
  pieces.push(trailer);
  return pieces;
}
