/** Reads exact amounts from a stream of chunks, keeping at most one chunk in memory. */
export class ByteReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #pending: Uint8Array = new Uint8Array(0);
  #done = false;
  /** Bytes handed out so far. */
  offset = 0;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.#chunks = chunks[Symbol.asyncIterator]();
  }

  /** Exactly `size` bytes, or fewer only when the stream ends first. */
  async read(size: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let wanted = size;
    for await (const piece of this.pieces(size)) {
      parts.push(piece);
      wanted -= piece.length;
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(size - wanted);
    let position = 0;
    for (const part of parts) {
      out.set(part, position);
      position += part.length;
    }
    return out;
  }

  /** The next `size` bytes as they arrive; stops early only when the stream ends. */
  async *pieces(size: number): AsyncGenerator<Uint8Array> {
    let left = size;
    while (left > 0) {
      if (this.#pending.length === 0) {
        if (this.#done) return;
        const next = await this.#chunks.next();
        if (next.done) {
          this.#done = true;
          return;
        }
        this.#pending = next.value;
        continue;
      }
      const piece = this.#pending.subarray(0, Math.min(left, this.#pending.length));
      this.#pending = this.#pending.subarray(piece.length);
      left -= piece.length;
      this.offset += piece.length;
      yield piece;
    }
  }
}
