/**
 * OCI image layouts written by the benchmarks, and the synthetic layers in them: incompressible
 * (pseudo-random bytes in stored gzip) and compressible (log-like text in a plain tar). The same
 * seed always gives the same bytes, so every run of a benchmark moves the same blobs.
 */
import { createCipheriv } from "node:crypto";
import { closeSync, mkdirSync, openSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerTar: "application/vnd.oci.image.layer.v1.tar",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
};

export interface BlobRef {
  readonly digest: string;
  readonly size: number;
}

/** A layer blob and the digest of its uncompressed tar (what a config's rootfs.diff_ids lists). */
export interface LayerRef extends BlobRef {
  readonly diffId: string;
}

type Write = (bytes: Uint8Array) => void;

/** An OCI image manifest of `config` and `layers`, as the JSON value to write or push. */
export function imageManifest(config: BlobRef, layers: readonly (BlobRef & { readonly mediaType: string })[]): object {
  return {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: config.digest, size: config.size },
    layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
  };
}

/** An OCI image layout being written: blobs/sha256/<hex>, oci-layout and index.json. */
export class OciLayoutWriter {
  readonly dir: string;
  readonly #refs: object[] = [];
  #temporary = 0;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  }

  putJson(value: unknown): BlobRef {
    const bytes = Buffer.from(JSON.stringify(value));
    const hex = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    writeFileSync(this.#blobPath(hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  }

  /**
   * A gzip'ed tar layer holding one file of `size` pseudo-random bytes (incompressible, the same
   * bytes for the same `seed`). The gzip uses stored deflate blocks, like `pigz -0`: valid gzip at
   * memory speed.
   */
  putRandomLayer(seed: string, size: number): LayerRef {
    const tarHash = new Bun.CryptoHasher("sha256");
    const blob = this.#putStreamedBlob((write) => {
      const gzip = new StoredGzip(write);
      writeOneFileTar(`bench/${fileNameOf(seed)}.bin`, size, pseudoRandomBytes(seed, size), (bytes) => {
        tarHash.update(bytes);
        gzip.write(bytes);
      }, "root");
      gzip.end();
    });
    return { ...blob, diffId: `sha256:${tarHash.digest("hex")}` };
  }

  /**
   * An uncompressed tar layer of `size` bytes holding one file of log-like text (compresses about
   * 5–10× with zstd); its diff ID is its own digest.
   */
  putTextLayer(seed: string, size: number): LayerRef {
    // What the tar's header, padding and end-of-archive take, so the layer stays near `size`.
    const content = Math.max(0, size - 2048);
    const blob = this.#putStreamedBlob((write) => writeOneFileTar(`logs/${fileNameOf(seed)}.log`, content, logText(seed, content), write));
    return { ...blob, diffId: blob.digest };
  }

  /** Name a manifest or index in index.json, for `oci:DIR:name`. */
  addRef(name: string, mediaType: string, blob: BlobRef): void {
    this.#refs.push({ mediaType, digest: blob.digest, size: blob.size, annotations: { "org.opencontainers.image.ref.name": name } });
  }

  finish(): void {
    writeLayoutIndex(this.dir, this.#refs);
  }

  /** Stream a blob into a temporary file, hashing it on the way, then give it its digest's name. */
  #putStreamedBlob(produce: (write: Write) => void): BlobRef {
    const temporary = join(this.dir, `blob.${this.#temporary++}.tmp`);
    const fd = openSync(temporary, "w");
    const hash = new Bun.CryptoHasher("sha256");
    try {
      produce((bytes) => {
        hash.update(bytes);
        writeSync(fd, bytes);
      });
    } finally {
      closeSync(fd);
    }
    const hex = hash.digest("hex");
    renameSync(temporary, this.#blobPath(hex));
    return { digest: `sha256:${hex}`, size: statSync(this.#blobPath(hex)).size };
  }

  #blobPath(hex: string): string {
    return join(this.dir, "blobs", "sha256", hex);
  }
}

/** A layout's oci-layout and index.json (its blobs are already in place). */
export function writeLayoutIndex(dir: string, manifests: readonly object[]): void {
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }));
}

