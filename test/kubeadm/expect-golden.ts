import { expect } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const GOLDEN_DIR = join(import.meta.dir, "..", "golden", "kubeadm");
export const FIXTURES = join(import.meta.dir, "..", "fixtures", "kubeadm");

/** Compare with test/golden/kubeadm/NAME; `UPDATE_GOLDEN=1 bun test test/kubeadm` rewrites it. */
export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (process.env.UPDATE_GOLDEN !== "1") throw new Error(`Golden file ${name} was missing: written, check it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}
