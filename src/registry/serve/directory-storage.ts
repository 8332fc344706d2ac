import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryStorage } from "./registry-storage.ts";

const SMALL_FILE_LIMIT = 16 * 1024 * 1024;

/** Storage read straight from a folder (what `lade mirror` or docker-registry wrote). */
export function directoryStorage(root: string): RegistryStorage {
  const base = join(root, "docker", "registry", "v2");
  const full = (path: string) => join(base, path);
  return {
    async readSmall(path) {
      const file = Bun.file(full(path));
      const size = (await stat(full(path)).catch(() => undefined))?.size;
      if (size === undefined || size > SMALL_FILE_LIMIT) return undefined;
      return file.bytes();
    },
    async size(path) {
      const info = await stat(full(path)).catch(() => undefined);
      return info?.isFile() ? info.size : undefined;
    },
    body(path, start, end) {
      return Bun.file(full(path)).slice(start, end);
    },
    async list(path) {
      return readdir(full(path)).catch(() => undefined);
    },
  };
}