function fileNameOf(seed: string): string {
  return seed.replace(/[^A-Za-z0-9._-]/g, "_");
}

// ---------------------------------------------------------------- contents

const CHUNK = 65535 * 16; // a whole number of stored deflate blocks

/** `size` bytes of AES-256-CTR keystream keyed by `seed`: incompressible, about 4 GB/s. */
function* pseudoRandomBytes(seed: string, size: number): Generator<Uint8Array> {
  const key = new Bun.CryptoHasher("sha256").update(seed).digest();
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
}

const LOG_LEVELS = ["INFO", "WARN", "DEBUG", "ERROR"];
const LOG_COMPONENTS = ["kubelet", "etcd", "apiserver", "scheduler", "controller-manager", "coredns", "calico-node"];

/** `size` bytes of cluster-log lines, varied by a xorshift generator seeded from `seed`. */
function* logText(seed: string, size: number): Generator<Uint8Array> {
  let written = 0;
  let line = 0;
  let state = new Bun.CryptoHasher("sha256").update(seed).digest().readUInt32LE(0) | 1;
  while (written < size) {
    const lines: string[] = [];
    for (let index = 0; index < 2048; index++, line++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      lines.push(logLine(line, state >>> 0));
    }
    let chunk = Buffer.from(lines.join(""));
    if (written + chunk.length > size) chunk = chunk.subarray(0, size - written);
    yield chunk;
    written += chunk.length;
  }
}

function logLine(line: number, random: number): string {
  const time = `${String(line % 24).padStart(2, "0")}:${String(line % 60).padStart(2, "0")}:${String(random % 60).padStart(2, "0")}.${String(random % 1000).padStart(3, "0")}`;
  return (
    `2024-06-${String(1 + (line % 28)).padStart(2, "0")}T${time}Z ` +
    `${LOG_LEVELS[random % 4]} ${LOG_COMPONENTS[random % 7]} request=${random.toString(16)} latency=${random % 997}ms node=node-${random % 16} msg="reconciled object ${line}"\n`
  );
}

// ---------------------------------------------------------------- tar and gzip

/** A tar of one regular file: its header, `content` (exactly `size` bytes), padding and end-of-archive. */
function writeOneFileTar(name: string, size: number, content: Iterable<Uint8Array>, write: Write, owner?: string): void {
  write(tarHeader(name, size, owner));
  for (const chunk of content) write(chunk);
  write(new Uint8Array(((512 - (size % 512)) % 512) + 1024));
}

/** A ustar header for a regular file, mode 644, uid and gid 0, mtime 0; `owner` names the user and group. */
function tarHeader(name: string, size: number, owner?: string): Uint8Array {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "ascii");
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, "0")}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(size, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, "        ");
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  if (owner) {
    field(265, 32, owner);
    field(297, 32, owner);
  }
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** gzip with stored (uncompressed) deflate blocks: header, ≤65535-byte blocks, CRC32 and size. */
class StoredGzip {
  readonly #out: Write;
  #crc = 0;
  #size = 0;

  constructor(out: Write) {
    this.#out = out;
    out(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]));
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#crc = crc32(bytes, this.#crc);
    this.#size = (this.#size + bytes.length) >>> 0;
    const blocks = Math.ceil(bytes.length / 65535);
    const out = Buffer.allocUnsafe(bytes.length + 5 * blocks);
    let at = 0;
    for (let start = 0; start < bytes.length; start += 65535) {
      const part = bytes.subarray(start, Math.min(start + 65535, bytes.length));
      out[at] = 0; // BFINAL=0, BTYPE=00 (stored)
      out.writeUInt16LE(part.length, at + 1);
      out.writeUInt16LE(~part.length & 0xffff, at + 3);
      out.set(part, at + 5);
      at += 5 + part.length;
    }
    this.#out(out);
  }

  end(): void {
    const tail = Buffer.alloc(13);
    tail[0] = 1; // an empty final stored block
    tail.writeUInt16LE(0, 1);
    tail.writeUInt16LE(0xffff, 3);
    tail.writeUInt32LE(this.#crc >>> 0, 5);
    tail.writeUInt32LE(this.#size, 9);
    this.#out(tail);
  }
}
