import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasContainerd, startContainerd, type Containerd } from "../support/containerd.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { hasHtpasswd, hasOpenssl, selfSignedCertificate, startLadeRegistry, writeHtpasswd, type LadeRegistry } from "../support/lade-registry.ts";
import { originBlobs } from "../support/mirror-checks.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

const missing = [
  !hasContainerd() && "containerd/ctr",
  !hasDockerRegistry() && "docker-registry",
  !hasSkopeo() && "skopeo",
  !hasOpenssl() && "openssl",
  !hasHtpasswd() && "htpasswd",
].filter(Boolean);
const skip = missing.length > 0;
const SKIP_REASON = `${missing.join(", ")} not installed (apt-get install containerd runc docker-registry skopeo openssl apache2-utils)`;

const UPSTREAM = "upstream.invalid";
const USER = "node";
const PASSWORD = "Pu11-through-pw";
const ACCEPT = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/**
 * A `--hosts-dir` folder mirroring UPSTREAM to `mirror` only: the upstream server itself is a dead
 * loopback port, so a pull that does not go through lade fails instead of reaching any real host.
 */
function hostsDir(mirror: LadeRegistry, ca?: string): string {
  const dir = tempDir("lade-certs-d-");
  mkdirSync(join(dir, UPSTREAM));
  const lines = ['server = "http://127.0.0.1:1"', "", `[host.${JSON.stringify(mirror.url)}]`, '  capabilities = ["pull", "resolve"]'];
  if (ca) lines.push(`  ca = ${JSON.stringify(ca)}`);
  writeFileSync(join(dir, UPSTREAM, "hosts.toml"), `${lines.join("\n")}\n`);
  return dir;
}

/** REF → DIGEST from `ctr images ls` (the first three columns hold no spaces). */
async function imageDigests(containerd: Containerd): Promise<Map<string, string>> {
  const lines = (await containerd.ctr(["images", "ls"])).trim().split("\n").slice(1);
  return new Map(lines.map((line) => line.split(/\s+/)).map((columns) => [columns[0]!, columns[2]!]));
}

/** Digests in containerd's content store. */
async function contentDigests(containerd: Containerd): Promise<string[]> {
  return (await containerd.ctr(["content", "ls", "-q"])).trim().split("\n").filter(Boolean);
}

/** The digest lade serves for a tag (HEAD, as containerd resolves it). */
async function servedDigest(server: LadeRegistry, repository: string, tag: string, init: { ca?: string; credentials?: string } = {}): Promise<string> {
  const headers: Record<string, string> = { Accept: ACCEPT };
  if (init.credentials) headers.Authorization = `Basic ${btoa(init.credentials)}`;
  const response = await fetch(`${server.url}/v2/${repository}/manifests/${tag}`, { method: "HEAD", headers, ...(init.ca ? { tls: { ca: init.ca } } : {}) } as RequestInit);
  expect(response.status).toBe(200);
  return response.headers.get("docker-content-digest")!;
}

