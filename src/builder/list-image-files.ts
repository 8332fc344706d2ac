import type { ImageContent } from "../store/image-content.ts";
import type { PlatformImage } from "../store/read-image.ts";
import { openDecompressed } from "../util/open-decompressed.ts";
import { readTarStream } from "../util/read-tar-stream.ts";
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from "./layer-entry.ts";

export interface ImageFile {
  readonly type: "file" | "directory" | "symlink" | "other";
  readonly mode: number;
  readonly size: number;
  /** sha256 of a file's content, or the link target of a symlink. */
  readonly content: string;
  /** The text of the files KEEP_TEXT asks for (by default the registry's link files, for the container images a diff compares). */
  readonly text?: string;
}

const REGISTRY_LINK = /^registry\/docker\/registry\/v2\/repositories\/.+\/_manifests\/tags\/[^/]+\/current\/link$/;

/** Files whose text listImageFiles keeps: the registry's tag links. */
export const isRegistryLink = (path: string): boolean => REGISTRY_LINK.test(path);

/** What one entry of a layer does to the rootfs: removes a path (a whiteout) or sets one. */
export type LayerChange = { readonly removed: string } | { readonly path: string; readonly file: ImageFile };

/**
 * The change a tar entry makes, undefined for the root itself. `content` is a file's sha256 or a
 * symlink's target. One classification for layers read back and layers just written.
 */
export function layerChange(entryPath: string, type: string, mode: number, size: number, content: string, text?: string): LayerChange | undefined {
  const path = entryPath.replace(/^\.?\//, "").replace(/\/$/, "");
  if (!path) return undefined;
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const parent = slash < 0 ? "" : path.slice(0, slash + 1);
  if (name.startsWith(WHITEOUT_PREFIX)) return { removed: name === OPAQUE_WHITEOUT ? parent : `${parent}${name.slice(WHITEOUT_PREFIX.length)}` };
  if (type === "directory") return { path, file: { type: "directory", mode, size: 0, content: "" } };
  if (type === "symlink") return { path, file: { type: "symlink", mode, size: 0, content } };
  if (type !== "file") return { path, file: { type: "other", mode, size: 0, content: "" } };
  return { path, file: { type: "file", mode, size, content, ...(text !== undefined ? { text } : {}) } };
}

/**
 * Layers read already, by digest, for one KEEP_TEXT: images that share layers (the platforms of
 * one image share its registry layers; two versions of an image most of theirs) read each once.
 */
export type LayerListingCache = Map<string, Promise<readonly LayerChange[]>>;

/** The rootfs an image's layers make (whiteouts applied): path → type, mode, size and content hash, and the text of the files KEEP_TEXT names. */
export async function listImageFiles(
  store: Pick<ImageContent, "blobPath">,
  image: Pick<PlatformImage, "manifest">,
  keepText: (path: string, size: number) => boolean = isRegistryLink,
  cache: LayerListingCache = new Map(),
): Promise<Map<string, ImageFile>> {
  const files = new Map<string, ImageFile>();
  for (const layer of image.manifest.layers) {
    let changes = cache.get(layer.digest);
    if (!changes) cache.set(layer.digest, (changes = readLayerChanges(store.blobPath(layer.digest), keepText)));
    for (const change of await changes) {
      if ("path" in change) {
        files.set(change.path, change.file);
        continue;
      }
      const removed = change.removed;
      for (const key of [...files.keys()]) if (key === removed || key.startsWith(removed.endsWith("/") ? removed : `${removed}/`)) files.delete(key);
    }
  }
  return files;
}

async function readLayerChanges(blobPath: string, keepText: (path: string, size: number) => boolean): Promise<LayerChange[]> {
  const changes: LayerChange[] = [];
  const layer = await openDecompressed(blobPath);
  try {
    for await (const entry of readTarStream(layer.chunks)) {
      const path = entry.path.replace(/^\.?\//, "").replace(/\/$/, "");
      let content = entry.linkName;
      let text: string | undefined;
      if (entry.type === "file") {
        const hasher = new Bun.CryptoHasher("sha256");
        const kept: Uint8Array[] | undefined = keepText(path, entry.size) ? [] : undefined;
        for await (const piece of entry.body) {
          hasher.update(piece);
          kept?.push(Buffer.from(piece)); // a copy, so that kept text does not pin whole 1 MiB chunks
        }
        content = hasher.digest("hex");
        if (kept) text = Buffer.concat(kept).toString("utf8");
      }
      const change = layerChange(path, entry.type, entry.mode, entry.size, content, text);
      if (change) changes.push(change);
    }
  } finally {
    layer.close();
  }
  return changes;
}
