import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { hasHtpasswd, hasOpenssl, selfSignedCertificate, startLadeRegistry, writeHtpasswd, type LadeRegistry } from "../support/lade-registry.ts";
import { originBlobs } from "../support/mirror-checks.ts";
import { runLade } from "../support/run-lade.ts";
import { deterministicBytes, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

const missing = [!hasDockerRegistry() && "docker-registry", !hasSkopeo() && "skopeo", !hasOpenssl() && "openssl", !hasHtpasswd() && "htpasswd"].filter(Boolean);
const skip = missing.length > 0;
const SKIP_REASON = `${missing.join(", ")} not installed (apt-get install docker-registry skopeo openssl apache2-utils)`;

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");
const MULTI_ARCH = ["seed/multi-oci:v1", "seed/multi-docker:v1"];
const SINGLE_ARCH = ["seed/single:v1", "seed/single:v2", "seed/single:v3"];
const IMAGES = [...SINGLE_ARCH, ...MULTI_ARCH];
const BIG_LAYER = 1_500_000;
const USER = "puller";
const PASSWORD = "S3rve-me-pw";

/** What a registry answered, reduced to what a client depends on. */
interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly digest: string | null;
  readonly contentLength: string | null;
  readonly contentRange: string | null;
  readonly link: string | null;
  readonly body: Uint8Array;
}

async function ask(base: string, path: string, init: RequestInit & { tls?: { ca: string } } = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { ...init, headers: { Accept: ACCEPT, ...(init.headers as Record<string, string>) } } as RequestInit);
  const body = new Uint8Array(await response.arrayBuffer());
  const header = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    contentType: header("content-type"),
    digest: header("docker-content-digest"),
    contentLength: header("content-length"),
    contentRange: header("content-range"),
    link: header("link"),
    body,
  };
}

function text(answer: Answer): string {
  return new TextDecoder().decode(answer.body);
}

function errorCode(answer: Answer): string | undefined {
  return (JSON.parse(text(answer)) as { errors?: { code: string }[] }).errors?.[0]?.code;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
}

/** One HTTP/1.1 request with the target sent exactly as given (fetch would normalize `..` away). */
function rawRequest(port: number, method: string, target: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const response = Buffer.concat(chunks).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0), text: response });
    });
  });
}

/** Follow `Link: <…>; rel="next"` from `first` and collect one key of every page. */
async function allPages(base: string, first: string, key: "repositories" | "tags"): Promise<{ items: string[]; pages: number }> {
  const items: string[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    const answer = await ask(base, next);
    expect(answer.status).toBe(200);
    items.push(...(JSON.parse(text(answer))[key] as string[]));
    pages += 1;
    next = answer.link ? /^<([^>]+)>; rel="next"$/.exec(answer.link)![1] : undefined;
    expect(pages).toBeLessThan(20);
  }
  return { items, pages };
}

