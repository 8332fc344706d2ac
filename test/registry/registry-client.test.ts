import { afterEach, describe, expect, test } from "bun:test";
import { sha256Digest } from "../../src/oci/digest.ts";
import { DigestMismatchError } from "../../src/oci/digest-mismatch-error.ts";
import { RegistryClient, type RegistryClientOptions } from "../../src/registry/registry-client.ts";
import { RegistryError } from "../../src/registry/registry-error.ts";

/** What a scripted server saw of one request. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  readonly range: string | null;
  /** Date.now() when it arrived. */
  readonly at: number;
}

interface Scripted {
  readonly host: string;
  readonly url: string;
  readonly seen: Seen[];
}

const servers: { stop(force?: boolean): Promise<void> | void }[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop(true)));
});

/** A tiny fake registry on 127.0.0.1: `answer` gets each request and its number (1 for the first). */
function scripted(answer: (request: Request, url: URL, count: number) => Response | Promise<Response>): Scripted {
  const seen: Seen[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname,
        authorization: request.headers.get("authorization"),
        range: request.headers.get("range"),
        at: Date.now(),
      });
      return answer(request, url, seen.length);
    },
  });
  servers.push(server);
  return { host: `127.0.0.1:${server.port}`, url: `http://127.0.0.1:${server.port}`, seen };
}

