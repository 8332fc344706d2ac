import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { startLadeRegistry, type LadeRegistry } from "../support/lade-registry.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { snapshotFiles } from "../support/file-snapshot.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * `lade serve registry --proxy`: a pull-through cache in front of a real docker-registry that
 * needs a login (htpasswd). skopeo pulls through lade; the second pull works with the upstream
 * stopped; a small cache evicts its least recently used blobs and fetches them again when asked.
 */
const available = hasDockerRegistry() && hasSkopeo();
const UPSTREAM_USER = "mirror";
const UPSTREAM_PASSWORD = "Upstream-pw-1";
const ACCEPT = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

function authFile(registry: DockerRegistry, password = UPSTREAM_PASSWORD): string {
  const path = join(tempDir("lade-proxy-auth-"), "config.json");
  writeFileSync(path, JSON.stringify({ auths: { [registry.host]: { auth: btoa(`${UPSTREAM_USER}:${password}`) } } }));
  return path;
}

function emptyImageRegistry(): string {
  const dir = join(tempDir("lade-proxy-image-"), "registry");
  mkdirSync(join(dir, "docker/registry/v2/repositories"), { recursive: true });
  return dir;
}


/** The blob files a cache folder holds. */
function cachedBlobs(cacheDir: string): string[] {
  const root = join(cacheDir, "docker/registry/v2/blobs/sha256");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((prefix) => readdirSync(join(root, prefix)).filter((hex) => existsSync(join(root, prefix, hex, "data"))).map((hex) => `sha256:${hex}`));
}

