import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { freeLoopbackPort, hasHtpasswd, startLadeRegistry, writeHtpasswd, type LadeRegistry } from "../support/lade-registry.ts";
import { deterministicBytes, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { snapshotFiles } from "../support/file-snapshot.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * Pushes into `lade serve registry --push-dir`: skopeo (an independent client) pushes and pulls,
 * fetch drives the spec's edge cases step by step. The image's registry folder (a copy of what a
 * real docker-registry wrote) must come out of it byte for byte as it went in.
 */
const available = hasDockerRegistry() && hasSkopeo() && hasHtpasswd();
const USER = "ci";
const PASSWORD = "Push-me-pw";
const AUTH = `Basic ${btoa(`${USER}:${PASSWORD}`)}`;
const MAX_BLOB = 1_000_000;

function sha256(bytes: Uint8Array): string {
  return `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
}


function errorCode(text: string): string | undefined {
  return (JSON.parse(text) as { errors?: { code: string }[] }).errors?.[0]?.code;
}

describe.skipIf(!available)("lade serve registry --push-dir", () => {
  let origin: DockerRegistry;
  let served: LadeRegistry;
  let imageDir: string;
  let pushDir: string;
  let before: string[];
  const url = (path: string) => `${served.url}${path}`;
  const send = (method: string, path: string, init: RequestInit = {}, auth = true) =>
    fetch(url(path), { ...init, method, headers: { ...(auth ? { Authorization: AUTH } : {}), ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await seedImage(origin, "base/tool:v1", { layerSizes: [4000] });
    await seedImage(origin, "apps/web:v1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [3000, 200_000] });
    imageDir = join(tempDir("lade-push-image-"), "registry");
    // the image's registry: base/tool only, as a real docker-registry wrote it
    cpSync(origin.storage, imageDir, { recursive: true });
    Bun.spawnSync(["rm", "-rf", join(imageDir, "docker/registry/v2/repositories/apps")]);
    before = snapshotFiles(imageDir);
    pushDir = join(tempDir("lade-push-area-"), "pushed");
    served = await startLadeRegistry(["--dir", imageDir, "--push-dir", pushDir, "--anonymous-read", "--max-blob-size", String(MAX_BLOB)], {
      htpasswd: writeHtpasswd(USER, PASSWORD),
    });
  });

  afterAll(async () => {
    await Promise.all([served?.stop(), origin?.stop()]);
  });

  test("skopeo pushes a multi-platform image with credentials and pulls it back byte for byte; anonymous pulls work, anonymous pushes get 401", async () => {
    const target = `docker://${served.host}/apps/web:v1`;
    const source = `docker://${origin.host}/apps/web:v1`;
    await expect(skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", source, target])).rejects.toThrow(/unauthorized|authentication required/i);
    await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-creds", `${USER}:${PASSWORD}`, source, target]);
    const raw = (reference: string) => skopeo(["inspect", "--raw", "--tls-verify=false", reference]);
    expect(await raw(target)).toBe(await raw(source));
    const pulled = tempDir("lade-push-pulled-");
    await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", target, `oci:${pulled}:web`]);
    const index = JSON.parse(readFileSync(join(pulled, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    expect(index.manifests).toHaveLength(1);
    // the image's own content is still served, to anyone
    const manifest = await fetch(url("/v2/base/tool/manifests/v1"), { headers: { Accept: "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json" } });
    expect(manifest.status).toBe(200);
    const push = await fetch(url("/v2/apps/web/blobs/uploads/"), { method: "POST" });
    expect(push.status).toBe(401);
    expect(push.headers.get("www-authenticate")).toBe('Basic realm="lade"');
    const tags = await (await fetch(url("/v2/apps/web/tags/list"))).json();
    expect(tags).toEqual({ name: "apps/web", tags: ["v1"] });
    expect(snapshotFiles(imageDir)).toEqual(before);
    expect(existsSync(join(pushDir, "docker/registry/v2/repositories/apps/web/_manifests/tags/v1/current/link"))).toBe(true);
  }, 60_000);

  test("a chunked upload step by step: PATCH with Content-Range, GET for the status, a chunk out of place is 416, PUT checks the digest", async () => {
    const blob = deterministicBytes("chunked", 300_000);
    const start = await send("POST", "/v2/chunks/blob/blobs/uploads/");
    expect(start.status).toBe(202);
    expect(start.headers.get("range")).toBe("0-0");
    const location = start.headers.get("location")!;
    const path = new URL(location).pathname;
    const first = await send("PATCH", path, { body: blob.slice(0, 100_000), headers: { "Content-Range": "0-99999", "Content-Type": "application/octet-stream" } });
    expect(first.status).toBe(202);
    expect(first.headers.get("range")).toBe("0-99999");
    const status = await send("GET", path);
    expect(status.status).toBe(204);
    expect(status.headers.get("range")).toBe("0-99999");
    expect(status.headers.get("docker-upload-uuid")).toBe(path.split("/").at(-1)!);
    const misplaced = await send("PATCH", path, { body: blob.slice(50_000, 60_000), headers: { "Content-Range": "50000-59999" } });
    expect(misplaced.status).toBe(416);
    const second = await send("PATCH", path, { body: blob.slice(100_000), headers: { "Content-Range": "100000-299999" } });
    expect(second.headers.get("range")).toBe("0-299999");
    const done = await send("PUT", `${path}?digest=${sha256(blob)}`);
    expect(done.status).toBe(201);
    expect(done.headers.get("docker-content-digest")).toBe(sha256(blob));
    const head = await send("HEAD", `/v2/chunks/blob/blobs/${sha256(blob)}`);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("300000");
    expect(sha256(new Uint8Array(await (await send("GET", `/v2/chunks/blob/blobs/${sha256(blob)}`)).arrayBuffer()))).toBe(sha256(blob));
  });

  test("a wrong digest, a manifest without its blobs, a manifest digest that does not match, a blob over the limit: each its spec error, nothing stored", async () => {
    const blob = deterministicBytes("wrong", 5000);
    const wrongDigest = sha256(deterministicBytes("other", 10));
    const wrong = await send("POST", `/v2/bad/one/blobs/uploads/?digest=${wrongDigest}`, { body: blob });
    expect(wrong.status).toBe(400);
    expect(errorCode(await wrong.text())).toBe("DIGEST_INVALID");
    expect((await send("HEAD", `/v2/bad/one/blobs/${wrongDigest}`)).status).toBe(404);
    expect((await send("HEAD", `/v2/bad/one/blobs/${sha256(blob)}`)).status).toBe(404);

    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const manifest = new TextEncoder().encode(
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length }, layers: [] }),
    );
    const type = { "Content-Type": "application/vnd.oci.image.manifest.v1+json" };
    const missing = await send("PUT", "/v2/bad/one/manifests/v1", { body: manifest, headers: type });
    expect(missing.status).toBe(400);
    const body = JSON.parse(await missing.text()) as { errors: { code: string; detail: { digest: string } }[] };
    expect(body.errors[0]).toMatchObject({ code: "MANIFEST_BLOB_UNKNOWN", detail: { digest: sha256(config) } });
    expect((await send("GET", "/v2/bad/one/tags/list")).status).toBe(404);
    expect((await send("POST", `/v2/bad/one/blobs/uploads/?digest=${sha256(config)}`, { body: config })).status).toBe(201);
    const mismatch = await send("PUT", `/v2/bad/one/manifests/${wrongDigest}`, { body: manifest, headers: type });
    expect(mismatch.status).toBe(400);
    expect(errorCode(await mismatch.text())).toBe("DIGEST_INVALID");
    expect(await (await send("GET", "/v2/bad/one/tags/list")).json()).toEqual({ name: "bad/one", tags: [] });
    const put = await send("PUT", "/v2/bad/one/manifests/v1", { body: manifest, headers: type });
    expect(put.status).toBe(201);
    expect(put.headers.get("docker-content-digest")).toBe(sha256(manifest));

    const big = await send("POST", "/v2/bad/big/blobs/uploads/", { headers: { "Content-Length": "0" } });
    const bigPath = new URL(big.headers.get("location")!).pathname;
    const over = await send("PATCH", bigPath, { body: new Uint8Array(MAX_BLOB + 1) });
    expect(over.status).toBe(413);
    expect(errorCode(await over.text())).toBe("SIZE_INVALID");
    expect((await send("GET", bigPath)).headers.get("range")).toBe("0-0");
    // without a Content-Length (a streamed chunk) the limit holds as the bytes arrive
    const half = new Uint8Array(MAX_BLOB / 2);
    const streamed = (count: number) => {
      let left = count;
      return new ReadableStream<Uint8Array>({ pull: (controller) => (left-- > 0 ? controller.enqueue(half) : controller.close()) });
    };
    expect((await send("PATCH", bigPath, { body: streamed(1), duplex: "half" } as RequestInit)).status).toBe(202);
    const streamedOver = await send("PATCH", bigPath, { body: streamed(2), duplex: "half" } as RequestInit);
    expect(streamedOver.status).toBe(413);
    expect((await send("GET", bigPath)).headers.get("range")).toBe(`0-${MAX_BLOB / 2 - 1}`);

    const deleted = await send("DELETE", "/v2/bad/one/manifests/v1");
    expect(deleted.status).toBe(405);
    expect(snapshotFiles(imageDir)).toEqual(before);
  });

  test("a name with .. is refused; a cross-repository mount of a blob the image has links it without a copy; two pushes of one blob at once both succeed", async () => {
    const raw = await new Promise<number>((resolve, reject) => {
      const socket = connect(served.port, "127.0.0.1", () => socket.write(`POST /v2/../../etc/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
      socket.on("error", reject);
      socket.on("close", () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)));
    });
    expect([400, 404]).toContain(raw);

    // a 5 GiB upload announced by Content-Length is refused before a byte is read
    const announced = await new Promise<string>((resolve, reject) => {
      const socket = connect(served.port, "127.0.0.1", () =>
        socket.write(`POST /v2/huge/blob/blobs/uploads/?digest=sha256:${"0".repeat(64)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: ${5 * 1024 ** 3}\r\n\r\n`),
      );
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString("latin1");
        if (text.includes("\r\n\r\n") && text.includes("}")) socket.destroy();
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    expect(announced).toStartWith("HTTP/1.1 413");
    expect(announced).toContain("SIZE_INVALID");
    expect(existsSync(join(pushDir, "docker/registry/v2/repositories/huge"))).toBe(false);

    const baseIndex = await (await fetch(url("/v2/base/tool/manifests/v1"), { headers: { Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json" } })).json();
    const child = (baseIndex as { manifests?: { digest: string }[] }).manifests?.[0]?.digest;
    const image = child ? await (await fetch(url(`/v2/base/tool/manifests/${child}`), { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } })).json() : baseIndex;
    const layer = (image as { layers: { digest: string }[] }).layers[0]!.digest;
    const mounted = await send("POST", `/v2/mine/tool/blobs/uploads/?mount=${layer}&from=base/tool`);
    expect(mounted.status).toBe(201);
    expect((await send("HEAD", `/v2/mine/tool/blobs/${layer}`)).status).toBe(200);
    const hex = layer.split(":")[1]!;
    expect(existsSync(join(pushDir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex))).toBe(false);

    const blob = deterministicBytes("twice", 400_000);
    const both = await Promise.all([1, 2].map(() => send("POST", `/v2/twice/blob/blobs/uploads/?digest=${sha256(blob)}`, { body: blob })));
    expect(both.map((response) => response.status)).toEqual([201, 201]);
    const twiceHex = sha256(blob).split(":")[1]!;
    const data = join(pushDir, "docker/registry/v2/blobs/sha256", twiceHex.slice(0, 2), twiceHex, "data");
    expect(statSync(data).size).toBe(400_000);
    expect(readdirSync(join(pushDir, "docker/registry/v2/repositories/twice/blob/_uploads"))).toEqual([]);
    expect(snapshotFiles(imageDir)).toEqual(before);
  });

  test("an upload cut off half-way leaves nothing visible, and can be resumed from what arrived", async () => {
    const blob = deterministicBytes("cut", 200_000);
    const start = await send("POST", "/v2/cut/blob/blobs/uploads/");
    const path = new URL(start.headers.get("location")!).pathname;
    const abort = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        controller.enqueue(blob.slice(0, 65_536));
        await Bun.sleep(200);
        abort.abort();
        controller.close();
      },
    });
    await send("PATCH", path, { body, signal: abort.signal, duplex: "half" } as RequestInit).catch(() => undefined);
    await Bun.sleep(200);
    expect((await send("HEAD", `/v2/cut/blob/blobs/${sha256(blob)}`)).status).toBe(404);
    const status = await send("GET", path);
    expect(status.status).toBe(204);
    // distribution's Range: "0-0" is an empty upload, "0-N" one of N+1 bytes
    const range = status.headers.get("range")!;
    const have = range === "0-0" ? 0 : Number(range.split("-")[1]) + 1;
    expect(have).toBeLessThanOrEqual(65_536);
    const rest = await send("PATCH", path, { body: blob.slice(have), headers: { "Content-Range": `${have}-${blob.length - 1}` } });
    expect(rest.status).toBe(202);
    expect((await send("PUT", `${path}?digest=${sha256(blob)}`)).status).toBe(201);
    expect((await send("HEAD", `/v2/cut/blob/blobs/${sha256(blob)}`)).headers.get("content-length")).toBe(String(blob.length));
  });

  test("--config: a docker-distribution config (sealer's registry_config.yml) gives the folder, headers and accounts; --config-only takes some of it", async () => {
    const dir = tempDir("lade-config-");
    const htpasswd = writeHtpasswd(USER, PASSWORD);
    const config = join(dir, "config.yml");
    await Bun.write(
      config,
      `version: 0.1\nlog:\n  fields:\n    service: registry\nstorage:\n  filesystem:\n    rootdirectory: ${imageDir}\nhttp:\n  addr: :5000\n  headers:\n    X-Content-Type-Options: [nosniff]\nauth:\n  htpasswd:\n    realm: corp\n    path: ${htpasswd}\n`,
    );
    const full = await startLadeRegistry(["--config", config]);
    try {
      expect(full.stderr()).toContain(`warning: ${config}:1:1: version does not apply`);
      const anonymous = await fetch(`${full.url}/v2/base/tool/tags/list`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="corp"');
      const tags = await fetch(`${full.url}/v2/base/tool/tags/list`, { headers: { Authorization: AUTH } });
      expect(await tags.json()).toEqual({ name: "base/tool", tags: ["v1"] });
      expect(tags.headers.get("x-content-type-options")).toBe("nosniff");
    } finally {
      await full.stop();
    }
    const headersOnly = await startLadeRegistry(["--dir", imageDir, "--config", config, "--config-only", "headers"]);
    try {
      const open = await fetch(`${headersOnly.url}/v2/base/tool/tags/list`);
      expect(open.status).toBe(200);
      expect(open.headers.get("x-content-type-options")).toBe("nosniff");
    } finally {
      await headersOnly.stop();
    }
  });

  test("/metrics counts what the registry did, by method, kind of path and status, in Prometheus's text format", async () => {
    const answer = await fetch(url("/metrics"));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const text = await answer.text();
    const count = (labels: string) => Number(new RegExp(`^lade_registry_requests_total\\{${labels.replace(/[{}]/g, "\\$&")}\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
    expect(count('method="PUT",kind="manifest",status="201"')).toBeGreaterThanOrEqual(1);
    expect(count('method="PATCH",kind="upload",status="416"')).toBe(1);
    expect(count('method="POST",kind="upload",status="401"')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^lade_registry_sent_bytes_total\{kind="blob"\} [1-9]\d*$/m);
    expect(text).toMatch(/^lade_registry_request_seconds_count\{kind="manifest"\} [1-9]\d*$/m);
  });

  test("lade login against it: the right password is saved, a wrong one is refused and saves nothing", async () => {
    const authFile = join(tempDir("lade-push-login-"), "auth.json");
    const wrong = await runLade(["login", served.host, "-u", USER, "--password-stdin", "--authfile", authFile], { stdin: "nope\n" });
    expect(wrong.exitCode).not.toBe(0);
    expect(existsSync(authFile)).toBe(false);
    const right = await runLade(["login", served.host, "-u", USER, "--password-stdin", "--authfile", authFile], { stdin: `${PASSWORD}\n` });
    expect(right.exitCode, right.stderr).toBe(0);
    expect(JSON.parse(readFileSync(authFile, "utf8")).auths[served.host].auth).toBe(btoa(`${USER}:${PASSWORD}`));
  });

  test("--replicate-to: a push to one registry host is pulled from the other, also when that one was down during the push", async () => {
    const [portA, portB] = [freeLoopbackPort(), freeLoopbackPort()];
    const htpasswd = writeHtpasswd(USER, PASSWORD);
    const start = (port: number, peer: number, dir: string) =>
      startLadeRegistry(["--dir", imageDir, "--push-dir", dir, "--replicate-to", `http://127.0.0.1:${peer}`], { htpasswd, addr: `127.0.0.1:${port}` });
    const [dirA, dirB] = [join(tempDir(), "a"), join(tempDir(), "b")];
    const a = await start(portA, portB, dirA);
    let b = await start(portB, portA, dirB);
    const source = `docker://${origin.host}/apps/web:v1`;
    const push = (port: number, tag: string) =>
      skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-creds", `${USER}:${PASSWORD}`, source, `docker://127.0.0.1:${port}/apps/web:${tag}`]);
    const raw = (port: number, tag: string) => skopeo(["inspect", "--raw", "--tls-verify=false", "--creds", `${USER}:${PASSWORD}`, `docker://127.0.0.1:${port}/apps/web:${tag}`]);
    const eventually = async (check: () => Promise<boolean>) => {
      for (let tries = 0; tries < 100 && !(await check()); tries++) await Bun.sleep(200);
      return check();
    };
    try {
      await push(portA, "one");
      expect(await eventually(async () => (await raw(portB, "one").catch(() => "")) === (await raw(portA, "one")))).toBe(true);
      await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", "--src-creds", `${USER}:${PASSWORD}`, `docker://127.0.0.1:${portB}/apps/web:one`, `oci:${tempDir()}:web`]);
      // B's copy came from A: B sends nothing back
      expect(b.stderr()).not.toContain("replicated apps/web:one");

      await b.stop();
      await push(portA, "two");
      b = await start(portB, portA, dirB);
      expect(await eventually(async () => (await raw(portB, "two").catch(() => "")) === (await raw(portA, "two")))).toBe(true);
      expect(a.stderr()).toContain(`replication to http://127.0.0.1:${portB} of apps/web`);
      expect(readdirSync(join(dirA, "replication", readdirSync(join(dirA, "replication"))[0]!))).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);

  test("a layer bigger than any request buffer (300 MiB in one streamed PATCH) is taken, hashed as it arrives, never held in memory", async () => {
    const unlimited = await startLadeRegistry(["--dir", imageDir, "--push-dir", join(tempDir(), "pushed"), "-q"], { htpasswd: writeHtpasswd(USER, PASSWORD) });
    const send = (method: string, path: string, init: RequestInit = {}) =>
      fetch(`${unlimited.url}${path}`, { ...init, method, headers: { Authorization: AUTH, ...(init.headers as Record<string, string>) } });
    const started = await send("POST", "/v2/big/layer/blobs/uploads/");
    const path = new URL(started.headers.get("location")!).pathname;
    const chunk = deterministicBytes("big", 1024 * 1024);
    const hasher = new Bun.CryptoHasher("sha256");
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 300) return controller.close();
        hasher.update(chunk);
        controller.enqueue(chunk);
        sent += 1;
      },
    });
    const patched = await send("PATCH", path, { body, duplex: "half" } as RequestInit);
    expect(patched.status).toBe(202);
    expect(patched.headers.get("range")).toBe(`0-${300 * 1024 * 1024 - 1}`);
    const digest = `sha256:${hasher.digest("hex")}`;
    const done = await send("PUT", `${path}?digest=${digest}`);
    expect(done.status).toBe(201);
    expect((await send("HEAD", `/v2/big/layer/blobs/${digest}`)).headers.get("content-length")).toBe(String(300 * 1024 * 1024));
    // the server's peak memory stayed far below the 300 MiB it took in
    const peak = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${unlimited.process.pid}/status`, "utf8"))![1]) * 1024;
    expect(peak).toBeLessThan(200 * 1024 * 1024);
    await unlimited.stop();
  }, 120_000);
});
