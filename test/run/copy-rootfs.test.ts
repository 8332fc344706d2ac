import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyRootfsScripts } from "../../src/run/plan-hosts.ts";
import { tempDir } from "../support/temp-dir.ts";

/** The scripts as a host runs them (bash, with LADE_NODE_ROOT as the host's root), stdin given. */
async function onHost(root: string, script: string, stdin: Uint8Array = new Uint8Array()) {
  const child = Bun.spawn(["bash", "-c", script], { env: { PATH: process.env.PATH, LADE_NODE_ROOT: root }, stdin, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, exitCode };
}

test("an interrupted rootfs copy is continued where it stopped; a copy that does not check out is thrown away", async () => {
  const source = tempDir();
  mkdirSync(join(source, "tree", "scripts"), { recursive: true });
  writeFileSync(join(source, "tree", "scripts", "init.sh"), "echo init\n".repeat(5000));
  expect(Bun.spawnSync(["tar", "-C", join(source, "tree"), "-cf", join(source, "rootfs.tar"), "."]).exitCode).toBe(0);
  const tar = new Uint8Array(readFileSync(join(source, "rootfs.tar")));
  const sha = new Bun.CryptoHasher("sha256").update(tar).digest("hex");
  const host = tempDir();
  const scripts = copyRootfsScripts("/var/lib/lade/node", sha, tar.length);
  const D = join(host, "var", "lib", "lade", "node");
  expect((await onHost(host, scripts.check)).stdout).toBe("\n0\n");

  // the connection drops half-way: what came stays
  const half = Math.floor(tar.length / 2);
  const cut = await onHost(host, scripts.receive(0), tar.slice(0, half));
  expect(cut.exitCode).toBe(1);
  expect(cut.stderr).toContain(`the copy stopped after ${half} of ${tar.length} bytes: run again to continue`);
  expect((await onHost(host, scripts.check)).stdout).toBe(`\n${half}\n`);

  const rest = await onHost(host, scripts.receive(half), tar.slice(half));
  expect(rest.exitCode, rest.stderr).toBe(0);
  expect(readFileSync(join(D, "rootfs", "scripts", "init.sh"), "utf8")).toBe("echo init\n".repeat(5000));
  expect((await onHost(host, scripts.check)).stdout).toBe(`${sha}\n0\n`);
  expect(existsSync(join(D, "rootfs.tar.partial"))).toBe(false);
  // lade made var/lib/lade/node and noted the topmost folder it made
  expect(readFileSync(join(D, ".lade-created"), "utf8")).toBe(`${join(host, "var")}\n`);

  // another image's partial copy is not continued, and a whole copy with other bytes is removed
  const other = copyRootfsScripts("/var/lib/lade/node", "f".repeat(64), tar.length);
  expect((await onHost(host, other.check)).stdout).toBe(`${sha}\n0\n`);
  const corrupt = tar.slice();
  corrupt[100] = corrupt[100]! ^ 0xff;
  const bad = await onHost(host, other.receive(0), corrupt);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain(`the copy does not have sha256 ${"f".repeat(64)}: removed, run again`);
  expect(existsSync(join(D, "rootfs.tar.partial"))).toBe(false);
  expect(readFileSync(join(D, "rootfs", "scripts", "init.sh"), "utf8")).toBe("echo init\n".repeat(5000));
});
