import * as tar from "tar";
import { readLayerPaths } from "../store/build-cache.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";

const MAX_TEXT_FILE = 16 * 1024 * 1024;

/**
 * The text of a file as the image's rootfs has it so far (the topmost layer that holds it), or
 * undefined when it is not there. For small files such as imageList.
 */
export async function readRootfsFile(store: OciStore, state: PlatformBuildState, path: string): Promise<string | undefined> {
  if (state.rootfs.get(path)?.type !== "file") return undefined;
  for (const layer of [...state.layers].reverse()) {
    const paths = layer.paths.length > 0 ? layer.paths : ((await readLayerPaths(store, layer.descriptor.digest)) ?? []);
    if (!paths.some(([candidate]) => candidate === path)) continue;
    const chunks: Buffer[] = [];
    let size = 0;
    await tar.t({
      file: store.blobPath(layer.descriptor.digest),
      maxDecompressionRatio: Number.POSITIVE_INFINITY,
      filter: (entryPath) => entryPath.replace(/^\.?\//, "") === path,
      onReadEntry: (entry) => {
        entry.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_TEXT_FILE) chunks.push(chunk);
        });
      },
    });
    if (size > MAX_TEXT_FILE) throw new Error(`Cannot read "${path}" from the image: it is larger than ${MAX_TEXT_FILE} bytes`);
    return Buffer.concat(chunks).toString("utf8");
  }
  return undefined;
}
