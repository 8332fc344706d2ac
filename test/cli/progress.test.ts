import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { deterministicBytes, hasSkopeo, seedImage } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

/** Progress of lade pull as a person at a terminal sees it (a pseudo-TTY from script(1)), as a log file sees it, and as a script reads it (--json). */
describe.skipIf(!(hasDockerRegistry() && hasSkopeo()))("progress on long work", () => {
  let registry: DockerRegistry;
  let image: string;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    image = `${registry.host}/progress/big:1`;
    await seedImage(registry, "progress/big:1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [4_000_000, 2_000_000] });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test("on a terminal: a live bar per image, redrawn in place, with bytes, rate and ETA", () => {
    const command = [process.execPath, MAIN, "--root", tempDir(), "pull", image].map((word) => `'${word}'`).join(" ");
    const run = Bun.spawnSync(["script", "-q", "-e", "-c", `stty cols 160; ${command}`, "/dev/null"], { env: { ...process.env, NO_COLOR: undefined } });
    const out = run.stdout.toString();
    expect(run.exitCode, out).toBe(0);
    expect(out).toContain("\u001b[2K"); // a line cleared and drawn again
    expect(out).toMatch(new RegExp(`${image.replace(/[.]/g, "\\.")}  \\[#+ *\\] [0-9.]+ [kM]B / [0-9.]+ [kM]B  [0-9.]+ [kMG]?B/s  (done|ETA \\d+s)`));
    expect(out).not.toMatch(/^Fetching /m);
  }, 60_000);

  test("without a terminal: plain lines when an image starts and ends, no escape codes", async () => {
    const pulled = await runLade(["--root", tempDir(), "pull", image]);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.stderr).toMatch(new RegExp(`^Fetching ${image.replace(/[.]/g, "\\.")} \\([0-9.]+ MB\\)$`, "m"));
    expect(pulled.stderr).toContain(`Fetched ${image}\n`);
    expect(pulled.stderr + pulled.stdout).not.toContain("\u001b[");
  });

  test("--json: one event per line, the bytes adding up, the result last; -q: only the digest", async () => {
    const pulled = await runLade(["--root", tempDir(), "pull", image, "--json"]);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    const events = pulled.stdout.trim().split("\n").map((line) => JSON.parse(line) as { event: string; image?: string; bytes?: number; done?: number; total?: number; digest?: string; signatures?: number; sboms?: number });
    const resolved = events.find((event) => event.event === "image")!;
    expect(resolved).toMatchObject({ image, bytes: expect.any(Number) });
    const progress = events.filter((event) => event.event === "progress");
    expect(progress.at(-1)).toEqual({ event: "progress", image, done: resolved.bytes, total: resolved.bytes });
    expect(events.map((event) => event.event).slice(-2)).toEqual(["image-done", "pulled"]);
    const { digest, ...result } = events.at(-1)!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result).toEqual({ event: "pulled", image, signatures: 0, sboms: 0 });
    expect(pulled.stderr).toBe("");

    const quiet = await runLade(["--root", tempDir(), "pull", image, "-q"]);
    expect(quiet.stdout).toBe(`${digest}\n`);
    expect(quiet.stderr).toBe("");
  });

  test("lade save and lade load: a line redrawn on a terminal; nothing extra in a log for a short one", async () => {
    const root = tempDir();
    const context = tempDir();
    writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY data data\n");
    writeFileSync(join(context, "data"), deterministicBytes("progress", 8_000_000));
    expect((await runLade(["--root", root, "build", "-q", "-t", "big:1", context])).exitCode).toBe(0);
    const archive = join(tempDir(), "big.tar");
    const onTerminal = (args: string[]) => {
      const command = [process.execPath, MAIN, "--root", root, ...args].map((word) => `'${word}'`).join(" ");
      const run = Bun.spawnSync(["script", "-q", "-e", "-c", `stty cols 160; ${command}`, "/dev/null"]);
      expect(run.exitCode, run.stdout.toString()).toBe(0);
      return run.stdout.toString();
    };
    expect(onTerminal(["save", "big:1", "-o", archive])).toMatch(new RegExp(`\u001b\\[2KSaving ${archive.replace(/[.]/g, "\\.")}: \\d+% \\([0-9.]+ [kM]?B of [0-9.]+ MB, [0-9.]+ [kMG]?B/s\\)`));
    expect(onTerminal(["load", "-i", archive])).toMatch(/\u001b\[2KLoading .*big\.tar: \d+% \(/);
    const plain = await runLade(["--root", tempDir(), "load", "-i", archive]);
    expect(plain.exitCode).toBe(0);
    expect(plain.stderr).toBe("");

    const saved = await runLade(["--root", root, "save", "big:1", "-o", join(tempDir(), "again.tar"), "--json"]);
    const savedEvents = saved.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const lastProgress = savedEvents.at(-2)!;
    expect(lastProgress.event).toBe("progress");
    expect(typeof lastProgress.done).toBe("number");
    expect(lastProgress.done).toBe(lastProgress.total);
    expect(savedEvents.at(-1)).toMatchObject({ event: "saved", images: ["docker.io/library/big:1"], signatures: 0, sboms: 1 });
    const loaded = await runLade(["--root", tempDir(), "load", "-i", archive, "--json"]);
    const loadedEvents = loaded.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(loadedEvents.some((event) => event.event === "progress")).toBe(true);
    expect(loadedEvents.at(-1)).toMatchObject({ event: "loaded", images: [{ name: "docker.io/library/big:1" }], signatures: 0, sboms: 1 });
  }, 60_000);

  test("lade build: a layer being written shows its bytes on a terminal; a log gets no line for a short one", async () => {
    const context = tempDir();
    writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY data data\n");
    writeFileSync(join(context, "data"), deterministicBytes("layer-progress", 8_000_000));
    const command = [process.execPath, MAIN, "--root", tempDir(), "build", "-t", "layer:1", context].map((word) => `'${word}'`).join(" ");
    const onTerminal = Bun.spawnSync(["script", "-q", "-e", "-c", `stty cols 160; ${command}`, "/dev/null"]);
    expect(onTerminal.exitCode, onTerminal.stdout.toString()).toBe(0);
    expect(onTerminal.stdout.toString()).toMatch(/\u001b\[2KWriting layer: \d+% \([0-9.]+ [kM]?B of 8\.00 MB, [0-9.]+ [kMG]?B\/s\)/);
    const inLog = await runLade(["--root", tempDir(), "build", "-t", "layer:1", context]);
    expect(inLog.exitCode).toBe(0);
    expect(inLog.stderr).not.toContain("Writing layer");
    expect(inLog.stderr).not.toContain("\u001b");
  }, 60_000);

  test("lade build --json: the mirror's events, then the result; the build log stays on stderr", async () => {
    const context = tempDir();
    writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY imageList manifests/\n");
    writeFileSync(join(context, "imageList"), `${image}\n`);
    const built = await runLade(["--root", tempDir(), "build", "-t", "mirrored:1", "--platform", "linux/amd64,linux/arm64", "--json", context]);
    expect(built.exitCode, built.stderr).toBe(0);
    const events = built.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((event) => event.event === "image-done").map((event) => event.image)).toContain(image);
    const { digest, ...last } = events.at(-1)!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(last).toEqual({ event: "built", tags: ["docker.io/library/mirrored:1"], platforms: ["linux/amd64", "linux/arm64"] });
    expect(built.stderr).toContain("STEP 1/2: FROM scratch");
  }, 60_000);
});
