import { basename, dirname } from "node:path";
import * as tar from "tar";
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from "./layer-entry.ts";

/** One layer of an image: its blob, and the paths it holds when they are known (to skip it). */
export interface LayerSource {
  readonly blobPath: string;
  readonly paths?: readonly string[];
}

/**
 * The text of some small files of an image's rootfs, as its layers leave them (later layers and
 * their whiteouts win), read straight from the layer blobs: nothing is unpacked and only the wanted
 * files are held. Files that end up absent (or are not regular files) are left out.
 */
export async function readLayerFiles(layers: readonly LayerSource[], wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  if (wanted.size === 0) return new Map();
  return readMatchingFiles(layers, (path) => wanted.has(path), (path) => touches(path, wanted));
}

/** The text of every file below FOLDER of an image's rootfs, as its layers leave them (see readLayerFiles). */
export async function readLayerFolder(layers: readonly LayerSource[], folder: string): Promise<Map<string, string>> {
  return readMatchingFiles(
    layers,
    (path) => path.startsWith(`${folder}/`),
    (path) => path === folder || path.startsWith(`${folder}/`),
  );
}

/** WANTED: a file to read; TOUCHES: a wanted file, or a folder on the way to one or below which one may be. */
async function readMatchingFiles(layers: readonly LayerSource[], isWanted: (path: string) => boolean, isTouching: (path: string) => boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const layer of layers) {
    if (layer.paths && !layer.paths.some((path) => isTouching(clean(path)))) continue;
    // a layer's whiteouts remove what the layers below have, not what the layer itself adds
    const removed: string[] = [];
    const added = new Map<string, string | undefined>();
    await tar.t({
      file: layer.blobPath,
      maxDecompressionRatio: Number.POSITIVE_INFINITY,
      onReadEntry: (entry) => {
        const path = clean(entry.path);
        const name = basename(path);
        const parent = path.includes("/") ? `${dirname(path)}/` : "";
        if (name.startsWith(WHITEOUT_PREFIX)) {
          removed.push(name === OPAQUE_WHITEOUT ? parent : `${parent}${name.slice(WHITEOUT_PREFIX.length)}`);
          return;
        }
        // a folder, link or device replaces a wanted file beneath or at its path
        if (entry.type === "Directory") {
          if (isWanted(path)) added.set(path, undefined); // a folder where a file was
          return;
        }
        if (!isWanted(path)) {
          if (isTouching(path)) removed.push(`${path}/`);
          return;
        }
        if (entry.type !== "File" && entry.type !== "OldFile") return void added.set(path, undefined);
        const chunks: Buffer[] = [];
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        entry.on("end", () => added.set(path, Buffer.concat(chunks).toString("utf8")));
      },
    });
    for (const prefix of removed) {
      for (const file of [...files.keys()]) if (file === prefix || file.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`)) files.delete(file);
    }
    for (const [path, text] of added) {
      if (text === undefined) files.delete(path);
      else files.set(path, text);
    }
  }
  return files;
}

function clean(path: string): string {
  return path.replace(/^\.?\//, "").replace(/\/$/, "");
}

/** Whether PATH is a wanted file or one of the folders on the way to one. */
function touches(path: string, wanted: ReadonlySet<string>): boolean {
  if (wanted.has(path)) return true;
  for (const file of wanted) if (file.startsWith(`${path}/`)) return true;
  return false;
}
