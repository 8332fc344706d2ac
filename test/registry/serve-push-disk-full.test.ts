import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { hasHtpasswd, startLadeRegistry, writeHtpasswd, type LadeRegistry } from "../support/lade-registry.ts";
import { deterministicBytes } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * A push area on a full disk: a tmpfs of 1 MiB (mounting one needs root, which the netns lab
 * needs too) under `lade serve registry --push-dir`. A blob that does not fit is the clear 5xx
 * the spec allows, leaves nothing visible, and gives its space back for the next push.
 */
const AUTH = `Basic ${btoa("ci:Full-disk-pw")}`;
const canMount = process.getuid?.() === 0 && Bun.which("mount") !== null && hasHtpasswd();

function sha256(bytes: Uint8Array): string {
  return `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
}

describe.skipIf(!canMount)("lade serve registry --push-dir on a full disk", () => {
  let served: LadeRegistry;
  let pushDir: string;
  const send = (method: string, path: string, body?: Uint8Array) => fetch(`${served.url}${path}`, { method, body, headers: { Authorization: AUTH } });

  beforeAll(async () => {
    pushDir = join(tempDir("lade-push-full-"), "pushed");
    mkdirSync(pushDir);
    const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", pushDir], { stderr: "pipe" });
    if (mounted.exitCode !== 0) throw new Error(`mount tmpfs: ${mounted.stderr.toString()}`);
    const imageDir = tempDir("lade-push-full-image-");
    mkdirSync(join(imageDir, "docker/registry/v2/repositories"), { recursive: true });
    served = await startLadeRegistry(["--dir", imageDir, "--push-dir", pushDir], { htpasswd: writeHtpasswd("ci", "Full-disk-pw") });
  });

  afterAll(async () => {
    await served?.stop();
    if (pushDir) Bun.spawnSync(["umount", pushDir]);
  });

  test("a blob larger than the disk is 507 with a clear message, nothing is visible, and a small push after it succeeds", async () => {
    const big = deterministicBytes("too-big", 3 * 1024 * 1024);
    const full = await send("POST", `/v2/full/app/blobs/uploads/?digest=${sha256(big)}`, big);
    expect(full.status).toBe(507);
    expect(await full.text()).toContain("the registry's disk is full: nothing was stored");
    expect((await send("HEAD", `/v2/full/app/blobs/${sha256(big)}`)).status).toBe(404);

    // chunked: the chunk that does not fit is refused, the session keeps what it had
    const start = await send("POST", "/v2/full/app/blobs/uploads/");
    const path = new URL(start.headers.get("location")!).pathname;
    expect((await send("PATCH", path, big.slice(0, 100_000))).status).toBe(202);
    expect((await send("PATCH", path, big.slice(100_000))).status).toBe(507);
    expect((await send("GET", path)).headers.get("range")).toBe("0-99999");

    const small = deterministicBytes("fits", 64 * 1024);
    const stored = await send("POST", `/v2/full/app/blobs/uploads/?digest=${sha256(small)}`, small);
    expect(stored.status).toBe(201);
    expect(sha256(new Uint8Array(await (await send("GET", `/v2/full/app/blobs/${sha256(small)}`)).arrayBuffer()))).toBe(sha256(small));
  }, 60_000);
});
