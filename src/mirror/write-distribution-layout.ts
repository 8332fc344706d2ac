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
  for (const file of files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    if (file.kind === "link") {
      await writeFile(target, file.digest);
      continue;
    }
    const source = blobSource(file.digest);
    const expected = (await stat(source)).size;
    if ((await stat(target).catch(() => undefined))?.size === expected) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    await link(source, temporary).catch(() => copyFile(source, temporary));
    await rename(temporary, target);
  }
}
