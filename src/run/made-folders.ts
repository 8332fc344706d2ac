import { rmdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** The topmost folder of DIR that does not exist yet (DIR itself when only it is missing); undefined when DIR exists. */
export async function firstMissingFolder(dir: string): Promise<string | undefined> {
  let missing: string | undefined;
  for (let current = resolve(dir); !(await exists(current)); current = dirname(current)) {
    missing = current;
    if (dirname(current) === current) break;
  }
  return missing;
}

/**
 * After DIR is removed: remove its parents up to TOP (the folder lade made first), each only when
 * empty, so the machine keeps every folder it had and none lade made.
 */
export async function removeMadeParents(dir: string, top: string): Promise<void> {
  const limit = resolve(top);
  for (let current = dirname(resolve(dir)); current.startsWith(`${limit}/`) || current === limit; current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    if (current === limit) return;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
