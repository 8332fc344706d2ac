import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { verifyMirror } from "../support/mirror-checks.ts";

// Each test starts lade processes (and some a registry); bun's default of 5 s is too tight on a slow machine.
setDefaultTimeout(30_000);

const USER = "alice";
const PASSWORD = "Corr3ct-horse-pw";
const WRONG_PASSWORD = "wr0ng-Battery-pw";
const missing = [!hasDockerRegistry() && "docker-registry", !hasSkopeo() && "skopeo"].filter(Boolean);
const skip = missing.length > 0;
const SKIP_REASON = `${missing.join(" and ")} not installed (apt-get install docker-registry skopeo)`;

/** A credentials file in docker's format with base64 user:password for each host. */
function authFile(entries: Record<string, string>): string {
  const path = join(tempDir("lade-auth-"), "auth.json");
  const auths = Object.fromEntries(Object.entries(entries).map(([host, userPassword]) => [host, { auth: btoa(userPassword) }]));
  writeFileSync(path, JSON.stringify({ auths }));
  return path;
}

/** `lade mirror` with a HOME of its own, so the real ~/.docker is never read. */
async function mirror(images: readonly string[], extra: readonly string[] = []) {
  const dir = join(tempDir("lade-mirror-"), "registry");
  const result = await runLade(["--root", tempDir("lade-root-"), "mirror", ...images, "--dir", dir, "--platform", "linux/amd64", ...extra], {
    env: { HOME: tempDir("lade-home-"), REGISTRY_AUTH_FILE: undefined, DOCKER_CONFIG: undefined },
  });
  return { ...result, dir, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(skip)(`lade mirror from registries that need credentials or TLS${skip ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  let basic: DockerRegistry;
  let open: DockerRegistry;
  let secure: DockerRegistry;

  beforeAll(async () => {
    [basic, open, secure] = await Promise.all([
      startDockerRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      startDockerRegistry(),
      startDockerRegistry({ tls: true }),
    ]);
    await Promise.all([
      seedImage(basic, "seed/private:1", { credentials: `${USER}:${PASSWORD}`, layerSizes: [1024 * 1024] }),
      seedImage(open, "seed/a:1", { layerSizes: [256 * 1024] }),
      seedImage(open, "seed/a:2", { layerSizes: [256 * 1024, 1024] }),
      seedImage(open, "seed/b:1", { layerSizes: [256 * 1024] }),
      seedImage(secure, "seed/tls:1", { layerSizes: [1024 * 1024] }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([basic?.stop(), open?.stop(), secure?.stop()]);
  });

  describe("basic auth (htpasswd)", () => {
    test("mirrors with the credentials of --authfile", async () => {
      const image = `${basic.host}/seed/private:1`;
      const result = await mirror([image], ["--authfile", authFile({ [basic.host]: `${USER}:${PASSWORD}` })]);
      expect(result.stderr).not.toContain("Error");
      expect(result.exitCode).toBe(0);
      await verifyMirror(result.dir, { registry: basic, credentials: `${USER}:${PASSWORD}` }, ["seed/private:1"]);
    });

    test("fails without credentials, naming the image and the 401", async () => {
      const image = `${basic.host}/seed/private:1`;
      const result = await mirror([image]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Cannot mirror ${image}`);
      expect(result.stderr).toMatch(/401|unauthorized/i);
    });

    test("fails with a wrong password, and never prints it", async () => {
      const image = `${basic.host}/seed/private:1`;
      const result = await mirror([image], ["--authfile", authFile({ [basic.host]: `${USER}:${WRONG_PASSWORD}` })]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Cannot mirror ${image}`);
      expect(result.stderr).toMatch(/401|unauthorized/i);
      expect(result.output).not.toContain(WRONG_PASSWORD);
      expect(result.output).not.toContain(btoa(`${USER}:${WRONG_PASSWORD}`));
    });
  });

  describe("bearer tokens (a token server in front of the registry)", () => {
    let proxy: FaultProxy;
    let anonymous: FaultProxy;

    beforeAll(() => {
      proxy = startFaultProxy({ upstream: open.url, bearer: { user: USER, password: PASSWORD } });
      anonymous = startFaultProxy({ upstream: open.url, bearer: { user: USER, password: PASSWORD, anonymous: true } });
    });

    afterAll(async () => {
      await Promise.all([proxy?.stop(), anonymous?.stop()]);
    });

    test("mirrors with the credentials of --authfile and fetches one token per repository", async () => {
      proxy.reset();
      const names = ["seed/a:1", "seed/a:2", "seed/b:1"];
      const result = await mirror(
        names.map((name) => `${proxy.host}/${name}`),
        ["--authfile", authFile({ [proxy.host]: `${USER}:${PASSWORD}` })],
      );
      expect(result.stderr).not.toContain("Error");
      expect(result.exitCode).toBe(0);
      expect(proxy.tokenRequests.map((request) => request.scopes.join(" ")).sort()).toEqual(["repository:seed/a:pull", "repository:seed/b:pull"]);
      expect(proxy.tokenRequests.every((request) => request.granted && request.account === USER && request.service === "fault-proxy")).toBe(true);
      // Every blob went through with a token: only the very first requests met a challenge.
      const blobs = proxy.requests.filter((request) => request.path.includes("/blobs/"));
      expect(blobs.length).toBeGreaterThan(0);
      expect(blobs.every((request) => request.status === 200 && request.authorization?.startsWith("Bearer "))).toBe(true);
      await verifyMirror(result.dir, { registry: open }, names);
    });

    test("gets an anonymous token when the token server allows it", async () => {
      anonymous.reset();
      const result = await mirror([`${anonymous.host}/seed/b:1`]);
      expect(result.exitCode).toBe(0);
      expect(anonymous.tokenRequests).toEqual([{ scopes: ["repository:seed/b:pull"], service: "fault-proxy", granted: true }]);
    });

    test("fails clearly with a wrong password, and never prints it", async () => {
      proxy.reset();
      const image = `${proxy.host}/seed/a:1`;
      const result = await mirror([image], ["--authfile", authFile({ [proxy.host]: `${USER}:${WRONG_PASSWORD}` })]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Cannot mirror ${image}`);
      expect(result.stderr).toContain(`Cannot log in to ${proxy.host}: the registry refused the credentials`);
      expect(result.output).not.toContain(WRONG_PASSWORD);
      // A refusal is final: asked once, not retried as if the network had failed.
      expect(proxy.tokenRequests).toEqual([{ scopes: ["repository:seed/a:pull"], service: "fault-proxy", account: USER, granted: false }]);
    });

    test("fails clearly without credentials when the token server wants them", async () => {
      const image = `${proxy.host}/seed/a:1`;
      const result = await mirror([image]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Cannot mirror ${image}`);
      expect(result.stderr).toContain(`Cannot log in to ${proxy.host}: the registry wants credentials and none are stored for it`);
    });
  });

  describe("TLS with a self-signed certificate", () => {
    test("mirrors when --ca-file trusts the certificate", async () => {
      const result = await mirror([`${secure.host}/seed/tls:1`], ["--ca-file", secure.caFile!]);
      expect(result.stderr).not.toContain("Error");
      expect(result.exitCode).toBe(0);
      await verifyMirror(result.dir, { registry: secure }, ["seed/tls:1"]);
    });

    test("fails without --ca-file, naming the image and the certificate", async () => {
      const image = `${secure.host}/seed/tls:1`;
      const result = await mirror([image]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Cannot mirror ${image}`);
      expect(result.stderr).toContain(`Cannot trust the certificate of ${secure.host}`);
      expect(result.stderr).toContain("--ca-file");
    });
  });
});
