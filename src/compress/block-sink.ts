/** Where compressed pieces go, in order; several pieces may go in one system call. */
export interface PieceOutput {
  write(pieces: readonly Uint8Array[]): Promise<void>;
}

/**
 * Takes a stream's bytes as blocks of a fixed size (the last one shorter) and writes them,
 * compressed or not, to its output in order. `release` hands a block's buffer back once the sink
 * no longer needs it.
 */
export interface BlockSink {
  accept(block: Buffer, release: () => void): Promise<void>;
  end(): Promise<void>;
}

/** Blocks as they are. */
export class PlainBlocks implements BlockSink {
  readonly #out: PieceOutput;

  constructor(out: PieceOutput) {
    this.#out = out;
  }

  async accept(block: Buffer, release: () => void): Promise<void> {
    await this.#out.write([block]);
    release();
  }

  async end(): Promise<void> {}
}
