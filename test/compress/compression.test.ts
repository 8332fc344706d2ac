import { describe, expect, test } from "bun:test";
import { createCipheriv, createHash } from "node:crypto";
import { gunzipSync, gzipSync, zstdDecompressSync } from "node:zlib";
import { BlockAssembler } from "../../src/compress/block-assembler.ts";
import { BLOCK_BYTES, compressingSink, compressionKey, parseCompression, type Compression } from "../../src/compress/compression.ts";

/** Bytes that do not compress (AES-CTR keystream), reproducible. */
function randomBytes(size: number, seed = 1): Buffer {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, seed), Buffer.alloc(16));
  return cipher.update(Buffer.alloc(size));
}

function logText(size: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, length = 0; length < size; i++) {
    const line = `2026-12-07T11:${String(i % 60).padStart(2, "0")}:00Z INFO request id=${i} path=/api/v1/items/${(i * 7) % 1000} status=200 bytes=${(i * 13) % 5000}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join("")).subarray(0, size);
}

/** A stream that mixes what layers hold: compressed downloads, text, zeros, across block boundaries. */
const MIXED = Buffer.concat([logText(1_500_000), randomBytes(2_300_000), Buffer.alloc(700_000), logText(900_001), randomBytes(77)]);

async function compress(input: Uint8Array, compression: Compression, inFlight: number): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  const sink = compressingSink(compression, { write: async (written) => void pieces.push(...written.map((piece) => Buffer.from(piece))) }, inFlight);
  const assembler = new BlockAssembler(sink, { blockBytes: BLOCK_BYTES[compression.format] });
  // uneven writes: the block layout must not depend on how the stream is handed over
  for (let offset = 0, step = 1; offset < input.length; offset += step, step = (step * 7 + 13) % 300_000) await assembler.bytes(input.subarray(offset, offset + step));
  await assembler.end();
  return Buffer.concat(pieces);
}

async function gzipCli(compressed: Uint8Array): Promise<Buffer> {
  const child = Bun.spawn(["gzip", "-dc"], { stdin: compressed, stdout: "pipe", stderr: "pipe" });
  const output = Buffer.from(await new Response(child.stdout).arrayBuffer());
  expect(await child.exited).toBe(0);
  return output;
}

async function zstdCli(compressed: Uint8Array): Promise<Buffer> {
  const child = Bun.spawn(["zstd", "-dc"], { stdin: compressed, stdout: "pipe", stderr: "pipe" });
  const output = Buffer.from(await new Response(child.stdout).arrayBuffer());
  expect(await child.exited).toBe(0);
  return output;
}

describe("gzip in parallel blocks", () => {
  const gzip: Compression = { format: "gzip", level: 6 };

  test("gives gzip members that gzip(1), Python and zlib read back exactly", async () => {
    const compressed = await compress(MIXED, gzip, 3);
    expect([...compressed.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8]);
    expect((await gzipCli(compressed)).equals(MIXED)).toBe(true);
    expect(gunzipSync(compressed).equals(MIXED)).toBe(true);
    const python = Bun.spawnSync(["python3", "-c", "import gzip,hashlib,sys; print(hashlib.sha256(gzip.decompress(sys.stdin.buffer.read())).hexdigest())"], { stdin: compressed });
    expect(python.stdout.toString().trim()).toBe(createHash("sha256").update(MIXED).digest("hex"));
  });

  test("gives the same bytes whether blocks are compressed on the workers or on the calling thread", async () => {
    const onWorkers = await compress(MIXED, gzip, 3);
    // blocks outside shared memory cannot go to a worker, so the sink compresses them itself
    const pieces: Uint8Array[] = [];
    const sink = compressingSink(gzip, { write: async (written) => void pieces.push(...written.map((piece) => Buffer.from(piece))) }, 3);
    for (let offset = 0; offset < MIXED.length; offset += BLOCK_BYTES.gzip) await sink.accept(Buffer.from(MIXED.subarray(offset, offset + BLOCK_BYTES.gzip)), () => {});
    await sink.end();
    expect(Buffer.concat(pieces).equals(onWorkers)).toBe(true);
  });

  test("gives the same bytes with one block at a time as with many", async () => {
    const one = await compress(MIXED, gzip, 1);
    const many = await compress(MIXED, gzip, 8);
    expect(many.equals(one)).toBe(true);
  });

  test("stores what does not compress, and compresses text as well as one gzip stream", async () => {
    const random = randomBytes(3 * 1024 * 1024);
    const stored = await compress(random, gzip, 2);
    // 5 bytes per 64 KiB stored block, plus header and trailer
    expect(stored.length).toBeLessThan(random.length * 1.0001 + 64);
    expect(gunzipSync(stored).equals(random)).toBe(true);
    const text = logText(4 * 1024 * 1024);
    const blocks = (await compress(text, gzip, 2)).length;
    expect(blocks).toBeLessThan(gzipSync(text, { level: 6 }).length * 1.01);
    expect(blocks).toBeLessThan(text.length / 5);
  });

  test("writes a valid empty stream for no input", async () => {
    const compressed = await compress(new Uint8Array(0), gzip, 2);
    expect(gunzipSync(compressed).length).toBe(0);
    expect((await gzipCli(compressed)).length).toBe(0);
  });

  test("a higher level gives other bytes and a smaller stream on text", async () => {
    const text = logText(2 * 1024 * 1024);
    const fast = await compress(text, { format: "gzip", level: 1 }, 2);
    const best = await compress(text, { format: "gzip", level: 9 }, 2);
    expect(best.length).toBeLessThan(fast.length);
    expect(gunzipSync(best).equals(text)).toBe(true);
  });
});

describe("zstd frames", () => {
  const zstd: Compression = { format: "zstd", level: 3 };

  test("zstd(1) and zlib read the frames back exactly, with the same bytes at any parallelism", async () => {
    const one = await compress(MIXED, zstd, 1);
    const many = await compress(MIXED, zstd, 6);
    expect(many.equals(one)).toBe(true);
    expect((await zstdCli(one)).equals(MIXED)).toBe(true);
    expect(zstdDecompressSync(one).equals(MIXED)).toBe(true);
  });

  test("stores random content as raw blocks", async () => {
    const random = randomBytes(5 * 1024 * 1024);
    const compressed = await compress(random, zstd, 2);
    expect(compressed.length).toBeLessThan(random.length * 1.0001 + 64);
    expect((await zstdCli(compressed)).equals(random)).toBe(true);
  });
});

describe("none", () => {
  test("passes the bytes through", async () => {
    expect((await compress(MIXED, { format: "none", level: 0 }, 2)).equals(MIXED)).toBe(true);
  });
});

describe("parseCompression", () => {
  test("takes each format's default level, or a level in its range", () => {
    expect(parseCompression("gzip", undefined)).toEqual({ format: "gzip", level: 6 });
    expect(parseCompression("zstd", undefined)).toEqual({ format: "zstd", level: 3 });
    expect(parseCompression("zstd", "19")).toEqual({ format: "zstd", level: 19 });
    expect(parseCompression("none", undefined)).toEqual({ format: "none", level: 0 });
  });

  test("refuses levels outside the range, levels for none, and unknown formats", () => {
    expect(() => parseCompression("gzip", "10")).toThrow("A gzip compression level is a whole number from 1 to 9, not \"10\"");
    expect(() => parseCompression("zstd", "2.5")).toThrow("from 1 to 19");
    expect(() => parseCompression("none", "3")).toThrow("--compression-level has no meaning with --compression none");
    expect(() => parseCompression("xz", undefined)).toThrow('Unknown compression "xz": use gzip, zstd, none');
  });

  test("the cache key names format, level and block size", () => {
    expect(compressionKey({ format: "gzip", level: 6 })).toBe("gzip-members-v2:level=6:block=1048576");
    expect(compressionKey({ format: "gzip", level: 9 })).not.toBe(compressionKey({ format: "gzip", level: 6 }));
    expect(compressionKey({ format: "none", level: 0 })).toBe("none");
  });
});
