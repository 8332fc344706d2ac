import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";
import { runLade, spawnLade } from "../support/run-lade.ts";
import { deterministicBytes, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * kill -9 at seeded random points of build, pull, push, save and load, each followed by a rerun
 * that completes, a store that fsck finds clean, and a result that is the one a run without the
 * kill gives. Transfers go through the fault proxy, throttled, so a kill lands in the middle.
 */
const MiB = 1024 * 1024;
const KILLS = 3;
const available = hasDockerRegistry() && hasSkopeo();

/**
 * KILLS points in a run as long as ARGS takes here, between 15 % and 85 % of it: xorshift32 from a
 * fixed seed, so the same fractions on every run of the test, whatever this machine's speed.
 */
async function killPoints(seed: number, args: readonly string[]): Promise<number[]> {
  const started = performance.now();
  const clean = await runLade(args);
  expect(clean.exitCode, clean.stderr).toBe(0);
  const duration = performance.now() - started;
  let state = seed;
  return Array.from({ length: KILLS }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return duration * (0.15 + ((state >>> 0) % 700) / 1000);
  });
}

/** Start lade, SIGKILL it after DELAY ms (if it still runs); whether it was killed. */
async function killAfter(args: readonly string[], delay: number): Promise<boolean> {
  const child = spawnLade(args);
  const done = child.exited.then(() => false);
  const killed = Bun.sleep(delay).then(() => {
    if (child.exitCode !== null) return false;
    child.kill("SIGKILL");
    return true;
  });
  const result = await Promise.race([done, killed]);
  await child.exited;
  return result;
}

async function fsckClean(root: string): Promise<void> {
  const fsck = await runLade(["--root", root, "fsck", "--json"]);
  expect(fsck.exitCode, fsck.stdout + fsck.stderr).toBe(0);
  expect(JSON.parse(fsck.stdout).problems).toEqual([]);
}

async function digestOf(root: string, name: string): Promise<string> {
  const images = JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout) as { name: string; digest: string }[];
  return images.find((image) => image.name === name)?.digest ?? "";
}

describe.skipIf(!available)("kill -9 in the middle, then a rerun: it completes and the store is clean", () => {
  let registry: DockerRegistry;
  let proxy: FaultProxy;
  const work = tempDir("lade-kill-");
  const source = join(work, "source-store");
  const context = join(work, "context");
  const NAME = "docker.io/library/killable:1";
  let expectedDigest = "";

  beforeAll(async () => {
    registry = await startDockerRegistry();
    await seedImage(registry, "seed/big:1", { platforms: ["linux/amd64"], layerSizes: [6 * MiB, 3 * MiB] });
    proxy = startFaultProxy({ upstream: registry.url });
    // every transfer at 4 MiB/s: about two seconds for the image
    proxy.setPlan(() => ({ throttle: 4 * MiB }));
    mkdirSync(join(context, "files"), { recursive: true });
    for (let index = 0; index < 4; index++) writeFileSync(join(context, "files", `part${index}.bin`), deterministicBytes(`kill/${index}`, 4 * MiB));
    writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY files files\n");
    const built = await runLade(["--root", source, "build", "-q", "-t", "killable:1", context]);
    expect(built.exitCode, built.stderr).toBe(0);
    expectedDigest = await digestOf(source, NAME);
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  test("build", async () => {
    let kills = 0;
    for (const [index, delay] of (await killPoints(1, ["--root", join(work, "build-clean"), "build", "-q", "-t", "killable:1", context])).entries()) {
      const root = join(work, `build-${index}`);
      if (await killAfter(["--root", root, "build", "-q", "-t", "killable:1", context], delay)) kills++;
      const rerun = await runLade(["--root", root, "build", "-q", "-t", "killable:1", context]);
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      expect(await digestOf(root, NAME)).toBe(expectedDigest);
      await fsckClean(root);
    }
    expect(kills).toBeGreaterThan(0); // not blind: some kill landed before the end
  }, 120_000);

  test("pull", async () => {
    const reference = `${proxy.host}/seed/big:1`;
    let kills = 0;
    for (const [index, delay] of (await killPoints(2, ["--root", join(work, "pull-clean"), "pull", reference])).entries()) {
      const root = join(work, `pull-${index}`);
      if (await killAfter(["--root", root, "pull", reference], delay)) {
        kills++;
        // a killed pull tags nothing
        expect(await digestOf(root, reference)).toBe("");
      }
      const rerun = await runLade(["--root", root, "pull", reference]);
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      await fsckClean(root);
    }
    expect(kills).toBeGreaterThan(0);
  }, 120_000);

  test("push", async () => {
    let kills = 0;
    for (const [index, delay] of (await killPoints(3, ["--root", source, "push", "killable:1", `${proxy.host}/killed/clean:1`])).entries()) {
      const target = `${proxy.host}/killed/push${index}:1`;
      if (await killAfter(["--root", source, "push", "killable:1", target], delay)) kills++;
      const rerun = await runLade(["--root", source, "push", "killable:1", target]);
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      const pushed = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/killed/push${index}:1`]);
      expect(`sha256:${new Bun.CryptoHasher("sha256").update(pushed).digest("hex")}`).toBe(expectedDigest);
    }
    expect(kills).toBeGreaterThan(0);
  }, 120_000);

  test("save and load", async () => {
    let kills = 0;
    const cleanArchive = join(work, "saved-clean.tar");
    const saveDelays = await killPoints(4, ["--root", source, "save", "-o", cleanArchive, "killable:1"]);
    const loadDelays = await killPoints(5, ["--root", join(work, "load-clean"), "load", "-i", cleanArchive]);
    for (const [index, delay] of saveDelays.entries()) {
      const archive = join(work, `saved-${index}.tar`);
      if (await killAfter(["--root", source, "save", "-o", archive, "killable:1"], delay)) {
        kills++;
        // a killed save leaves no archive that looks whole: none, or (killed after its last rename) the whole one
        if (existsSync(archive)) expect(readFileSync(archive).equals(readFileSync(cleanArchive))).toBe(true);
      }
      const saved = await runLade(["--root", source, "save", "-o", archive, "killable:1"]);
      expect(saved.exitCode, saved.stderr).toBe(0);
      const root = join(work, `load-${index}`);
      if (await killAfter(["--root", root, "load", "-i", archive], loadDelays[index]!)) kills++;
      const loaded = await runLade(["--root", root, "load", "-i", archive]);
      expect(loaded.exitCode, loaded.stderr).toBe(0);
      expect(await digestOf(root, NAME)).toBe(expectedDigest);
      await fsckClean(root);
    }
    expect(existsSync(join(work, "saved-0.tar"))).toBe(true);
    expect(kills).toBeGreaterThan(0);
  }, 120_000);
});