function clientFor(server: Scripted, options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient({ registry: server.host, baseUrl: server.url }, { backoffMilliseconds: 5, ...options });
}

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const manifestBytes = new TextEncoder().encode(
  JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"a".repeat(64)}`, size: 2 }, layers: [] }),
);
const schema1 = JSON.stringify({ schemaVersion: 1, name: "library/old", tag: "1", architecture: "amd64", fsLayers: [], history: [] });

describe("RegistryClient.getManifest()", () => {
  test.each([
    ["signed schema 1 (its own media type)", "application/vnd.docker.distribution.manifest.v1+prettyjws"],
    ["unsigned schema 1 (its own media type)", "application/vnd.docker.distribution.manifest.v1+json"],
    ["schema 1 sent as application/json", "application/json"],
  ])("refuses a Docker %s manifest as unsupported", async (_name, contentType) => {
    const server = scripted(() => new Response(schema1, { headers: { "Content-Type": contentType } }));
    const error = await clientFor(server).getManifest("library/old", "1").catch((caught) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(`Cannot use ${server.host}/library/old:1: Docker schema 1 manifests are unsupported (push the image again with a current client)`);
  });

  test("verifies a manifest fetched by digest: other bytes give DigestMismatchError", async () => {
    const asked = `sha256:${"0".repeat(64)}`;
    const server = scripted(() => new Response(manifestBytes, { headers: { "Content-Type": OCI_MANIFEST } }));
    const error = await clientFor(server).getManifest("team/app", asked).catch((caught) => caught);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error.expected).toBe(asked);
    expect(error.actual).toBe(sha256Digest(manifestBytes));
    expect(error.message).toContain(`${server.host}/team/app@${asked}`);
    expect(error.message).toContain("does not match its digest");
  });

  test("accepts a manifest by digest whose bytes match, and by tag whatever its digest", async () => {
    const server = scripted(() => new Response(manifestBytes, { headers: { "Content-Type": OCI_MANIFEST } }));
    const client = clientFor(server);
    const digest = sha256Digest(manifestBytes);
    expect(await client.getManifest("team/app", digest)).toEqual({ bytes: manifestBytes, mediaType: OCI_MANIFEST, digest });
    expect((await client.getManifest("team/app", "v1")).digest).toBe(digest);
    expect(server.seen.map((request) => request.path)).toEqual([`/v2/team/app/manifests/${digest}`, "/v2/team/app/manifests/v1"]);
  });
});

describe("RegistryClient retries", () => {
  test("waits until the HTTP date of Retry-After", async () => {
    // An HTTP date has whole seconds: the second after the next one is 1 to 2 s away.
    let retryAt = 0;
    const server = scripted((_request, _url, count) => {
      if (count > 1) return new Response(manifestBytes, { headers: { "Content-Type": OCI_MANIFEST } });
      retryAt = Math.ceil(Date.now() / 1000) * 1000 + 1000;
      return new Response(null, { status: 503, headers: { "Retry-After": new Date(retryAt).toUTCString() } });
    });
    await clientFor(server).getManifest("team/app", "v1");
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]!.at).toBeGreaterThanOrEqual(retryAt - 20);
    expect(server.seen[1]!.at - server.seen[0]!.at).toBeLessThan(3000);
  });

  test("takes Retry-After in seconds, but no longer than maxRetryAfterMilliseconds", async () => {
    const server = scripted((_request, _url, count) =>
      count === 1
        ? Response.json({ errors: [{ code: "TOOMANYREQUESTS", message: "slow down" }] }, { status: 429, headers: { "Retry-After": "3600" } })
        : new Response(manifestBytes, { headers: { "Content-Type": OCI_MANIFEST } }),
    );
    await clientFor(server, { maxRetryAfterMilliseconds: 100 }).getManifest("team/app", "v1");
    const waited = server.seen[1]!.at - server.seen[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
  });

  test("gives up after the last attempt with the registry's status and error code", async () => {
    const server = scripted(() => Response.json({ errors: [{ code: "UNAVAILABLE", message: "maintenance" }] }, { status: 503 }));
    const error = await clientFor(server, { attempts: 3 }).getManifest("team/app", "v1").catch((caught) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(503);
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toBe(`Cannot get manifest team/app:v1 from ${server.host}: the registry answered 503 Service Unavailable: UNAVAILABLE: maintenance`);
    expect(server.seen).toHaveLength(3);
  });

  test("does not retry what will not change: 404", async () => {
    const server = scripted(() => Response.json({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }, { status: 404 }));
    const error = await clientFor(server).getManifest("team/app", "v1").catch((caught) => caught);
    expect(error.status).toBe(404);
    expect(error.temporary).toBe(false);
    expect(server.seen).toHaveLength(1);
  });
});

describe("RegistryClient.getBlob()", () => {
  test("asks for the rest with Range and says whether the answer is partial", async () => {
    const content = new TextEncoder().encode("0123456789");
    const server = scripted((request) => {
      const start = Number(/bytes=(\d+)-/.exec(request.headers.get("range") ?? "")?.[1] ?? 0);
      return new Response(content.slice(start), { status: start > 0 ? 206 : 200 });
    });
    const digest = sha256Digest(content);
    const client = clientFor(server);
    const whole = await client.getBlob("team/app", digest);
    expect(whole.partial).toBe(false);
    expect(await new Response(whole.body).text()).toBe("0123456789");
    const rest = await client.getBlob("team/app", digest, 4);
    expect(rest.partial).toBe(true);
    expect(await new Response(rest.body).text()).toBe("456789");
    expect(server.seen.map((request) => request.range)).toEqual([null, "bytes=4-"]);
  });
});

describe("RegistryClient redirects", () => {
  const content = new TextEncoder().encode("blob content behind a redirect");
  const digest = sha256Digest(content);

  /** Blob storage on its own origin (like S3 or a CDN), recording the headers it gets. */
  function storage(): Scripted {
    return scripted(() => new Response(content));
  }

  test("a blob redirected to another origin does not carry the basic credentials there", async () => {
    const bucket = storage();
    const registry = scripted((request, url) => {
      if (!request.headers.get("authorization")) return new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="test"' } });
      return Response.redirect(`${bucket.url}/bucket/${url.pathname.split("/").pop()}?signature=abc`, 307);
    });
    const client = clientFor(registry, { credentials: async () => ({ username: "alice", password: "s3cret" }) });
    const { body } = await client.getBlob("team/app", digest);
    expect(new Uint8Array(await new Response(body).arrayBuffer())).toEqual(content);
    expect(registry.seen.map((request) => request.authorization)).toEqual([null, `Basic ${btoa("alice:s3cret")}`]);
    expect(bucket.seen).toHaveLength(1);
    expect(bucket.seen[0]!.path).toBe(`/bucket/${digest}`);
    expect(bucket.seen[0]!.authorization).toBeNull();
  });

  test("a blob redirected to another origin does not carry the bearer token there", async () => {
    const bucket = storage();
    const registry: Scripted = scripted((request, url) => {
      if (url.pathname === "/token") return Response.json({ token: "tok-123" });
      if (request.headers.get("authorization") !== "Bearer tok-123") {
        return new Response(null, { status: 401, headers: { "WWW-Authenticate": `Bearer realm="${registry.url}/token",service="test"` } });
      }
      return Response.redirect(`${bucket.url}/bucket/blob`, 302);
    });
    const { body } = await clientFor(registry).getBlob("team/app", digest);
    expect(await new Response(body).text()).toBe("blob content behind a redirect");
    expect(registry.seen.map((request) => request.authorization)).toEqual([null, null, "Bearer tok-123"]);
    expect(bucket.seen.map((request) => request.authorization)).toEqual([null]);
  });

  test("a redirect on the same origin keeps the credentials", async () => {
    const registry = scripted((request, url) => {
      if (!request.headers.get("authorization")) return new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="test"' } });
      if (url.pathname.startsWith("/v2/")) return Response.redirect(`/storage/blob`, 307);
      return new Response(content);
    });
    const client = clientFor(registry, { credentials: async () => ({ username: "alice", password: "s3cret" }) });
    const { body } = await client.getBlob("team/app", digest);
    expect(await new Response(body).text()).toBe("blob content behind a redirect");
    expect(registry.seen.map((request) => [request.path, request.authorization])).toEqual([
      [`/v2/team/app/blobs/${digest}`, null],
      [`/v2/team/app/blobs/${digest}`, `Basic ${btoa("alice:s3cret")}`],
      ["/storage/blob", `Basic ${btoa("alice:s3cret")}`],
    ]);
  });
});

describe("RegistryClient bearer tokens", () => {
  /** A registry with its own token endpoint; counts tokens per scope. */
  function tokenRegistry(options: { refuse?: boolean } = {}) {
    const tokens: string[] = [];
    const server: Scripted = scripted(async (request, url) => {
      if (url.pathname === "/token") {
        const scope = url.searchParams.get("scope") ?? "";
        tokens.push(scope);
        await Bun.sleep(20); // long enough for concurrent requests to meet a token on its way
        if (options.refuse) return Response.json({ details: "incorrect username or password" }, { status: 401 });
        return Response.json({ token: `token-for-${scope}` });
      }
      const repository = /^\/v2\/(.+?)\/manifests\//.exec(url.pathname)?.[1];
      const scope = `repository:${repository}:pull`;
      if (request.headers.get("authorization") !== `Bearer token-for-${scope}`) {
        return new Response(null, { status: 401, headers: { "WWW-Authenticate": `Bearer realm="${server.url}/token",service="test",scope="${scope}"` } });
      }
      return new Response(manifestBytes, { headers: { "Content-Type": OCI_MANIFEST } });
    });
    return { server, tokens };
  }

  test("concurrent requests for one repository share one token", async () => {
    const { server, tokens } = tokenRegistry();
    const client = clientFor(server);
    await Promise.all([
      ...["1", "2", "3", "4"].map((tag) => client.getManifest("team/app", tag)),
      ...["1", "2"].map((tag) => client.getManifest("team/other", tag)),
    ]);
    await client.getManifest("team/app", "5");
    expect(tokens.sort()).toEqual(["repository:team/app:pull", "repository:team/other:pull"]);
  });

  test("a refused token ends the request at once, without the password in the message", async () => {
    const { server, tokens } = tokenRegistry({ refuse: true });
    const client = clientFor(server, { credentials: async () => ({ username: "alice", password: "s3cret-pw" }) });
    const error = await client.getManifest("team/app", "1").catch((caught) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(`Cannot log in to ${server.host}: the registry refused the credentials: UNAUTHORIZED`);
    expect(error.message).not.toContain("s3cret-pw");
    expect(tokens).toHaveLength(1);
  });
});
