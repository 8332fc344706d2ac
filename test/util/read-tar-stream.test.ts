import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTarStream } from "../../src/util/read-tar-stream.ts";
import { tempDir } from "../support/temp-dir.ts";

const LONG_DIR = "d".repeat(120);
const LONG_TARGET = `../${"t".repeat(150)}`;

/** A tree with names and a link target longer than a ustar header holds, archived by GNU tar. */
function archive(format: "gnu" | "pax"): Uint8Array {
  const root = join(tempDir(), "tree");
  mkdirSync(join(root, LONG_DIR), { recursive: true });
  writeFileSync(join(root, LONG_DIR, "file.txt"), "hello\n");
  chmodSync(join(root, LONG_DIR, "file.txt"), 0o4755);
  symlinkSync(LONG_TARGET, join(root, "link"));
  const tar = Bun.spawnSync(["tar", `--format=${format}`, "--sort=name", "-C", root, "-cf", "-", "."]);
  expect(tar.exitCode).toBe(0);
  return tar.stdout;
}

async function entries(bytes: Uint8Array) {
  const found: { path: string; type: string; mode: number; size: number; linkName: string; text: string }[] = [];
  for await (const entry of readTarStream((async function* () { yield bytes; })())) {
    let text = "";
    for await (const piece of entry.body) text += new TextDecoder().decode(piece);
    found.push({ path: entry.path, type: entry.type, mode: entry.mode, size: entry.size, linkName: entry.linkName, text });
  }
  return found;
}

describe("readTarStream", () => {
  test.each(["gnu", "pax"] as const)("reads long names, long link targets and modes of GNU tar's %s format", async (format) => {
    const found = await entries(archive(format));
    expect(found.map(({ path, type }) => [path, type])).toEqual([
      ["./", "directory"],
      [`./${LONG_DIR}/`, "directory"],
      [`./${LONG_DIR}/file.txt`, "file"],
      ["./link", "symlink"],
    ]);
    const file = found.find((entry) => entry.path.endsWith("file.txt"))!;
    expect({ mode: file.mode, size: file.size, text: file.text }).toEqual({ mode: 0o4755, size: 6, text: "hello\n" });
    expect(found.find((entry) => entry.type === "symlink")!.linkName).toBe(LONG_TARGET);
  });
});
