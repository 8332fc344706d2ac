import { workerCount } from "../util/worker-pool.ts";
import { PlainBlocks, type BlockSink, type PieceOutput } from "./block-sink.ts";
import { ParallelGzip } from "./parallel-gzip.ts";
import { ZstdFrames } from "./zstd-frames.ts";

export type CompressionFormat = "gzip" | "zstd" | "none";

export interface Compression {
  readonly format: CompressionFormat;
  /** gzip 1–9, zstd 1–19; unused for none. */
  readonly level: number;
}

export const COMPRESSION_FORMATS: readonly CompressionFormat[] = ["gzip", "zstd", "none"];
export const DEFAULT_LEVELS: Readonly<Record<CompressionFormat, number>> = { gzip: 6, zstd: 3, none: 0 };
const LEVEL_RANGES: Readonly<Record<CompressionFormat, readonly [number, number]>> = { gzip: [1, 9], zstd: [1, 19], none: [0, 0] };

/**
 * Bytes per block. Part of the format: the blocks are compressed independently (a gzip member or a
 * zstd frame each), so another size gives other bytes. gzip blocks are small enough to spread a
 * layer of a few MiB over the cores, and lose 0.2% to independence; zstd frames are larger because
 * zstd gains more from a long window.
 */
export const BLOCK_BYTES: Readonly<Record<CompressionFormat, number>> = { gzip: 1024 * 1024, zstd: 4 * 1024 * 1024, none: 1024 * 1024 };

/** A format and level from the command line: the level defaults to the format's, and must be in its range. */
export function parseCompression(format: string, level: string | undefined): Compression {
  if (!COMPRESSION_FORMATS.includes(format as CompressionFormat)) {
    throw new RangeError(`Unknown compression "${format}": use ${COMPRESSION_FORMATS.join(", ")}`);
  }
  const chosen = format as CompressionFormat;
  if (level === undefined) return { format: chosen, level: DEFAULT_LEVELS[chosen] };
  if (chosen === "none") throw new RangeError("--compression-level has no meaning with --compression none");
  const [low, high] = LEVEL_RANGES[chosen];
  const value = Number(level);
  if (!Number.isInteger(value) || value < low || value > high) throw new RangeError(`A ${chosen} compression level is a whole number from ${low} to ${high}, not "${level}"`);
  return { format: chosen, level: value };
}

/**
 * What a layer made with these settings is, for a cache key: the format's version (bump it when
 * the bytes for the same input change), the level and the block size.
 */
export function compressionKey(compression: Compression): string {
  return compression.format === "none" ? "none" : `${compression.format === "gzip" ? "gzip-members-v2" : "zstd-frames-v1"}:level=${compression.level}:block=${BLOCK_BYTES[compression.format]}`;
}

/** Blocks compressed at once: one per worker thread, plus one so the workers never wait for the writer. */
export function defaultInFlight(): number {
  return workerCount() + 1;
}

/** The sink that writes blocks in this compression to `out`. */
export function compressingSink(compression: Compression, out: PieceOutput, inFlight = defaultInFlight()): BlockSink {
  if (compression.format === "gzip") return new ParallelGzip(out, { level: compression.level, inFlight });
  if (compression.format === "zstd") return new ZstdFrames(out, { level: compression.level, inFlight });
  return new PlainBlocks(out);
}
