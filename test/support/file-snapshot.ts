import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file below DIR with the sha256 of its content, sorted: what "unchanged" means. */
export function snapshotFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(`${relative(dir, path)} ${new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex")}`);
    }
  };
  walk(dir);
  return out.sort();
}
