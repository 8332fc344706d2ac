import { open, rename, rm, type FileHandle } from "node:fs/promises";
import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import { OutputFile } from "../util/output-file.ts";
import type { OciStore } from "./oci-store.ts";

/**
 * A blob written piece by piece into the store's ingest folder, hashed as it is written. It
 * appears under its digest only on `commit`; `abort` leaves nothing behind.
 */
export class BlobWriter {
  readonly #store: OciStore;
  readonly #mediaType: string;
  readonly #temporary: string;
  readonly #file: FileHandle;
  readonly #hasher = new Bun.CryptoHasher("sha256");
  readonly #out: OutputFile;

  private constructor(store: OciStore, mediaType: string, temporary: string, file: FileHandle) {
    this.#store = store;
    this.#mediaType = mediaType;
    this.#temporary = temporary;
    this.#file = file;
    this.#out = new OutputFile(file, this.#hasher);
  }

  static async open(store: OciStore, mediaType: string): Promise<BlobWriter> {
    const temporary = store.newIngestPath();
    return new BlobWriter(store, mediaType, temporary, await open(temporary, "w"));
  }

  write(pieces: readonly Uint8Array[]): Promise<void> {
    return this.#out.write(pieces);
  }

  async commit(): Promise<Descriptor> {
    await this.#file.close();
    const digest: Digest = `sha256:${this.#hasher.digest("hex")}`;
    await rename(this.#temporary, this.#store.blobPath(digest));
    return { mediaType: this.#mediaType, digest, size: this.#out.bytes };
  }

  async abort(): Promise<void> {
    await this.#file.close().catch(() => {});
    await rm(this.#temporary, { force: true });
  }
}
