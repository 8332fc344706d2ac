import { readFileSync } from "node:fs";
import { join } from "node:path";
import { goldenFiles } from "../support/golden-files.ts";

export const GOLDEN_DIR = join(import.meta.dir, "..", "golden", "kubeadm");
export const FIXTURES = join(import.meta.dir, "..", "fixtures", "kubeadm");

/** Compare with test/golden/kubeadm/NAME; `UPDATE_GOLDEN=1 bun test test/kubeadm` rewrites it. */
export const expectGolden = goldenFiles(GOLDEN_DIR);

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}
