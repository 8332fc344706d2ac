import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A file tree described in code, so modes do not depend on the checkout's umask. */
export type TreeSpec = Record<string, string | { content: string; mode: number } | { symlink: string } | { dir: number }>;

export function writeTree(root: string, spec: TreeSpec): string {
  mkdirSync(root, { recursive: true });
  for (const [path, value] of Object.entries(spec)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof value === "string") {
      writeFileSync(target, value);
      chmodSync(target, 0o644);
    } else if ("symlink" in value) {
      symlinkSync(value.symlink, target);
    } else if ("dir" in value) {
      mkdirSync(target, { recursive: true });
      chmodSync(target, value.dir);
    } else {
      writeFileSync(target, value.content);
      chmodSync(target, value.mode);
    }
  }
  return root;
}

/** Directories created implicitly get 0755 whatever the umask. */
export function normalizeDirModes(root: string, paths: readonly string[]): void {
  for (const path of paths) chmodSync(join(root, path), 0o755);
}
