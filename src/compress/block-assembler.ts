import type { BlockSink } from "./block-sink.ts";

/** What the assembler reads from: an open file (node:fs/promises' FileHandle is one). */
export interface PositionalReader {
  read(target: Buffer, offset: number, length: number, position: number): Promise<{ readonly bytesRead: number }>;
}

/**
 * Lays a stream out in a few reused buffers of `blockBytes`, reading sources straight into them,
 * and hands each full one to the sink: no copy of file content and no fresh memory per block, so
 * memory stays at a handful of blocks whatever the stream's size. Blocks start at fixed offsets of
 * the stream, which is what keeps the sinks' output independent of timing.
 */
export class BlockAssembler {
  readonly #sink: BlockSink;
  readonly #blockBytes: number;
  readonly #observe: ((block: Buffer) => void) | undefined;
  readonly #free: Buffer[] = [];
  #block: Buffer;
  #filled = 0;

  /** `observe` sees every block, in order, before the sink does (to hash the uncompressed stream). */
  constructor(sink: BlockSink, options: { readonly blockBytes: number; readonly observe?: (block: Buffer) => void }) {
    this.#sink = sink;
    this.#blockBytes = options.blockBytes;
    this.#observe = options.observe;
    this.#block = this.#take();
  }

  async bytes(data: Uint8Array): Promise<void> {
    for (let offset = 0; offset < data.length; ) {
      const taken = Math.min(data.length - offset, this.#blockBytes - this.#filled);
      this.#block.set(data.subarray(offset, offset + taken), this.#filled);
      this.#filled += taken;
      offset += taken;
      if (this.#filled === this.#blockBytes) await this.#flush();
    }
  }

  /**
   * The first `size` bytes of a file; fewer (how many it had) when it is shorter. `onData` sees
   * the bytes as they land in the blocks (to hash the file on its own).
   */
  async file(source: PositionalReader, size: number, onData?: (bytes: Uint8Array) => void): Promise<number> {
    for (let position = 0; position < size; ) {
      const { bytesRead } = await source.read(this.#block, this.#filled, Math.min(this.#blockBytes - this.#filled, size - position), position);
      if (bytesRead === 0) return position;
      onData?.(this.#block.subarray(this.#filled, this.#filled + bytesRead));
      this.#filled += bytesRead;
      position += bytesRead;
      if (this.#filled === this.#blockBytes) await this.#flush();
    }
    return size;
  }

  /** Hand the last, partial block over and end the sink. */
  async end(): Promise<void> {
    if (this.#filled > 0) await this.#flush();
    await this.#sink.end();
  }

  #take(): Buffer {
    // shared memory: a worker can read the block where it is
    return this.#free.pop() ?? Buffer.from(new SharedArrayBuffer(this.#blockBytes));
  }

  async #flush(): Promise<void> {
    const block = this.#block.subarray(0, this.#filled);
    const buffer = this.#block;
    this.#block = this.#take();
    this.#filled = 0;
    this.#observe?.(block);
    await this.#sink.accept(block, () => this.#free.push(buffer));
  }
}
