import { copyFile, link, mkdir, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Digest } from "../oci/digest.ts";
import type { DistributionFile } from "./distribution-files.ts";

/**
 * Write distribution's storage files into `dir`: blobs hard-linked from the cache (copied across
 * file systems), link files as text. What is already there with the right size is left alone.
 */
export async function writeDistributionLayout(
  files: readonly DistributionFile[],
  dir: string,
  blobSource: (digest: Digest) => string,
): Promise<void> {
  const created = new Set<string>();
  const ensureDirectory = async (path: string) => {
    if (created.has(path)) return;
    await mkdir(path, { recursive: true });
    created.add(path);
  };
  for (const file of files) {
    const target = join(dir, file.path);
    await ensureDirectory(dirname(target));
    if (file.kind === "link") {
      await writeFile(target, file.digest);
      continue;
    }
    const source = blobSource(file.digest);
    // A hard link appears whole or not at all; only an existing file needs a size check.
    const linked = await link(source, target).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST" || error.code === "EXDEV" || error.code === "EPERM") return false;
        throw error;
      },
    );
    if (linked) continue;
    const expected = (await stat(source)).size;
    if ((await stat(target).catch(() => undefined))?.size === expected) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    await copyFile(source, temporary);
    await rename(temporary, target);
  }
}
