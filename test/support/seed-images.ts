import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parsePlatform } from "../../src/oci/platform.ts";
import { buildFixture } from "./build-fixture.ts";
import type { DockerRegistry } from "./docker-registry.ts";
import { tempDir } from "./temp-dir.ts";

export interface SeedOptions {
  /** Platforms of the image; more than one gives an index (or a Docker manifest list with v2s2). */
  readonly platforms?: readonly string[];
  /** Push as Docker schema 2 (manifest / manifest list) instead of OCI. */
  readonly dockerFormat?: boolean;
  /** Sizes in bytes of random files, one layer each (content differs per platform). */
  readonly layerSizes?: readonly number[];
  /** Seed for the content: the same seed gives the same layers. Default: the name. */
  readonly seed?: string;
  /** user:password for a registry with htpasswd auth. */
  readonly credentials?: string;
}

export function hasSkopeo(): boolean {
  return Bun.which("skopeo") !== null;
}

/**
 * Put a test image into a real registry: built by lade into a scratch store (random, uncompressible
 * layers of the given sizes), then pushed with skopeo, an independent client.
 */
export async function seedImage(registry: DockerRegistry, name: string, options: SeedOptions = {}): Promise<void> {
  const platforms = options.platforms ?? ["linux/amd64"];
  const sizes = options.layerSizes ?? [2048];
  const context = tempDir("lade-seed-");
  const kubefile = ["FROM scratch", ...sizes.map((_size, index) => `COPY \${ARCH}/layer${index} /layer${index}`)];
  writeFileSync(join(context, "Kubefile"), `${kubefile.join("\n")}\n`);
  for (const platform of platforms) {
    const arch = parsePlatform(platform).architecture;
    sizes.forEach((size, index) => {
      const path = join(context, arch, `layer${index}`, "data.bin");
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, deterministicBytes(`${options.seed ?? name}/${arch}/${index}`, size));
    });
  }
  const store = tempDir("lade-seed-store-");
  await buildFixture(store, context, { tag: "seed:1", platforms: platforms.map(parsePlatform) });
  const args = ["copy", "--quiet", "--all", "--dest-tls-verify=false"];
  if (options.dockerFormat) args.push("--format", "v2s2");
  if (registry.caFile) args.push("--dest-cert-dir", dirname(registry.caFile));
  if (options.credentials) args.push("--dest-creds", options.credentials);
  await skopeo([...args, `oci:${store}:docker.io/library/seed:1`, `docker://${registry.host}/${name}`]);
}

/**
 * Copy one image of a registry to other repositories of it (`seed/base:1` → each PATH), with
 * skopeo, one at a time: docker-registry 2.8 can answer "blob unknown" to a manifest whose blobs
 * another copy is mounting into the same repository at that moment.
 */
export async function copyWithinRegistry(host: string, source: string, paths: readonly string[], options: { readonly all?: boolean } = {}): Promise<void> {
  for (const path of paths) {
    await skopeo(["copy", "--quiet", ...(options.all ? ["--all"] : []), "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${host}/${source}`, `docker://${host}/${path}`]);
  }
}

/** Run skopeo; throws with skopeo's message on failure. */
export async function skopeo(args: readonly string[]): Promise<string> {
  const child = Bun.spawn(["skopeo", ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`skopeo ${args.join(" ")} failed: ${stderr}`);
  return stdout;
}

/** Pseudo-random bytes from a seed (xorshift): incompressible, fast, and the same for the same seed. */
export function deterministicBytes(seed: string, size: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(size / 4));
  let state = new Bun.CryptoHasher("sha256").update(seed).digest().readUInt32LE(0) || 1;
  for (let index = 0; index < words.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[index] = state >>> 0;
  }
  return new Uint8Array(words.buffer, 0, size);
}
