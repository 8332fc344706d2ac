import * as tar from "tar";
import { hostPlatform, parsePlatform, platformsEqual, formatPlatform } from "../../oci/platform.ts";
import { MediaTypes } from "../../oci/media-types.ts";
import { findImage } from "../../store/find-image.ts";
import type { OciStore } from "../../store/oci-store.ts";
import { readImage } from "../../store/read-image.ts";
import { parsePaxRecords, parseTarHeader } from "../../util/parse-tar-header.ts";
import type { RegistryStorage } from "./registry-storage.ts";

const PREFIX = "registry/docker/registry/v2/";
const MAX_IN_MEMORY = 64 * 1024 * 1024;

type Entry = { readonly kind: "slice"; readonly file: string; readonly offset: number; readonly size: number } | { readonly kind: "bytes"; readonly bytes: Uint8Array };

/**
 * The registry folder of a cluster image, served without unpacking it: files in plain-tar layers
 * (lade's one-blob layers) are served as byte ranges of the layer blob itself; the small files of
 * compressed layers (links, manifests) are read into memory once. Later layers win, whiteouts apply.
 */
export async function imageStorage(store: OciStore, name: string, platformText?: string): Promise<RegistryStorage> {
  const image = await findImage(store, name);
  const wanted = platformText ? parsePlatform(platformText) : hostPlatform();
  const stored = await readImage(store, image.descriptor);
  const platform = stored.platforms.find((candidate) => platformsEqual(candidate.platform, wanted)) ?? (stored.platforms.length === 1 ? stored.platforms[0] : undefined);
  if (!platform) {
    throw new Error(`Cannot serve ${image.name} for ${formatPlatform(wanted)}: it has only ${stored.platforms.map((p) => formatPlatform(p.platform)).join(", ")}`);
  }
  const files = new Map<string, Entry>();
  for (const layer of platform.manifest.layers) {
    const blobPath = store.blobPath(layer.digest);
    if (layer.mediaType === MediaTypes.ociLayer) await indexPlainTar(blobPath, files);
    else await indexCompressedTar(blobPath, files);
  }
  const directories = new Map<string, Set<string>>();
  for (const path of files.keys()) {
    const parts = path.split("/");
    for (let index = 0; index < parts.length; index++) {
      const parent = parts.slice(0, index).join("/");
      let names = directories.get(parent);
      if (!names) directories.set(parent, (names = new Set()));
      names.add(parts[index]!);
    }
  }
  return {
    async readSmall(path) {
      const entry = files.get(path);
      if (!entry) return undefined;
      if (entry.kind === "bytes") return entry.bytes;
      return Bun.file(entry.file).slice(entry.offset, entry.offset + entry.size).bytes();
    },
    async size(path) {
      const entry = files.get(path);
      return entry ? (entry.kind === "bytes" ? entry.bytes.length : entry.size) : undefined;
    },
    body(path, start, end) {
      const entry = files.get(path)!;
      if (entry.kind === "bytes") return new Blob([entry.bytes.subarray(start, end)]);
      return Bun.file(entry.file).slice(entry.offset + start, entry.offset + end);
    },
    async list(path) {
      const names = directories.get(path);
      return names ? [...names] : undefined;
    },
  };
}

/** Walk the headers of an uncompressed tar, noting where each registry file's bytes are. */
async function indexPlainTar(blobPath: string, files: Map<string, Entry>): Promise<void> {
  const file = Bun.file(blobPath);
  const total = file.size;
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + 512 <= total) {
    const header = parseTarHeader(await file.slice(offset, offset + 512).bytes());
    if (!header) break;
    const dataOffset = offset + 512;
    offset = dataOffset + Math.ceil(header.size / 512) * 512;
    if (header.typeFlag === "x") {
      paxPath = parsePaxRecords(await file.slice(dataOffset, dataOffset + header.size).bytes()).path;
      continue;
    }
    const path = (paxPath ?? header.name).replace(/^\.?\//, "");
    paxPath = undefined;
    applyEntry(files, path, header.typeFlag, () => ({ kind: "slice", file: blobPath, offset: dataOffset, size: header.size }));
  }
}

async function indexCompressedTar(blobPath: string, files: Map<string, Entry>): Promise<void> {
  let inMemory = 0;
  let tooLarge = false;
  await tar.t({
    file: blobPath,
    maxDecompressionRatio: Number.POSITIVE_INFINITY,
    onReadEntry: (entry) => {
      const path = entry.path.replace(/^\.?\//, "");
      if (!path.startsWith(PREFIX) && !path.includes("/.wh.") && !path.startsWith("registry/.wh.")) return;
      if (entry.type !== "File" || path.includes("/.wh.")) {
        applyEntry(files, path, entry.type === "File" ? "0" : entry.type === "Directory" ? "5" : "2", () => ({ kind: "bytes", bytes: new Uint8Array() }));
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => {
        const bytes = new Uint8Array(Buffer.concat(chunks));
        inMemory += bytes.length;
        tooLarge ||= inMemory > MAX_IN_MEMORY;
        if (!tooLarge) applyEntry(files, path, "0", () => ({ kind: "bytes", bytes }));
      });
    },
  });
  if (tooLarge) {
    throw new Error(`Cannot serve from "${blobPath}": its registry files are too large to hold in memory; unpack the image and use --dir`);
  }
}

function applyEntry(files: Map<string, Entry>, path: string, typeFlag: string, entry: () => Entry): void {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const parent = path.slice(0, path.lastIndexOf("/") + 1);
  if (name.startsWith(".wh.")) {
    const removed = `${parent}${name === ".wh..wh..opq" ? "" : name.slice(4)}`;
    for (const key of [...files.keys()]) {
      if (`${PREFIX}${key}` === removed || `${PREFIX}${key}`.startsWith(removed.endsWith("/") ? removed : `${removed}/`)) files.delete(key);
    }
    return;
  }
  if (!path.startsWith(PREFIX) || (typeFlag !== "0" && typeFlag !== "\0")) return;
  files.set(path.slice(PREFIX.length), entry());
}
