import { constants, zstdCompressSync } from "node:zlib";

const PROBE_BYTES = 8 * 1024;

/**
 * Whether a block is worth compressing: samples of its start, middle and end shrink by a tenth at
 * least with the fastest zstd level. Content that is compressed already (container layers, .tgz,
 * .zst, .xz downloads) fails this in microseconds, and is then stored, not compressed again.
 * It depends on the block's bytes alone, so the choice is the same on every machine.
 */
export function isCompressible(block: Uint8Array): boolean {
  let sampled = 0;
  let compressed = 0;
  for (const at of new Set([0, Math.floor(block.length / 2), Math.max(0, block.length - PROBE_BYTES)])) {
    const sample = block.subarray(at, at + PROBE_BYTES);
    sampled += sample.length;
    compressed += zstdCompressSync(sample, { params: { [constants.ZSTD_c_compressionLevel]: 1 } }).length;
  }
  return compressed < sampled * 0.9;
}
