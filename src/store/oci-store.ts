import { randomUUID } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Descriptor } from "../oci/descriptor.ts";
import { isDigest, parseDigest, sha256Digest, type Digest } from "../oci/digest.ts";
import type { ImageIndex } from "../oci/image-manifest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { DigestMismatchError } from "../oci/digest-mismatch-error.ts";
import { parseJsonBlob, readCheckedBlob } from "./image-content.ts";
import { withLock } from "./store-lock.ts";

/** The annotation an OCI layout uses to name the images in its index.json. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/** A piece of content that can be read more than once. */
export interface ContentBlob {
  readonly digest: Digest;
  readonly size: number;
  readonly mediaType: string;
  open(): ReadableStream<Uint8Array>;
}

export interface TaggedImage {
  readonly name: string;
  readonly descriptor: Descriptor;
}

/**
 * The local store: an OCI image layout (so skopeo and umoci read it) plus lade's own `cache/`,
 * `ingest/` (content being written) and lock files.
 *
 * Blobs become visible only by an atomic rename once their digest is verified, and names change
 * only under the index lock, so a crash never leaves a partial image behind a name.
 */
export class OciStore {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  static async open(root: string): Promise<OciStore> {
    const store = new OciStore(root);
    await mkdir(join(root, "blobs", "sha256"), { recursive: true });
    await mkdir(store.ingestDir, { recursive: true });
    await mkdir(store.cacheDir, { recursive: true });
    const layoutFile = Bun.file(join(root, "oci-layout"));
    if (!(await layoutFile.exists())) await writeFile(layoutFile.name!, '{"imageLayoutVersion":"1.0.0"}');
    if (!(await Bun.file(store.indexPath).exists())) await store.writeIndex([]);
    return store;
  }

  get ingestDir(): string {
    return join(this.root, "ingest");
  }

  get cacheDir(): string {
    return join(this.root, "cache");
  }

  /** Held shared while content is added, exclusive while garbage is collected. */
  get contentLockPath(): string {
    return join(this.root, "content.lock");
  }

  private get indexPath(): string {
    return join(this.root, "index.json");
  }

  private get indexLockPath(): string {
    return join(this.root, "index.lock");
  }

  blobPath(digest: Digest): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.root, "blobs", algorithm, hex);
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    return Bun.file(this.blobPath(digest)).exists();
  }

  async blobSize(digest: Digest): Promise<number | undefined> {
    const info = await stat(this.blobPath(digest)).catch(() => undefined);
    return info?.size;
  }

  blob(descriptor: Descriptor): ContentBlob {
    const path = this.blobPath(descriptor.digest);
    return {
      digest: descriptor.digest,
      size: descriptor.size,
      mediaType: descriptor.mediaType,
      open: () => Bun.file(path).stream(),
    };
  }

  /** Read a small blob (manifest, config) whole and check its digest. */
  async readBlob(digest: Digest): Promise<Uint8Array> {
    return readCheckedBlob(this.blobPath(digest), digest, `the store at "${this.root}"`);
  }

  async readJson<T>(digest: Digest): Promise<T> {
    return parseJsonBlob<T>(await this.readBlob(digest));
  }

  async writeBlob(content: Uint8Array, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(content);
    if (!(await this.hasBlob(digest))) {
      const temporary = this.newIngestPath();
      await Bun.write(temporary, content);
      await rename(temporary, this.blobPath(digest));
    }
    return { mediaType, digest, size: content.length };
  }

  /**
   * Stream content into the store. The digest is computed while writing; when `expected` is given
   * and differs, the content is discarded and a DigestMismatchError thrown.
   */
  async writeBlobStream(
    chunks: AsyncIterable<Uint8Array>,
    mediaType: string,
    expected?: Digest,
  ): Promise<Descriptor> {
    const temporary = this.newIngestPath();
    const hasher = new Bun.CryptoHasher("sha256");
    const sink = Bun.file(temporary).writer();
    let size = 0;
    try {
      for await (const chunk of chunks) {
        hasher.update(chunk);
        sink.write(chunk);
        size += chunk.length;
      }
      await sink.end();
      const digest: Digest = `sha256:${hasher.digest("hex")}`;
      if (expected && expected !== digest) throw new DigestMismatchError(expected, digest, temporary);
      await rename(temporary, this.blobPath(digest));
      return { mediaType, digest, size };
    } catch (error) {
      await Promise.resolve(sink.end()).catch(() => {});
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async listBlobs(): Promise<Digest[]> {
    const names = await readdir(join(this.root, "blobs", "sha256"));
    return names.map((hex) => `sha256:${hex}` as Digest).filter(isDigest);
  }

  async removeBlob(digest: Digest): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  /** Where blobs fetched from registries (container image content) are cached between builds. */
  cachedBlobPath(digest: Digest): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.cacheDir, "blobs", algorithm, hex);
  }

  /** A stable name for a partial download, so an interrupted fetch resumes. */
  partialBlobPath(digest: Digest): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.ingestDir, `download-${algorithm}-${hex}`);
  }

  newIngestPath(): string {
    return join(this.ingestDir, `${process.pid}-${randomUUID()}`);
  }

  async listImages(): Promise<TaggedImage[]> {
    const index = await this.readIndex();
    return index.manifests.flatMap((descriptor) => {
      const name = descriptor.annotations?.[REF_NAME_ANNOTATION];
      return name ? [{ name, descriptor }] : [];
    });
  }

  /** `name` must already be normalized (docker.io/library/x:tag). */
  async resolve(name: string): Promise<Descriptor | undefined> {
    return (await this.listImages()).find((image) => image.name === name)?.descriptor;
  }

  async tag(name: string, descriptor: Descriptor): Promise<void> {
    await this.updateIndex((manifests) => [
      ...manifests.filter((entry) => entry.annotations?.[REF_NAME_ANNOTATION] !== name),
      {
        mediaType: descriptor.mediaType,
        digest: descriptor.digest,
        size: descriptor.size,
        annotations: { [REF_NAME_ANNOTATION]: name },
      },
    ]);
  }

  /** Returns false when no image had that name. */
  async untag(name: string): Promise<boolean> {
    let found = false;
    await this.updateIndex((manifests) =>
      manifests.filter((entry) => {
        const matches = entry.annotations?.[REF_NAME_ANNOTATION] === name;
        found ||= matches;
        return !matches;
      }),
    );
    return found;
  }

  private async readIndex(): Promise<ImageIndex> {
    try {
      return (await Bun.file(this.indexPath).json()) as ImageIndex;
    } catch (error) {
      throw new Error(`Cannot read "${this.indexPath}": the store index is damaged`, { cause: error });
    }
  }

  private async updateIndex(change: (manifests: readonly Descriptor[]) => Descriptor[]): Promise<void> {
    await withLock(this.indexLockPath, "exclusive", async () => {
      const index = await this.readIndex();
      await this.writeIndex(change(index.manifests));
    });
  }

  private async writeIndex(manifests: readonly Descriptor[]): Promise<void> {
    const sorted = [...manifests].sort((a, b) =>
      (a.annotations?.[REF_NAME_ANNOTATION] ?? "").localeCompare(b.annotations?.[REF_NAME_ANNOTATION] ?? ""),
    );
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: sorted };
    const temporary = `${this.indexPath}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(index, null, 2)}\n`);
    await rename(temporary, this.indexPath);
  }
}