describe.skipIf(skip)(`containerd pulls through a hosts.toml mirror served by lade${skip ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  let origin: DockerRegistry;
  let mirrorDir: string;
  let certificate: ReturnType<typeof selfSignedCertificate>;
  let plain: LadeRegistry;
  let secure: LadeRegistry;
  let secureWithAuth: LadeRegistry;
  let containerd: Containerd | undefined;

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all([
      seedImage(origin, "seed/app:v1", { layerSizes: [4000, 1_200_000] }),
      seedImage(origin, "seed/multi:v1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [3000, 600_000] }),
      seedImage(origin, "seed/multi-docker:v1", { platforms: ["linux/amd64", "linux/arm64"], dockerFormat: true, layerSizes: [5000] }),
    ]);
    mirrorDir = join(tempDir("lade-serve-ctr-"), "registry");
    const root = tempDir("lade-serve-ctr-root-");
    for (const [names, platforms] of [[["seed/multi:v1", "seed/multi-docker:v1"], "linux/amd64,linux/arm64"], [["seed/app:v1"], "linux/amd64"]] as const) {
      const result = await runLade(["--root", root, "mirror", ...names.map((name) => `${origin.host}/${name}`), "--dir", mirrorDir, "--platform", platforms]);
      if (result.exitCode !== 0) throw new Error(`lade mirror failed: ${result.stderr}`);
    }
    certificate = selfSignedCertificate();
    [plain, secure, secureWithAuth] = await Promise.all([
      startLadeRegistry(["--dir", mirrorDir]),
      startLadeRegistry(["--dir", mirrorDir], { tls: certificate }),
      startLadeRegistry(["--dir", mirrorDir], { tls: certificate, htpasswd: writeHtpasswd(USER, PASSWORD) }),
    ]);
  });

  afterEach(async () => {
    await containerd?.stop();
    containerd = undefined;
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(), secure?.stop(), secureWithAuth?.stop(), origin?.stop()]);
  });

  /** A fresh containerd per test, so every pull downloads every blob from lade. */
  async function pull(reference: string, hosts: string, extra: readonly string[] = []): Promise<Containerd> {
    containerd = await startContainerd();
    await containerd.ctr(["images", "pull", "--hosts-dir", hosts, ...extra, reference]);
    return containerd;
  }

  test("plain HTTP: pulls and unpacks, with the digest lade serves", async () => {
    const daemon = await pull(`${UPSTREAM}/seed/app:v1`, hostsDir(plain));
    const digest = await servedDigest(plain, "seed/app", "v1");
    expect((await imageDigests(daemon)).get(`${UPSTREAM}/seed/app:v1`)).toBe(digest);
    const content = await contentDigests(daemon);
    for (const blob of await originBlobs({ registry: origin }, "seed/app:v1")) {
      expect(content).toContain(blob.digest);
      expect(plain.stderr()).toContain(`GET /v2/seed/app/blobs/${blob.digest} 200 ${blob.size}`);
    }
    // unpacked into a snapshot too
    expect((await daemon.ctr(["snapshots", "ls"])).trim().split("\n").length).toBeGreaterThan(1);
  });

  test("TLS: trusts lade's self-signed certificate through ca = in hosts.toml", async () => {
    const daemon = await pull(`${UPSTREAM}/seed/app:v1`, hostsDir(secure, certificate.caFile));
    const digest = await servedDigest(secure, "seed/app", "v1", { ca: certificate.ca });
    expect((await imageDigests(daemon)).get(`${UPSTREAM}/seed/app:v1`)).toBe(digest);
    expect(secure.stderr()).toMatch(/GET \/v2\/seed\/app\/blobs\/sha256:[0-9a-f]{64} 200/);
  });

  test("TLS and htpasswd: pulls with --user, and is refused without it", async () => {
    const hosts = hostsDir(secureWithAuth, certificate.caFile);
    containerd = await startContainerd();
    await expect(containerd.ctr(["images", "pull", "--hosts-dir", hosts, `${UPSTREAM}/seed/multi-docker:v1`])).rejects.toThrow(/401|unauthorized|authoriz/i);
    await containerd.stop();
    const daemon = await pull(`${UPSTREAM}/seed/multi-docker:v1`, hosts, ["--user", `${USER}:${PASSWORD}`]);
    const digest = await servedDigest(secureWithAuth, "seed/multi-docker", "v1", { ca: certificate.ca, credentials: `${USER}:${PASSWORD}` });
    expect((await imageDigests(daemon)).get(`${UPSTREAM}/seed/multi-docker:v1`)).toBe(digest);
  });

  test("a multi-arch index pulled for linux/arm64 fetches the arm64 image only", async () => {
    const daemon = await pull(`${UPSTREAM}/seed/multi:v1`, hostsDir(plain), ["--platform", "linux/arm64"]);
    const digest = await servedDigest(plain, "seed/multi", "v1");
    expect((await imageDigests(daemon)).get(`${UPSTREAM}/seed/multi:v1`)).toBe(digest);
    const index = (await (await fetch(`${plain.url}/v2/seed/multi/manifests/v1`, { headers: { Accept: ACCEPT } })).json()) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    const layersOf = async (architecture: string) => {
      const child = index.manifests.find((entry) => entry.platform.architecture === architecture)!;
      const manifest = (await (await fetch(`${plain.url}/v2/seed/multi/manifests/${child.digest}`, { headers: { Accept: ACCEPT } })).json()) as { layers: { digest: string }[] };
      return manifest.layers.map((layer) => layer.digest);
    };
    const content = await contentDigests(daemon);
    for (const layer of await layersOf("arm64")) expect(content).toContain(layer);
    for (const layer of await layersOf("amd64")) expect(content).not.toContain(layer);
  });
});
