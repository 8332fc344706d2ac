import type { FileHandle } from "node:fs/promises";

/** A file written piece by piece (several pieces in one system call), counting bytes. */
export class OutputFile {
  readonly #file: FileHandle;
  readonly #hasher: Bun.CryptoHasher | undefined;
  bytes = 0;

  /** With a hasher, every byte written also goes through it. */
  constructor(file: FileHandle, hasher?: Bun.CryptoHasher) {
    this.#file = file;
    this.#hasher = hasher;
  }

  async write(pieces: readonly Uint8Array[]): Promise<void> {
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    if (total === 0) return;
    if (this.#hasher) for (const piece of pieces) this.#hasher.update(piece);
    let written = (await this.#file.writev(pieces as Uint8Array[])).bytesWritten;
    if (written < total) {
      const rest = Buffer.concat(pieces as Uint8Array[]).subarray(written);
      for (let offset = 0; offset < rest.length; ) offset += (await this.#file.write(rest, offset)).bytesWritten;
      written = total;
    }
    this.bytes += written;
  }
}