describe.skipIf(!available)("lade serve registry --proxy (a pull-through cache)", () => {
  let upstream: DockerRegistry;
  const servers: LadeRegistry[] = [];
  const serve = async (args: string[]) => {
    const server = await startLadeRegistry(args);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    upstream = await startDockerRegistry({ htpasswd: { user: UPSTREAM_USER, password: UPSTREAM_PASSWORD } });
    const credentials = `${UPSTREAM_USER}:${UPSTREAM_PASSWORD}`;
    await seedImage(upstream, "team/app:v1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [3000, 150_000], credentials });
    await seedImage(upstream, "team/big:v1", { layerSizes: [300_000], credentials });
    await seedImage(upstream, "team/other:v1", { layerSizes: [2000], credentials });
  });

  afterAll(async () => {
    await Promise.all([...servers.map((server) => server.stop()), upstream?.stop()]);
  });

  test("a pull of what is not here comes from the upstream with its credentials, byte for byte; the tag and blobs are then in the cache", async () => {
    const cacheDir = join(tempDir("lade-proxy-cache-"), "cache");
    const lade = await serve(["--dir", emptyImageRegistry(), "--proxy", upstream.url, "--proxy-authfile", authFile(upstream), "--cache-dir", cacheDir]);
    const raw = (reference: string, creds?: string) => skopeo(["inspect", "--raw", "--tls-verify=false", ...(creds ? ["--creds", creds] : []), reference]);
    expect(await raw(`docker://${lade.host}/team/app:v1`)).toBe(await raw(`docker://${upstream.host}/team/app:v1`, `${UPSTREAM_USER}:${UPSTREAM_PASSWORD}`));
    const pulled = tempDir("lade-proxy-pulled-");
    await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${lade.host}/team/app:v1`, `oci:${pulled}:app`]);
    expect(existsSync(join(cacheDir, "docker/registry/v2/repositories/team/app/_manifests/tags/v1/current/link"))).toBe(true);
    // every blob of both platforms went through the cache, verified
    const index = JSON.parse(readFileSync(join(pulled, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    expect(index.manifests).toHaveLength(1);
    expect(cachedBlobs(cacheDir).length).toBeGreaterThanOrEqual(4);
    expect(lade.stderr()).toMatch(/GET \/v2\/team\/app\/manifests\/v1 200/);
  }, 60_000);

  test("the upstream for a domain: containerd's ?ns=DOMAIN, or a leading DOMAIN/ in the name; nothing else goes upstream without a default", async () => {
    const lade = await serve(["--dir", emptyImageRegistry(), "--proxy", `upstream.corp=${upstream.url}`, "--proxy-authfile", authFile(upstream), "--cache-dir", join(tempDir(), "cache")]);
    const get = (path: string) => fetch(`${lade.url}${path}`, { headers: { Accept: ACCEPT } });
    expect((await get("/v2/team/other/manifests/v1?ns=upstream.corp")).status).toBe(200);
    expect((await get("/v2/upstream.corp/team/app/manifests/v1")).status).toBe(200);
    const none = await get("/v2/team/big/manifests/v1");
    expect(none.status).toBe(404);
    expect((await get("/v2/team/big/manifests/v1?ns=elsewhere.corp")).status).toBe(404);
  });

  test("a distribution config's proxy section (sealer's registry_config.yml) is the upstream, with its account", async () => {
    const config = join(tempDir("lade-proxy-config-"), "config.yml");
    writeFileSync(config, `version: 0.1\nproxy:\n  remoteurl: ${upstream.url}\n  username: ${UPSTREAM_USER}\n  password: ${UPSTREAM_PASSWORD}\n`);
    const lade = await serve(["--dir", emptyImageRegistry(), "--config", config, "--config-only", "headers,proxy", "--cache-dir", join(tempDir(), "cache")]);
    const answer = await fetch(`${lade.url}/v2/team/other/manifests/v1`, { headers: { Accept: ACCEPT } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("docker-content-digest")).toStartWith("sha256:");
  });

  test("wrong upstream credentials: a 502 naming the upstream's answer, nothing cached", async () => {
    const cacheDir = join(tempDir(), "cache");
    const lade = await serve(["--dir", emptyImageRegistry(), "--proxy", upstream.url, "--proxy-authfile", authFile(upstream, "wrong"), "--cache-dir", cacheDir]);
    const refused = await fetch(`${lade.url}/v2/team/other/manifests/v1`, { headers: { Accept: ACCEPT } });
    expect(refused.status).toBe(502);
    expect(await refused.text()).toContain("401");
    expect(cachedBlobs(cacheDir)).toEqual([]);
  });

  test("a full cache evicts its least recently used blobs, never the image's; what was evicted is fetched again; with the upstream gone, what is cached is still served", async () => {
    const cacheDir = join(tempDir("lade-proxy-small-"), "cache");
    // the image's registry holds team/other, as a real docker-registry wrote it
    const imageDir = join(tempDir("lade-proxy-image-"), "registry");
    cpSync(upstream.storage, imageDir, { recursive: true });
    for (const name of ["app", "big"]) rmSync(join(imageDir, "docker/registry/v2/repositories/team", name), { recursive: true });
    const before = snapshotFiles(imageDir);
    const lade = await serve(["--dir", imageDir, "--proxy", upstream.url, "--proxy-authfile", authFile(upstream), "--cache-dir", cacheDir, "--cache-max-size", "400K"]);
    const copy = (name: string) => skopeo(["copy", "--quiet", "--src-tls-verify=false", `docker://${lade.host}/${name}`, `oci:${tempDir()}:x`]);
    await copy("team/app:v1");
    const appBlobs = cachedBlobs(cacheDir);
    await copy("team/big:v1");
    const after = cachedBlobs(cacheDir);
    // the 300 KB layer went in; the app's 150 KB layer (used least recently) went out
    expect(after.some((digest) => !appBlobs.includes(digest))).toBe(true);
    expect(appBlobs.some((digest) => !after.includes(digest))).toBe(true);
    await copy("team/app:v1");

    await upstream.stop();
    await copy("team/app:v1");
    await copy("team/other:v1");
    expect(cachedBlobs(cacheDir).length).toBeGreaterThan(0);
    expect(existsSync(join(cacheDir, "docker/registry/v2/repositories/team/other"))).toBe(false);
    expect(snapshotFiles(imageDir)).toEqual(before);
  }, 60_000);
});
