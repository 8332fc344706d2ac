import { createReadStream } from "node:fs";
import { createGunzip, createZstdDecompress } from "node:zlib";

export type StreamCompression = "none" | "gzip" | "zstd";

/** Reads and decompressed pieces of this size: fewer, larger pieces cost far less than zlib's default 16 KiB. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/** Tell a stream's compression from its first bytes. */
export function detectCompression(head: Uint8Array): StreamCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

export interface DecompressedFile {
  readonly compression: StreamCompression;
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Stop reading (the file and the decompressor), also half-way. */
  close(): void;
}

/** A file's bytes, decompressed when it is gzip or zstd (told from its first bytes), in 1 MiB pieces. */
export async function openDecompressed(file: string, onRead?: (bytes: number) => void): Promise<DecompressedFile> {
  const compression = detectCompression(await Bun.file(file).slice(0, 4).bytes());
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  if (onRead) raw.on("data", (chunk) => onRead(chunk.length));
  const decompressor =
    compression === "gzip" ? createGunzip({ chunkSize: READ_CHUNK_BYTES }) : compression === "zstd" ? createZstdDecompress({ chunkSize: READ_CHUNK_BYTES }) : undefined;
  if (!decompressor) return { compression, chunks: raw, close: () => raw.destroy() };
  raw.on("error", (error) => decompressor.destroy(error));
  return {
    compression,
    chunks: raw.pipe(decompressor),
    close: () => {
      raw.destroy();
      decompressor.destroy();
    },
  };
}