describe.skipIf(skip)(`lade serve registry${skip ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  let origin: DockerRegistry;
  let mirrorDir: string;
  let served: LadeRegistry;
  /** Every manifest (by digest) of every image: repository → digests, top-level first. */
  const manifests = new Map<string, string[]>();

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all([
      seedImage(origin, "seed/single:v1", { layerSizes: [3000, BIG_LAYER] }),
      seedImage(origin, "seed/single:v2", { layerSizes: [2000] }),
      seedImage(origin, "seed/multi-oci:v1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [5000, 1_100_000] }),
      seedImage(origin, "seed/multi-docker:v1", { platforms: ["linux/amd64", "linux/arm64"], dockerFormat: true, layerSizes: [7000] }),
    ]);
    // a third tag naming the same manifest as v1
    await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${origin.host}/seed/single:v1`, `docker://${origin.host}/seed/single:v3`]);
    for (const name of IMAGES) {
      const [repository, tag] = name.split(":") as [string, string];
      const top = await ask(origin.url, `/v2/${repository}/manifests/${tag}`);
      const children = (JSON.parse(text(top)) as { manifests?: { digest: string }[] }).manifests?.map((child) => child.digest) ?? [];
      manifests.set(repository, [...new Set([...(manifests.get(repository) ?? []), top.digest!, ...children])]);
    }

    mirrorDir = join(tempDir("lade-serve-"), "registry");
    const root = tempDir("lade-serve-root-");
    // a single-platform image cannot be mirrored for two platforms, so it goes in a run of its own
    for (const [names, platforms] of [[MULTI_ARCH, "linux/amd64,linux/arm64"], [SINGLE_ARCH, "linux/amd64"]] as const) {
      const result = await runLade(["--root", root, "mirror", ...names.map((name) => `${origin.host}/${name}`), "--dir", mirrorDir, "--platform", platforms]);
      if (result.exitCode !== 0) throw new Error(`lade mirror failed: ${result.stderr}`);
    }
    served = await startLadeRegistry(["--dir", mirrorDir]);
  });

  afterAll(async () => {
    await Promise.all([served?.stop(), origin?.stop()]);
  });

  test("skopeo inspect --raw gives the origin's bytes, by tag and by digest", async () => {
    for (const name of IMAGES) {
      const [repository] = name.split(":") as [string];
      const expected = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${name}`]);
      expect(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/${name}`])).toBe(expected);
      for (const digest of manifests.get(repository)!) {
        const byDigest = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${repository}@${digest}`]);
        expect(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/${repository}@${digest}`])).toBe(byDigest);
      }
    }
  });

  test("skopeo copy --all copies every image out, every platform, digests verified", async () => {
    for (const name of IMAGES) {
      await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${served.host}/${name}`, `oci:${tempDir("lade-serve-copy-")}:copy`]);
    }
  });

  test("HEAD and GET of manifests carry the manifest's Content-Type, Docker-Content-Digest and length", async () => {
    for (const [repository, digests] of manifests) {
      for (const digest of digests) {
        const expected = await ask(origin.url, `/v2/${repository}/manifests/${digest}`);
        const get = await ask(served.url, `/v2/${repository}/manifests/${digest}`);
        expect(get.status).toBe(200);
        expect(get.body).toEqual(expected.body);
        expect(sha256(get.body)).toBe(digest);
        expect(get.digest).toBe(digest);
        expect(get.contentType).toBe(expected.contentType);
        expect(get.contentType).toBe(JSON.parse(text(get)).mediaType);
        expect(get.contentLength).toBe(String(expected.body.length));
        const head = await ask(served.url, `/v2/${repository}/manifests/${digest}`, { method: "HEAD" });
        expect([head.status, head.contentType, head.digest, head.contentLength, head.body.length]).toEqual([200, get.contentType, digest, get.contentLength, 0]);
      }
    }
    const byTag = await ask(served.url, "/v2/seed/multi-docker/manifests/v1", { method: "HEAD" });
    expect(byTag.contentType).toBe("application/vnd.docker.distribution.manifest.list.v2+json");
    expect(byTag.digest).toBe(manifests.get("seed/multi-docker")![0]!);
  });

  test("blobs: whole, HEAD, and Range requests give 206 with the right bytes; bad ranges 416", async () => {
    const layer = (await originBlobs({ registry: origin }, "seed/single:v1")).find((blob) => blob.size > BIG_LAYER)!;
    const path = `/v2/seed/single/blobs/${layer.digest}`;
    const whole = (await ask(origin.url, path)).body;
    expect(whole.length).toBe(layer.size);
    const size = whole.length;

    const full = await ask(served.url, path);
    expect([full.status, full.contentType, full.digest, full.contentLength]).toEqual([200, "application/octet-stream", layer.digest, String(size)]);
    expect(sha256(full.body)).toBe(layer.digest);
    const head = await ask(served.url, path, { method: "HEAD" });
    expect([head.status, head.digest, head.contentLength, head.body.length]).toEqual([200, layer.digest, String(size), 0]);

    const ranges: [string, number, number][] = [
      ["bytes=0-0", 0, 0],
      ["bytes=100-4195", 100, 4195],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      ["bytes=1000000-", 1_000_000, size - 1],
      ["bytes=-700", size - 700, size - 1],
      [`bytes=-${size + 5}`, 0, size - 1], // a suffix longer than the blob is the whole blob
      [`bytes=${size - 3}-${size + 100}`, size - 3, size - 1], // an end past the blob is clamped
    ];
    for (const [range, first, last] of ranges) {
      const answer = await ask(served.url, path, { headers: { Range: range } });
      expect([range, answer.status, answer.contentRange, answer.contentLength]).toEqual([range, 206, `bytes ${first}-${last}/${size}`, String(last - first + 1)]);
      expect(answer.body).toEqual(whole.subarray(first, last + 1));
      expect(answer.digest).toBe(layer.digest);
      const headRange = await ask(served.url, path, { method: "HEAD", headers: { Range: range } });
      expect([headRange.status, headRange.contentRange, headRange.body.length]).toEqual([206, `bytes ${first}-${last}/${size}`, 0]);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=500-100", "bytes=-0", "bytes=-", "bytes=abc-def"]) {
      const answer = await ask(served.url, path, { headers: { Range: range } });
      expect([range, answer.status, answer.contentRange]).toEqual([range, 416, `bytes */${size}`]);
      expect(errorCode(answer)).toBe("RANGE_INVALID");
    }
    // a range the server may ignore (several ranges, another unit) gets the whole blob
    for (const range of ["bytes=0-1,5-6", "items=0-10"]) {
      const answer = await ask(served.url, path, { headers: { Range: range } });
      expect([range, answer.status, answer.body.length]).toEqual([range, 200, size]);
    }
  });

  test("tags/list and _catalog page with n and last, and a Link to the next page", async () => {
    const repositories = ["seed/multi-docker", "seed/multi-oci", "seed/single"];
    expect(JSON.parse(text(await ask(served.url, "/v2/_catalog")))).toEqual({ repositories });
    expect(JSON.parse(text(await ask(served.url, "/v2/seed/single/tags/list")))).toEqual({ name: "seed/single", tags: ["v1", "v2", "v3"] });

    const firstPage = await ask(served.url, "/v2/_catalog?n=2");
    expect(JSON.parse(text(firstPage))).toEqual({ repositories: repositories.slice(0, 2) });
    expect(firstPage.link).toBe(`</v2/_catalog?last=seed%2Fmulti-oci&n=2>; rel="next"`);
    expect(await allPages(served.url, "/v2/_catalog?n=2", "repositories")).toEqual({ items: repositories, pages: 2 });
    expect(await allPages(served.url, "/v2/_catalog?n=1", "repositories")).toEqual({ items: repositories, pages: 3 });
    expect(JSON.parse(text(await ask(served.url, "/v2/_catalog?last=seed%2Fmulti-docker")))).toEqual({ repositories: repositories.slice(1) });
    const exact = await ask(served.url, "/v2/_catalog?n=3");
    expect([JSON.parse(text(exact)).repositories, exact.link]).toEqual([repositories, null]);
    const none = await ask(served.url, "/v2/_catalog?n=0");
    expect([JSON.parse(text(none)).repositories, none.link]).toEqual([[], null]);

    const tagPage = await ask(served.url, "/v2/seed/single/tags/list?n=2");
    expect(JSON.parse(text(tagPage))).toEqual({ name: "seed/single", tags: ["v1", "v2"] });
    expect(tagPage.link).toBe(`</v2/seed/single/tags/list?last=v2&n=2>; rel="next"`);
    expect(await allPages(served.url, "/v2/seed/single/tags/list?n=1", "tags")).toEqual({ items: ["v1", "v2", "v3"], pages: 3 });
    expect(JSON.parse(text(await ask(served.url, "/v2/seed/single/tags/list?n=5&last=v1"))).tags).toEqual(["v2", "v3"]);
  });

  test("serves docker-registry's own storage folder exactly as docker-registry does", async () => {
    const fromStorage = await startLadeRegistry(["--dir", origin.storage], { quiet: true });
    try {
      const paths = ["/v2/", "/v2/_catalog", "/v2/_catalog?n=1", "/v2/_catalog?n=2&last=seed%2Fmulti-docker", "/v2/_catalog?n=0"];
      for (const [repository, digests] of manifests) {
        paths.push(`/v2/${repository}/tags/list`, `/v2/${repository}/manifests/v1`);
        for (const digest of digests) paths.push(`/v2/${repository}/manifests/${digest}`);
      }
      for (const name of IMAGES) {
        for (const blob of await originBlobs({ registry: origin }, name)) paths.push(`/v2/${name.split(":")[0]}/blobs/${blob.digest}`);
      }
      const unknown = `sha256:${"0".repeat(64)}`;
      const failing = [
        "/v2/nothing/here/tags/list",
        "/v2/seed/tags/list",
        "/v2/seed/single/manifests/v9",
        `/v2/seed/single/manifests/${unknown}`,
        `/v2/seed/single/blobs/${unknown}`,
        "/v2/seed/single/blobs/sha256:abc",
      ];
      const compare = async (path: string, init: RequestInit = {}) => {
        const [expected, actual] = await Promise.all([ask(origin.url, path, init), ask(fromStorage.url, path, init)]);
        const view = (answer: Answer) => ({ path, ...init, status: answer.status, contentType: answer.contentType, digest: answer.digest, contentRange: answer.contentRange, link: answer.link });
        expect(view(actual)).toEqual(view(expected));
        if (expected.status < 300) expect(actual.body).toEqual(expected.body);
        else if (init.method !== "HEAD") expect(errorCode(actual)).toBe(errorCode(expected)!);
      };
      for (const path of [...paths, ...failing]) {
        await compare(path);
        // (docker-registry answers HEAD only for manifests and blobs; lade for every GET route)
        if (/\/(manifests|blobs)\//.test(path)) await compare(path, { method: "HEAD" });
      }
      const layer = (await originBlobs({ registry: origin }, "seed/single:v1")).find((blob) => blob.size > BIG_LAYER)!;
      // (an unsatisfiable range is left out: docker-registry answers it in text/plain, lade with a JSON error)
      for (const range of ["bytes=0-99", "bytes=10-", "bytes=-10", "bytes=5-1000000000", "bytes=-1000000000"]) {
        await compare(`/v2/seed/single/blobs/${layer.digest}`, { headers: { Range: range } });
      }
    } finally {
      await fromStorage.stop();
    }
  });

  test("unknown names, tags, blobs and bad digests get the spec's error codes as JSON", async () => {
    const unknown = `sha256:${"0".repeat(64)}`;
    const cases: [string, number, string][] = [
      ["/v2/no/such/repo/tags/list", 404, "NAME_UNKNOWN"],
      ["/v2/no/such/repo/manifests/v1", 404, "NAME_UNKNOWN"],
      ["/v2/seed/manifests/v1", 404, "NAME_UNKNOWN"], // a folder of repositories, not one
      ["/v2/seed/single/manifests/nope", 404, "MANIFEST_UNKNOWN"],
      [`/v2/seed/single/manifests/${unknown}`, 404, "MANIFEST_UNKNOWN"],
      [`/v2/seed/single/blobs/${unknown}`, 404, "BLOB_UNKNOWN"],
      ["/v2/seed/single/blobs/sha256:abc", 400, "DIGEST_INVALID"],
      [`/v2/seed/single/blobs/md5:${"0".repeat(32)}`, 400, "DIGEST_INVALID"],
      [`/v2/seed/single/blobs/sha256:${"G".repeat(64)}`, 400, "DIGEST_INVALID"],
      ["/v2/seed/single/manifests/sha256:1234", 400, "DIGEST_INVALID"],
      ["/v2/seed/single/manifests/-bad-tag", 400, "TAG_INVALID"],
      ["/v2/Seed/Single/tags/list", 400, "NAME_INVALID"],
    ];
    for (const [path, status, code] of cases) {
      const answer = await ask(served.url, path);
      expect([path, answer.status, answer.contentType, errorCode(answer)]).toEqual([path, status, "application/json; charset=utf-8", code]);
      expect(JSON.parse(text(answer)).errors[0].message).toEqual(expect.any(String));
      const head = await ask(served.url, path, { method: "HEAD" });
      expect([path, head.status, head.body.length]).toEqual([path, status, 0]);
    }
    // a blob of another repository is not served through this one
    const otherLayer = (await originBlobs({ registry: origin }, "seed/multi-docker:v1"))[0]!;
    expect(errorCode(await ask(served.url, `/v2/seed/single/blobs/${otherLayer.digest}`))).toBe("BLOB_UNKNOWN");
  });

  test("traversal attempts and symbolic links never reach a file outside the folder", async () => {
    const outside = tempDir("lade-serve-outside-");
    const secret = "TOP-SECRET-not-in-the-registry";
    writeFileSync(join(outside, "secret"), secret);
    const v1 = readFileSync(join(mirrorDir, "docker/registry/v2/repositories/seed/single/_manifests/tags/v1/current/link"), "utf8");
    writeTree(join(outside, "repo"), { "_manifests/tags/v1/current/link": v1, "_layers/README": "" });
    const secretDigest = sha256(new TextEncoder().encode(secret));
    const secretHex = secretDigest.slice(7);

    // a copy of the mirror with links planted in it
    const planted = join(tempDir("lade-serve-planted-"), "registry");
    cpSync(mirrorDir, planted, { recursive: true });
    const v2 = join(planted, "docker/registry/v2");
    writeTree(v2, {
      // a blob whose data file is a link to a file outside, linked into a repository
      [`blobs/sha256/${secretHex.slice(0, 2)}/${secretHex}/data`]: { symlink: join(outside, "secret") },
      [`repositories/seed/single/_layers/sha256/${secretHex}/link`]: secretDigest,
      // a whole repository that is a link to a folder outside, and one to the root
      "repositories/escape": { symlink: join(outside, "repo") },
      "repositories/rootfs": { symlink: "/" },
      // a tag whose link file points outside, and a tag folder that is a link inside the folder
      "repositories/seed/single/_manifests/tags/evil/current/link": { symlink: join(outside, "repo/_manifests/tags/v1/current/link") },
      "repositories/seed/single/_manifests/tags/alias": { symlink: "v1" },
      // a loop, which a catalog walk must not follow
      "repositories/seed/loop": { symlink: "." },
    });
    const server = await startLadeRegistry(["--dir", planted], { quiet: true });
    try {
      const expectNot = async (path: string, status: number, code: string) => {
        const answer = await ask(server.url, path);
        expect([path, answer.status, errorCode(answer)]).toEqual([path, status, code]);
        expect(text(answer)).not.toContain(secret);
      };
      await expectNot(`/v2/seed/single/blobs/${secretDigest}`, 404, "BLOB_UNKNOWN");
      await expectNot("/v2/escape/tags/list", 404, "NAME_UNKNOWN");
      await expectNot("/v2/escape/manifests/v1", 404, "NAME_UNKNOWN");
      await expectNot("/v2/rootfs/etc/tags/list", 404, "NAME_UNKNOWN");
      await expectNot("/v2/seed/single/manifests/evil", 404, "MANIFEST_UNKNOWN");
      await expectNot("/v2/seed/single/manifests/alias", 404, "MANIFEST_UNKNOWN");
      await expectNot("/v2/seed/loop/single/tags/list", 404, "NAME_UNKNOWN");
      expect(JSON.parse(text(await ask(server.url, "/v2/_catalog"))).repositories).toEqual(["seed/multi-docker", "seed/multi-oci", "seed/single"]);
      // "evil" is a real folder (its link file is the link), listed as distribution lists it; "alias" is not
      expect(JSON.parse(text(await ask(server.url, "/v2/seed/single/tags/list"))).tags).toEqual(["evil", "v1", "v2", "v3"]);
      expect((await ask(server.url, "/v2/seed/single/manifests/v1")).status).toBe(200);

      // request targets sent byte for byte, without a client normalizing them
      const targets = [
        "/v2/../../etc/passwd",
        "/v2/../../../../../../etc/passwd",
        "/v2/%2e%2e/%2e%2e/etc/passwd",
        "/v2/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/v2/seed/single/../../../../etc/passwd",
        "/v2/seed%2F..%2F..%2F..%2F..%2Fetc/tags/list",
        "/v2/seed/single/manifests/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/v2/seed/single/blobs/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/v2/seed/single/blobs/sha256:..%2F..%2F..%2Fetc%2Fpasswd",
        "/v2//etc/passwd/manifests/v1",
        "/v2/%2Fetc%2Fpasswd/tags/list",
        "//etc/passwd",
        "/etc/passwd",
        `/v2/escape/../seed/single/blobs/${secretDigest}`,
        "/v2/seed/single/manifests/%zz",
        "/v2/seed/single/manifests/v1%00",
      ];
      for (const target of targets) {
        const answer = await rawRequest(server.port, "GET", target);
        expect([target, answer.status >= 400 && answer.status < 500]).toEqual([target, true]);
        expect(answer.text).not.toContain("root:x:0:0");
        expect(answer.text).not.toContain(secret);
      }
      // an encoded slash is only a name separator, as in distribution
      expect((await rawRequest(server.port, "GET", "/v2/seed%2Fsingle/tags/list")).status).toBe(200);
      expect(server.process.exitCode).toBeNull();
    } finally {
      await server.stop();
    }
  });

  test("writes get 405 UNSUPPORTED", async () => {
    const digest = manifests.get("seed/single")![0]!;
    const writes: [string, string][] = [
      ["PUT", "/v2/seed/single/manifests/v9"],
      ["DELETE", `/v2/seed/single/manifests/${digest}`],
      ["POST", "/v2/seed/single/blobs/uploads/"],
      ["PATCH", "/v2/seed/single/blobs/uploads/0b0c0d"],
      ["PUT", `/v2/seed/single/blobs/uploads/0b0c0d?digest=${digest}`],
      ["DELETE", `/v2/seed/single/blobs/${digest}`],
      ["POST", "/v2/new/repo/blobs/uploads/?mount=x&from=seed/single"],
    ];
    for (const [method, path] of writes) {
      const answer = await ask(served.url, path, { method, body: method === "DELETE" ? undefined : "x" });
      expect([method, path, answer.status, errorCode(answer)]).toEqual([method, path, 405, "UNSUPPORTED"]);
    }
    expect(JSON.parse(text(await ask(served.url, "/v2/seed/single/tags/list"))).tags).toEqual(["v1", "v2", "v3"]);
  });

  test("--htpasswd: 401 with a Basic challenge without or with wrong credentials, 200 with the right ones", async () => {
    const server = await startLadeRegistry(["--dir", mirrorDir], { htpasswd: writeHtpasswd(USER, PASSWORD), quiet: true });
    try {
      const basic = (user: string, password: string) => ({ Authorization: `Basic ${btoa(`${user}:${password}`)}` });
      for (const headers of [{}, basic(USER, "wrong-password"), basic("nobody", PASSWORD), { Authorization: "Basic !!!" }, { Authorization: "Bearer abc" }]) {
        for (const path of ["/v2/", "/v2/seed/single/manifests/v1", "/v2/_catalog"]) {
          const response = await fetch(`${server.url}${path}`, { headers });
          expect([path, response.status]).toEqual([path, 401]);
          expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="[^"]+"$/);
          expect(((await response.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("UNAUTHORIZED");
        }
      }
      expect((await fetch(`${server.url}/v2/`, { headers: basic(USER, PASSWORD) })).status).toBe(200);
      const manifest = await ask(server.url, "/v2/seed/single/manifests/v1", { headers: basic(USER, PASSWORD) });
      expect([manifest.status, manifest.digest]).toEqual([200, manifests.get("seed/single")![0]!]);

      await expect(skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${server.host}/seed/single:v1`])).rejects.toThrow(/unauthorized|authentication required/i);
      await expect(skopeo(["inspect", "--raw", "--tls-verify=false", "--creds", `${USER}:nope`, `docker://${server.host}/seed/single:v1`])).rejects.toThrow();
      const expected = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/seed/multi-oci:v1`]);
      expect(await skopeo(["inspect", "--raw", "--tls-verify=false", "--creds", `${USER}:${PASSWORD}`, `docker://${server.host}/seed/multi-oci:v1`])).toBe(expected);
      await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", "--src-creds", `${USER}:${PASSWORD}`, `docker://${server.host}/seed/multi-oci:v1`, `oci:${tempDir()}:x`]);
    } finally {
      await server.stop();
    }
  });

  test("--tls-cert/--tls-key: skopeo trusts it through --src-cert-dir holding only ca.crt", async () => {
    const certificate = selfSignedCertificate();
    const server = await startLadeRegistry(["--dir", mirrorDir], { tls: certificate, quiet: true });
    try {
      expect(server.url).toStartWith("https://127.0.0.1:");
      const answer = await ask(server.url, "/v2/seed/multi-docker/manifests/v1", { tls: { ca: certificate.ca } });
      expect([answer.status, answer.digest]).toEqual([200, manifests.get("seed/multi-docker")![0]!]);
      // not trusted without the CA
      await expect(fetch(`${server.url}/v2/`)).rejects.toThrow();
      await expect(skopeo(["inspect", "--raw", `docker://${server.host}/seed/single:v1`])).rejects.toThrow(/certificate/i);
      for (const name of MULTI_ARCH) {
        const expected = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${name}`]);
        expect(await skopeo(["inspect", "--raw", "--cert-dir", certificate.caDir, `docker://${server.host}/${name}`])).toBe(expected);
        await skopeo(["copy", "--quiet", "--all", "--src-cert-dir", certificate.caDir, `docker://${server.host}/${name}`, `oci:${tempDir()}:x`]);
      }
      // plain HTTP to the TLS port gets nothing served
      const plain = await fetch(`http://${server.host}/v2/`).then((response) => response.status, () => 0);
      expect(plain).not.toBe(200);
    } finally {
      await server.stop();
    }
  });

  test("SIGTERM stops listening at once, lets an in-flight slow download finish, then exits 0", async () => {
    const size = 32 * 1024 * 1024;
    const bytes = deterministicBytes("sigterm-blob", size);
    const digest = sha256(bytes);
    const hex = digest.slice(7);
    const dir = join(tempDir("lade-serve-big-"), "registry");
    writeTree(join(dir, "docker/registry/v2"), {
      [`repositories/big/blob/_layers/sha256/${hex}/link`]: digest,
    });
    mkdirSync(join(dir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex), { recursive: true });
    writeFileSync(join(dir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data"), bytes);
    const server = await startLadeRegistry(["--dir", dir]);
    const output = join(tempDir(), "download");
    // curl reads at 16 MB/s, so the 32 MiB answer takes about 2 s and is in flight when SIGTERM comes
    const curl = Bun.spawn(["curl", "-sS", "--fail", "--limit-rate", "16M", "-o", output, "-w", "%{http_code}", `${server.url}/v2/big/blob/blobs/${digest}`], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const deadline = Date.now() + 10_000;
    while (!(Bun.file(output).size > 0) && Date.now() < deadline) await Bun.sleep(20);
    expect(Bun.file(output).size).toBeGreaterThan(0);
    server.process.kill("SIGTERM");
    await Bun.sleep(300);
    // still running (the download is not done), but no longer accepting connections
    expect(server.process.exitCode).toBeNull();
    expect(await fetch(`${server.url}/v2/`).then((response) => response.status, () => "refused")).not.toBe(200);
    const [status, curlExit] = await Promise.all([new Response(curl.stdout).text(), curl.exited]);
    expect([curlExit, status]).toEqual([0, "200"]);
    const downloaded = await Bun.file(output).bytes();
    expect(downloaded.length).toBe(size);
    expect(sha256(downloaded)).toBe(digest);
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).toContain("Stopping: waiting for requests in flight");
    expect(server.stderr()).toMatch(new RegExp(`GET /v2/big/blob/blobs/${digest} 200 ${size}`));
  });

  test("--image serves the registry inside a cluster image, for each platform", async () => {
    const root = tempDir("lade-serve-image-root-");
    const context = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY imageList manifests/\n",
      imageList: MULTI_ARCH.map((name) => `${origin.host}/${name}`).join("\n"),
    });
    const build = await runLade(["--root", root, "build", "-t", "cluster:1", "--platform", "linux/amd64,linux/arm64", context]);
    expect(build.exitCode).toBe(0);
    // the 1.1 MB layer of multi-oci is a plain-tar layer of its own, served as a slice of that layer
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "cluster:1", "--json"])).stdout);
    expect(inspected.platforms[0].layers.some((layer: { mediaType: string }) => layer.mediaType === "application/vnd.oci.image.layer.v1.tar")).toBe(true);

    for (const platform of [undefined, "linux/amd64", "linux/arm64"]) {
      const server = await startLadeRegistry(["--image", "cluster:1", ...(platform ? ["--platform", platform] : [])], { globalArgs: ["--root", root], quiet: true });
      try {
        expect(JSON.parse(text(await ask(server.url, "/v2/_catalog"))).repositories).toEqual(["seed/multi-docker", "seed/multi-oci"]);
        for (const name of MULTI_ARCH) {
          const expected = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${name}`]);
          expect(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${server.host}/${name}`])).toBe(expected);
          await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${server.host}/${name}`, `oci:${tempDir()}:x`]);
        }
        const layer = (await originBlobs({ registry: origin }, "seed/multi-oci:v1")).find((blob) => blob.size > 1_000_000)!;
        const whole = await ask(origin.url, `/v2/seed/multi-oci/blobs/${layer.digest}`);
        const range = await ask(server.url, `/v2/seed/multi-oci/blobs/${layer.digest}`, { headers: { Range: "bytes=1000-1999" } });
        expect([range.status, range.contentRange]).toEqual([206, `bytes 1000-1999/${layer.size}`]);
        expect(range.body).toEqual(whole.body.subarray(1000, 2000));
      } finally {
        await server.stop();
      }
    }
    const wrong = await runLade(["--root", root, "serve", "registry", "--image", "cluster:1", "--platform", "linux/s390x", "--addr", "127.0.0.1:0"]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain("linux/s390x");
  });
});
