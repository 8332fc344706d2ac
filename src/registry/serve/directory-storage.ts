import { realpathSync } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryStorage } from "./registry-storage.ts";

const SMALL_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * Storage read straight from a folder (what `lade mirror` or docker-registry wrote).
 *
 * Symbolic links under `docker/registry/v2` are never followed: a path that goes through one is
 * absent, and listings leave them out, so a link planted in the folder cannot make the server read
 * anything outside it (as with `--image`, whose layers' links are ignored too). The folder itself
 * and the path leading to `docker/registry/v2` may be links; they are resolved once, here.
 */
export function directoryStorage(root: string): RegistryStorage {
  const base = realpathSync(join(root, "docker", "registry", "v2"));
  const full = (path: string) => join(base, path);
  /** The path when nothing along it below `base` is a symbolic link, else undefined. */
  const resolved = async (path: string) => {
    const wanted = full(path);
    const real = await realpath(wanted).catch(() => undefined);
    return real === wanted ? real : undefined;
  };
  return {
    async readSmall(path) {
      const real = await resolved(path);
      const info = real ? await stat(real).catch(() => undefined) : undefined;
      if (!real || !info?.isFile() || info.size > SMALL_FILE_LIMIT) return undefined;
      return Bun.file(real).bytes();
    },
    async size(path) {
      const real = await resolved(path);
      const info = real ? await stat(real).catch(() => undefined) : undefined;
      return info?.isFile() ? info.size : undefined;
    },
    body(path, start, end) {
      // size() said the file is there; check again so a link swapped in since is not followed.
      const wanted = full(path);
      if (realpathSync(wanted) !== wanted) throw new Error(`"${path}" is a symbolic link: not served`);
      return Bun.file(wanted).slice(start, end);
    },
    async list(path) {
      const real = await resolved(path);
      if (!real) return undefined;
      const entries = await readdir(real, { withFileTypes: true }).catch(() => undefined);
      return entries?.filter((entry) => !entry.isSymbolicLink()).map((entry) => entry.name);
    },
  };
}
