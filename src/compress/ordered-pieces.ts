import type { PieceOutput } from "./block-sink.ts";

/**
 * Blocks being compressed (on the thread pool, several at once) whose results are written in the
 * order the blocks came: at most `inFlight` are pending, so memory stays at a few blocks.
 */
export class OrderedPieces {
  readonly #out: PieceOutput;
  readonly #inFlight: number;
  readonly #pending: { readonly pieces: Promise<readonly Uint8Array[]>; readonly release: () => void }[] = [];

  constructor(out: PieceOutput, inFlight: number) {
    this.#out = out;
    this.#inFlight = Math.max(1, inFlight);
  }

  /** Queue a block's pieces; waits while the queue is full. */
  async add(pieces: Promise<readonly Uint8Array[]>, release: () => void): Promise<void> {
    pieces.catch(() => {}); // awaited in order below; this keeps a failure from being unhandled meanwhile
    this.#pending.push({ pieces, release });
    if (this.#pending.length >= this.#inFlight) await this.#writeOldest();
  }

  /** Write pieces once everything queued before them is written. */
  async write(pieces: readonly Uint8Array[]): Promise<void> {
    await this.drain();
    await this.#out.write(pieces);
  }

  async drain(): Promise<void> {
    while (this.#pending.length > 0) await this.#writeOldest();
  }

  async #writeOldest(): Promise<void> {
    const { pieces, release } = this.#pending.shift()!;
    await this.#out.write(await pieces);
    release();
  }
}
