import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Digest } from "../../src/oci/digest.ts";
import { parseImageReference } from "../../src/oci/image-reference.ts";
import { pushImage } from "../../src/registry/push-image.ts";
import { createRegistryClients } from "../../src/registry/registry-clients.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { imageBlobs, readImage } from "../../src/store/read-image.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";
import { startLadeRegistry, writeHtpasswd } from "../support/lade-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { deterministicBytes, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { hasUmoci } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasUmoci();
const USER = "pusher";
const PASSWORD = "s3cret-Pa55";
const PLATFORMS = "linux/amd64,linux/arm64";

/** lade with a HOME of its own, so no test reads or writes the real ~/.docker. */
const home = tempDir("lade-home-");
function lade(args: readonly string[], stdin?: string) {
  return runLade(args, { stdin, env: { HOME: home, REGISTRY_AUTH_FILE: undefined, DOCKER_CONFIG: undefined } });
}

async function mustLade(args: readonly string[], stdin?: string) {
  const result = await lade(args, stdin);
  if (result.exitCode !== 0) throw new Error(`lade ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result;
}

const lastLine = (text: string) => text.trim().split("\n").at(-1)!;

/** `lade inspect --json` without the name, which differs between a source and a pulled copy. */
/** What lade inspect says of the image itself (not its name, nor what is attached: pushImage alone carries no SBOM). */
async function inspectJson(root: string, name: string): Promise<Record<string, unknown>> {
  const { name: _name, attachments: _attachments, ...rest } = JSON.parse((await mustLade(["--root", root, "inspect", name, "--json"])).stdout);
  return rest;
}

/** Config and layer blobs of an image (what push uploads), de-duplicated across platforms. */
async function contentBlobs(root: string, name: string): Promise<{ digest: Digest; size: number }[]> {
  const store = await OciStore.open(root);
  const descriptor = (await store.resolve(name))!;
  const image = await readImage(store, descriptor);
  const manifests = new Set([image.descriptor.digest, ...image.platforms.map((platform) => platform.descriptor.digest)]);
  const unique = new Map<string, { digest: Digest; size: number }>();
  for (const blob of imageBlobs(image)) if (!manifests.has(blob.digest)) unique.set(blob.digest, { digest: blob.digest, size: blob.size });
  return [...unique.values()];
}

/** The requests of pushing the image itself, up to its tag: its SBOM and signatures go up after it, under their own tags. */
function imageRequests<T extends { method: string; url: string }>(requests: readonly T[], tag: string): T[] {
  const tagged = requests.findIndex((request) => request.method === "PUT" && request.url.endsWith(`/manifests/${tag}`));
  return requests.slice(0, tagged + 1);
}

function blobBytes(root: string, digest: string): Buffer {
  return readFileSync(join(root, "blobs", "sha256", digest.slice("sha256:".length)));
}

describe.skipIf(!available)("lade push and pull against a real docker-registry", () => {
  const source = tempDir("lade-push-src-");
  let origin: DockerRegistry;
  let plain: DockerRegistry;
  let secure: DockerRegistry;
  let tls: DockerRegistry;
  let proxy: FaultProxy;
  /** Every request the proxy saw: method, path with query, Content-Range. */
  const seen: { method: string; url: string; contentRange: string | null; contentLength: string | null }[] = [];
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    [origin, plain, secure, tls] = await Promise.all([
      startDockerRegistry(),
      startDockerRegistry(),
      startDockerRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      startDockerRegistry({ tls: true }),
    ]);
    proxy = startFaultProxy({ upstream: plain.url });
    await Promise.all([
      seedImage(origin, "calico/node:v3", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [1_500_000, 3000] }),
      seedImage(origin, "library/pause:3.9", { platforms: ["linux/amd64", "linux/arm64"], dockerFormat: true, layerSizes: [700] }),
    ]);
    // FROM scratch, two layers per platform, one of them 300 kB of random bytes (several chunks of 64 KiB)
    const scratchContext = writeTree(join(tempDir(), "scratch"), {
      Kubefile: [
        "FROM scratch",
        "COPY ${ARCH} bin/",
        "COPY etc etc/",
        "ENV TIER=base",
        "LABEL team=platform",
        "APP web local://app",
        'LAUNCH ["web"]',
        "",
      ].join("\n"),
      "etc/lade.conf": "answer = 42\n",
      "app/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
    });
    await Bun.write(join(scratchContext, "amd64", "tool"), deterministicBytes("push/amd64", 300_000));
    await Bun.write(join(scratchContext, "arm64", "tool"), deterministicBytes("push/arm64", 280_000));
    // a cluster image that carries container images (imageList → registry layers)
    const clusterContext = writeTree(join(tempDir(), "cluster"), {
      Kubefile: "FROM scratch\nCOPY imageList manifests/\nCOPY etc etc/\n",
      imageList: `${origin.host}/calico/node:v3\n${origin.host}/library/pause:3.9\n`,
      "etc/cluster.conf": "cluster = yes\n",
    });
    const single = writeTree(join(tempDir(), "single"), { Kubefile: "FROM scratch\nCOPY a.txt /\n", "a.txt": "one platform\n" });
    const builds: [string, string, string][] = [
      ["scratch:1", scratchContext, PLATFORMS],
      ["cluster:1", clusterContext, PLATFORMS],
      ["single:1", single, "linux/amd64"],
    ];
    for (const [name, context, platforms] of builds) {
      digests[name] = lastLine((await mustLade(["--root", source, "build", "-q", "-t", name, "--platform", platforms, context])).stdout);
    }
  });

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([origin?.stop(), plain?.stop(), secure?.stop(), tls?.stop()]);
  });

  /** Record every request through the proxy (the proxy itself keeps only paths). */
  function recordRequests(): void {
    proxy.reset();
    seen.length = 0;
    proxy.setPlan((request) => {
      seen.push({
        method: request.method,
        url: request.url.slice(request.url.indexOf("/v2/")),
        contentRange: request.headers.get("content-range"),
        contentLength: request.headers.get("content-length"),
      });
      return undefined;
    });
  }

  test.each([["scratch:1"], ["cluster:1"], ["single:1"]])(
    "%s: push, pull into a fresh store → same digest, fsck clean, inspect equal, skopeo reads the same bytes",
    async (name) => {
      const target = `${proxy.host}/team/${name.split(":")[0]}:1`;
      const blobs = await contentBlobs(source, `docker.io/library/${name}`);
      recordRequests();
      const pushed = await mustLade(["--root", source, "push", name, target]);
      const requests = imageRequests(seen, "1");
      expect(lastLine(pushed.stdout)).toBe(digests[name]!);
      expect(pushed.stdout).toContain(`Pushed ${target}: ${blobs.length} blobs uploaded, 0 mounted, 0 already there`);
      // HEAD first for every blob; the tag (the only PUT by tag) comes last
      const heads = requests.filter((request) => request.method === "HEAD" && request.url.includes("/blobs/sha256:"));
      expect(heads.length).toBe(blobs.length);
      const manifestPuts = requests.filter((request) => request.method === "PUT" && request.url.includes("/manifests/"));
      expect(manifestPuts.at(-1)!.url).toEndWith("/manifests/1");
      expect(manifestPuts.slice(0, -1).every((request) => request.url.includes("/manifests/sha256:"))).toBe(true);
      const lastBlobRequest = requests.findLastIndex((request) => request.url.includes("/blobs/"));
      expect(requests.findIndex((request) => request.method === "PUT" && request.url.endsWith("/manifests/1"))).toBeGreaterThan(lastBlobRequest);
      // then the SBOM, under cosign's tag
      expect(seen.slice(requests.length).filter((request) => request.method === "PUT" && request.url.includes("/manifests/")).map((request) => request.url)).toEqual([
        expect.stringMatching(/\/manifests\/sha256-[0-9a-f]{64}\.sbom$/),
      ]);

      const root = tempDir();
      const pulled = await mustLade(["--root", root, "pull", target]);
      expect(lastLine(pulled.stdout)).toBe(digests[name]!);
      const fsck = await mustLade(["--root", root, "fsck", "--json"]);
      expect(JSON.parse(fsck.stdout).problems).toEqual([]);
      expect(await inspectJson(root, target)).toEqual(await inspectJson(source, name));

      // skopeo, an independent client, reads exactly the manifest bytes of the store
      const raw = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${plain.host}/team/${name.split(":")[0]}:1`]);
      expect(raw).toBe(blobBytes(source, digests[name]!).toString("utf8"));
      const top = JSON.parse(raw);
      for (const child of top.manifests ?? []) {
        const childRaw = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${plain.host}/team/${name.split(":")[0]}@${child.digest}`]);
        expect(childRaw).toBe(blobBytes(source, child.digest).toString("utf8"));
      }
      // every blob in the pulled store is byte-identical to the source's
      for (const blob of blobs) expect(blobBytes(root, blob.digest).equals(blobBytes(source, blob.digest))).toBe(true);
    },
  );

  test("pushing again uploads nothing: HEAD finds every blob", async () => {
    for (const name of ["scratch:1", "cluster:1"]) {
      const target = `${proxy.host}/again/${name.split(":")[0]}:1`;
      await mustLade(["--root", source, "push", name, target]);
      const blobs = await contentBlobs(source, `docker.io/library/${name}`);
      recordRequests();
      const again = await mustLade(["--root", source, "push", name, target]);
      expect(again.stdout).toContain(`Pushed ${target}: 0 blobs uploaded, 0 mounted, ${blobs.length} already there`);
      expect(lastLine(again.stdout)).toBe(digests[name]!);
      expect(proxy.requestCount(/\/blobs\/uploads\//)).toBe(0);
      expect(imageRequests(seen, "1").filter((request) => request.method === "HEAD").length).toBe(blobs.length);
      expect(seen.filter((request) => request.method === "PATCH" || request.method === "POST")).toEqual([]);
    }
  });

  test("--mount-from mounts every blob from another repository instead of uploading it", async () => {
    await mustLade(["--root", source, "push", "cluster:1", `${proxy.host}/mount/source:1`]);
    const blobs = await contentBlobs(source, "docker.io/library/cluster:1");
    recordRequests();
    const mounted = await mustLade(["--root", source, "push", "cluster:1", `${proxy.host}/mount/target:1`, "--mount-from", "mount/source"]);
    expect(mounted.stdout).toContain(`0 blobs uploaded, ${blobs.length} mounted, 0 already there`);
    const posts = imageRequests(seen, "1").filter((request) => request.method === "POST");
    expect(posts.length).toBe(blobs.length);
    for (const post of posts) expect(post.url).toMatch(/^\/v2\/mount\/target\/blobs\/uploads\/\?mount=sha256:[a-f0-9]{64}&from=mount%2Fsource$/);
    expect(imageRequests(seen, "1").filter((request) => request.method === "PATCH" || (request.method === "PUT" && request.url.includes("/blobs/")))).toEqual([]);
    // the registry links the blobs into the new repository
    for (const blob of blobs) {
      const link = join(plain.storage, "docker/registry/v2/repositories/mount/target/_layers/sha256", blob.digest.slice(7), "link");
      expect(readFileSync(link, "utf8")).toBe(blob.digest);
    }
    const root = tempDir();
    expect(lastLine((await mustLade(["--root", root, "pull", `${proxy.host}/mount/target:1`])).stdout)).toBe(digests["cluster:1"]!);
    expect((await lade(["--root", root, "fsck"])).exitCode).toBe(0);
  });

  test("a blob larger than the chunk size goes up in PATCH chunks with Content-Range and pulls back identically", async () => {
    const chunkSize = 64 * 1024;
    const store = await OciStore.open(source);
    const descriptor = (await store.resolve("docker.io/library/scratch:1"))!;
    const blobs = await contentBlobs(source, "docker.io/library/scratch:1");
    const large = blobs.filter((blob) => blob.size > chunkSize);
    expect(large.length).toBe(2); // the random tool of each platform
    recordRequests();
    const client = await createRegistryClients()(proxy.host);
    const result = await pushImage(store, descriptor, client, parseImageReference(`${proxy.host}/chunked/scratch:1`), { chunkSize });
    expect(result).toEqual({ digest: digests["scratch:1"]!, uploaded: blobs.length, mounted: 0, present: 0 });

    const patches = seen.filter((request) => request.method === "PATCH");
    expect(patches.length).toBe(large.reduce((sum, blob) => sum + Math.ceil(blob.size / chunkSize), 0));
    for (const patch of patches) expect(patch.url).toStartWith("/v2/chunked/scratch/blobs/uploads/");
    // per upload session, the chunks cover the blob exactly, in order
    const sessions = new Map<string, string[]>();
    for (const patch of patches) {
      const session = patch.url.split("?")[0]!.split("/").at(-1)!;
      sessions.set(session, [...(sessions.get(session) ?? []), patch.contentRange!]);
    }
    const expectedRanges = large.map((blob) => {
      const ranges: string[] = [];
      for (let offset = 0; offset < blob.size; offset += chunkSize) ranges.push(`${offset}-${Math.min(offset + chunkSize, blob.size) - 1}`);
      return ranges;
    });
    expect([...sessions.values()].sort()).toEqual(expectedRanges.sort());
    for (const patch of patches) {
      const [start, end] = patch.contentRange!.split("-").map(Number);
      expect(Number(patch.contentLength)).toBe(end! - start! + 1);
    }
    // small blobs go up in one PUT with the digest; chunked ones end with an empty PUT
    const blobPuts = seen.filter((request) => request.method === "PUT" && request.url.includes("/blobs/uploads/"));
    expect(blobPuts.length).toBe(blobs.length);
    for (const put of blobPuts) expect(put.url).toMatch(/[?&]digest=sha256%3A[a-f0-9]{64}/);

    const root = tempDir();
    expect(lastLine((await mustLade(["--root", root, "pull", `${proxy.host}/chunked/scratch:1`])).stdout)).toBe(digests["scratch:1"]!);
    expect((await lade(["--root", root, "fsck"])).exitCode).toBe(0);
    for (const blob of large) expect(blobBytes(root, blob.digest).equals(blobBytes(source, blob.digest))).toBe(true);
    expect(await inspectJson(root, `${proxy.host}/chunked/scratch:1`)).toEqual(await inspectJson(source, "scratch:1"));
  });

  test("a lost chunk answer, a 500 on a chunk and a 503 on the closing PUT: the push recovers and pulls back identically", async () => {
    const chunkSize = 64 * 1024;
    const store = await OciStore.open(source);
    const descriptor = (await store.resolve("docker.io/library/scratch:1"))!;
    recordRequests();
    // the second PATCH reaches the registry, but its answer is lost: that session cannot go on
    proxy.addRule({ method: "PATCH", path: /^\/v2\/faulty\/scratch\/blobs\/uploads\//, fault: { status: 500 } });
    proxy.addRule({ method: "PATCH", path: /^\/v2\/faulty\/scratch\/blobs\/uploads\//, fault: { dropAfter: 0 } });
    proxy.addRule({ method: "PUT", path: /^\/v2\/faulty\/scratch\/blobs\/uploads\//, fault: { status: 503 } });
    const client = await createRegistryClients({ client: { backoffMilliseconds: 10 } })(proxy.host);
    const result = await pushImage(store, descriptor, client, parseImageReference(`${proxy.host}/faulty/scratch:1`), { chunkSize });
    expect(result.digest).toBe(digests["scratch:1"]!);
    expect(proxy.requests.filter((request) => request.fault).length).toBe(3);
    expect(proxy.requests.some((request) => request.method === "PATCH" && request.status === 404)).toBe(true); // the broken session
    // asked how much the broken session holds; docker-registry 2.8 cannot say (its state token moved on), so a new session went on
    expect(proxy.requests.some((request) => request.method === "GET" && request.path.includes("/blobs/uploads/") && request.status === 404)).toBe(true);

    const root = tempDir();
    expect(lastLine((await mustLade(["--root", root, "pull", `${proxy.host}/faulty/scratch:1`])).stdout)).toBe(digests["scratch:1"]!);
    const fsck = await mustLade(["--root", root, "fsck", "--json"]);
    expect(JSON.parse(fsck.stdout).problems).toEqual([]);
  });

  test("a lost chunk answer from lade's own registry: the session goes on from the offset it reports, no new session", async () => {
    const chunkSize = 64 * 1024;
    const store = await OciStore.open(source);
    const descriptor = (await store.resolve("docker.io/library/scratch:1"))!;
    const empty = tempDir(); // the image's registry folder: nothing in it, everything comes by push
    mkdirSync(join(empty, "docker", "registry", "v2"), { recursive: true });
    const served = await startLadeRegistry(["--dir", empty, "--push-dir", join(tempDir(), "pushed"), "--anonymous-read", "-q"], { htpasswd: writeHtpasswd(USER, PASSWORD) });
    const front = startFaultProxy({ upstream: served.url });
    try {
      // the second chunk of a blob reaches the registry, its answer does not
      front.addRule({ method: "PATCH", path: /\/blobs\/uploads\//, fault: {} });
      front.addRule({ method: "PATCH", path: /\/blobs\/uploads\//, fault: { dropAfter: 0 } });
      const credentials = new Map([[front.host, { username: USER, password: PASSWORD }]]);
      const client = await createRegistryClients({ credentials, client: { backoffMilliseconds: 10 } })(front.host);
      const result = await pushImage(store, descriptor, client, parseImageReference(`${front.host}/resumed/scratch:1`), { chunkSize });
      expect(result.digest).toBe(digests["scratch:1"]!);
      const uploads = front.requests.filter((request) => request.path.includes("/blobs/uploads/"));
      const status = uploads.find((request) => request.method === "GET");
      // asked, told (204 with its Range), and went on: every blob had one session only
      expect(status?.status).toBe(204);
      const large = (await contentBlobs(source, "docker.io/library/scratch:1")).filter((blob) => blob.size > chunkSize);
      expect(uploads.filter((request) => request.method === "POST" && request.status === 202).length).toBe((await contentBlobs(source, "docker.io/library/scratch:1")).length);
      expect(large.length).toBeGreaterThan(0);
      const root = tempDir();
      const pulled = await mustLade(["--root", root, "pull", `${served.host}/resumed/scratch:1`]);
      expect(lastLine(pulled.stdout)).toBe(digests["scratch:1"]!);
      expect(JSON.parse((await mustLade(["--root", root, "fsck", "--json"])).stdout).problems).toEqual([]);
    } finally {
      await front.stop();
      await served.stop();
    }
  });

  test("pull by digest gives the same image, named by its digest", async () => {
    await mustLade(["--root", source, "push", "scratch:1", `${plain.host}/bydigest/scratch:1`]);
    const digest = digests["scratch:1"]!;
    const root = tempDir();
    const pulled = await mustLade(["--root", root, "pull", `${plain.host}/bydigest/scratch@${digest}`]);
    expect(lastLine(pulled.stdout)).toBe(digest);
    const images = JSON.parse((await mustLade(["--root", root, "images", "--json"])).stdout);
    expect(images.map((image: { name: string; digest: string }) => [image.name, image.digest])).toEqual([[`${plain.host}/bydigest/scratch@${digest}`, digest]]);
    expect((await lade(["--root", root, "fsck"])).exitCode).toBe(0);
    // one platform by digest: its manifest
    const child = JSON.parse(blobBytes(source, digest).toString("utf8")).manifests[1].digest;
    const arm = tempDir();
    expect(lastLine((await mustLade(["--root", arm, "pull", `${plain.host}/bydigest/scratch@${child}`])).stdout)).toBe(child);
    expect((await lade(["--root", arm, "fsck"])).exitCode).toBe(0);
    // a digest the registry does not have fails and names it
    const missing = await lade(["--root", tempDir(), "pull", `${plain.host}/bydigest/scratch@sha256:${"0".repeat(64)}`]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`sha256:${"0".repeat(64)}`);
  });

  test("htpasswd: refused without credentials, works after lade login (authfile) both ways", async () => {
    const target = `${secure.host}/private/cluster:1`;
    const refused = await lade(["--root", source, "push", "cluster:1", target]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/401|unauthori[sz]ed|credentials/i);
    expect(refused.stderr).not.toContain(PASSWORD);

    const authFile = join(tempDir(), "auth.json");
    await mustLade(["login", secure.host, "-u", USER, "--password-stdin", "--authfile", authFile], PASSWORD);
    const pushed = await mustLade(["--root", source, "push", "cluster:1", target, "--authfile", authFile]);
    expect(lastLine(pushed.stdout)).toBe(digests["cluster:1"]!);
    expect(`${pushed.stdout}${pushed.stderr}`).not.toContain(PASSWORD);
    const raw = await skopeo(["inspect", "--raw", "--tls-verify=false", "--creds", `${USER}:${PASSWORD}`, `docker://${target}`]);
    expect(raw).toBe(blobBytes(source, digests["cluster:1"]!).toString("utf8"));

    const root = tempDir();
    expect((await lade(["--root", root, "pull", target])).exitCode).toBe(1);
    const pulled = await mustLade(["--root", root, "pull", target, "--authfile", authFile]);
    expect(lastLine(pulled.stdout)).toBe(digests["cluster:1"]!);
    expect((await lade(["--root", root, "fsck"])).exitCode).toBe(0);
    expect(await inspectJson(root, target)).toEqual(await inspectJson(source, "cluster:1"));

    // a second push finds every blob, also through basic auth
    const again = await mustLade(["--root", source, "push", "cluster:1", target, "--authfile", authFile]);
    expect(again.stdout).toContain("0 blobs uploaded, 0 mounted");
  });

  test("TLS: an untrusted certificate fails clearly; --ca-file pushes and pulls", async () => {
    const target = `${tls.host}/secure/scratch:1`;
    const untrusted = await lade(["--root", source, "push", "scratch:1", target]);
    expect(untrusted.exitCode).toBe(1);
    expect(untrusted.stderr).toContain("--ca-file");

    const pushed = await mustLade(["--root", source, "push", "scratch:1", target, "--ca-file", tls.caFile!]);
    expect(lastLine(pushed.stdout)).toBe(digests["scratch:1"]!);
    const certDir = join(tls.caFile!, "..");
    expect(await skopeo(["inspect", "--raw", "--cert-dir", certDir, `docker://${target}`])).toBe(blobBytes(source, digests["scratch:1"]!).toString("utf8"));

    const root = tempDir();
    const pulled = await mustLade(["--root", root, "pull", target, "--ca-file", tls.caFile!]);
    expect(lastLine(pulled.stdout)).toBe(digests["scratch:1"]!);
    expect((await lade(["--root", root, "fsck"])).exitCode).toBe(0);
    expect(await inspectJson(root, target)).toEqual(await inspectJson(source, "scratch:1"));
  });
});
