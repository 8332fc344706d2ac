import { describe, expect, test } from "bun:test";
import { createCipheriv } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

describe("lade load of an archive with large blobs", () => {
  test("a flipped byte in a large blob is refused naming the blob, the store stays empty; the intact archive loads", async () => {
    const random = createCipheriv("aes-256-ctr", Buffer.alloc(32, 3), Buffer.alloc(16)).update(Buffer.alloc(6 * 1024 * 1024));
    const context = writeTree(join(tempDir(), "context"), { Kubefile: "FROM scratch\nCOPY data /data/\n" });
    writeFileSync(join(context, "data"), random);
    const source = tempDir();
    const built = await runLade(["--root", source, "build", "-q", "-t", "big:1", "--platform", "linux/amd64", "--compression", "none", context]);
    expect(built.exitCode, built.stderr).toBe(0);
    const archive = join(tempDir(), "big.tar");
    const saved = await runLade(["--root", source, "save", "big:1", "-o", archive, "--compress", "none"]);
    expect(saved.exitCode, saved.stderr).toBe(0);

    const bytes = readFileSync(archive);
    const at = bytes.indexOf(random.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    const broken = Buffer.from(bytes);
    broken[at + 3 * 1024 * 1024]! ^= 0xff;
    const brokenArchive = join(tempDir(), "broken.tar");
    writeFileSync(brokenArchive, broken);
    const target = tempDir();
    const refused = await runLade(["--root", target, "load", "-i", brokenArchive]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/blob sha256:[a-f0-9]{64} does not match its digest \(its content hashes to sha256:[a-f0-9]{64}\)/);
    expect(readdirSync(join(target, "blobs", "sha256"))).toEqual([]);
    expect(JSON.parse((await runLade(["--root", target, "images", "--json"])).stdout)).toEqual([]);

    const loaded = await runLade(["--root", target, "load", "-i", archive]);
    expect(loaded.exitCode, loaded.stderr).toBe(0);
    expect((await runLade(["--root", target, "fsck"])).exitCode).toBe(0);
  });
});
