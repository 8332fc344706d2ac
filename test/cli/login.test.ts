import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { verifyLogin } from "../../src/registry/verify-login.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

const USER = "user";
const PASSWORD = "pass";
const WRONG_PASSWORD = "wrong-Pa55word";
const skip = !hasDockerRegistry();
const SKIP_REASON = "docker-registry is not installed (apt-get install docker-registry)";

/** lade with a HOME of its own, so no test reads or writes the real ~/.docker. */
function lade(args: readonly string[], stdin?: string) {
  const home = tempDir();
  return runLade(args, { stdin, env: { HOME: home, REGISTRY_AUTH_FILE: undefined, DOCKER_CONFIG: undefined } });
}

function readAuthFile(path: string): { auths: Record<string, { auth?: string }> } {
  return JSON.parse(readFileSync(path, "utf8"));
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString("base64");
}

describe.skipIf(skip)(`lade login/logout against docker-registry${skip ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  let registry: DockerRegistry;
  let secure: DockerRegistry;

  beforeAll(async () => {
    [registry, secure] = await Promise.all([
      startDockerRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      startDockerRegistry({ htpasswd: { user: USER, password: PASSWORD }, tls: true }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), secure?.stop()]);
  });

  test("login with the right password from stdin saves base64 user:password in a 0600 file", async () => {
    const authFile = join(tempDir(), "auth.json");
    const result = await lade(["login", registry.host, "-u", USER, "--password-stdin", "--authfile", authFile], `${PASSWORD}\n`);
    expect(result.stderr).not.toContain("Warning");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("Login succeeded\n");
    expect(statSync(authFile).mode & 0o777).toBe(0o600);
    expect(readAuthFile(authFile)).toEqual({ auths: { [registry.host]: { auth: basic(USER, PASSWORD) } } });
  });

  test("login with a wrong password exits 1, saves nothing and never prints the password", async () => {
    const authFile = join(tempDir(), "auth.json");
    const result = await lade(["login", registry.host, "-u", USER, "--password-stdin", "--authfile", authFile], WRONG_PASSWORD);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Cannot log in to ${registry.host}: the registry refused the user name or password`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(WRONG_PASSWORD);
    expect(existsSync(authFile)).toBe(false);
  });

  test("-p works with a warning that --password-stdin is safer", async () => {
    const authFile = join(tempDir(), "auth.json");
    const result = await lade(["login", registry.host, "-u", USER, "-p", PASSWORD, "--authfile", authFile]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("--password-stdin is safer");
    expect(readAuthFile(authFile).auths[registry.host]).toEqual({ auth: basic(USER, PASSWORD) });
  });

  test("logout removes the credentials; a second logout exits 1", async () => {
    const authFile = join(tempDir(), "auth.json");
    const login = await lade(["login", registry.host, "-u", USER, "--password-stdin", "--authfile", authFile], PASSWORD);
    expect(login.exitCode).toBe(0);
    const logout = await lade(["logout", registry.host, "--authfile", authFile]);
    expect(logout.exitCode).toBe(0);
    expect(readAuthFile(authFile)).toEqual({ auths: {} });
    const again = await lade(["logout", registry.host, "--authfile", authFile]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`Cannot log out of ${registry.host}: there are no saved credentials for it in "${authFile}"`);
  });

  test("HTTPS: --ca-file or --insecure-registry is needed for a self-signed certificate", async () => {
    const authFile = join(tempDir(), "auth.json");
    const args = ["login", secure.host, "-u", USER, "--password-stdin", "--authfile", authFile];
    const untrusted = await lade(args, PASSWORD);
    expect(untrusted.exitCode).toBe(1);
    expect(untrusted.stderr).toContain(`Cannot log in to ${secure.host}: cannot reach https://${secure.host}/v2/`);
    expect(untrusted.stderr).toContain("certificate");
    expect(existsSync(authFile)).toBe(false);
    const trusted = await lade([...args, "--ca-file", secure.caFile!], PASSWORD);
    expect(trusted.exitCode).toBe(0);
    const wrong = await lade([...args, "--ca-file", secure.caFile!], WRONG_PASSWORD);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain("the registry refused the user name or password");
    const insecure = await lade([...args, "--insecure-registry"], PASSWORD);
    expect(insecure.exitCode).toBe(0);
    expect(readAuthFile(authFile).auths[secure.host]).toEqual({ auth: basic(USER, PASSWORD) });
  });

  test("verifyLogin() trusts the CA docker keeps in certs.d/HOST:PORT/", async () => {
    const certsDirectory = tempDir();
    const credential = { username: USER, password: PASSWORD };
    const error = await verifyLogin(secure.host, credential, { certsDirectory }).catch((caught) => caught);
    expect(error).toBeInstanceOf(Error);
    mkdirSync(join(certsDirectory, secure.host));
    copyFileSync(secure.caFile!, join(certsDirectory, secure.host, "ca.crt"));
    await verifyLogin(secure.host, credential, { certsDirectory });
  });
});

describe("lade login with a bearer token service", () => {
  const tokenRequests: URLSearchParams[] = [];
  let server: ReturnType<typeof Bun.serve>;

  beforeAll(() => {
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const url = new URL(request.url);
        if (url.pathname === "/v2/") {
          const realm = `http://127.0.0.1:${server.port}/token`;
          return new Response("{}", { status: 401, headers: { "WWW-Authenticate": `Bearer realm="${realm}",service="fake-registry"` } });
        }
        if (url.pathname === "/token") {
          tokenRequests.push(url.searchParams);
          if (request.headers.get("authorization") !== `Basic ${basic(USER, PASSWORD)}`) return new Response("{}", { status: 401 });
          return Response.json({ token: "t0ken", expires_in: 300 });
        }
        return new Response("not found", { status: 404 });
      },
    });
  });

  afterAll(() => server.stop(true));

  test("asks the realm for a token with basic auth, service and account", async () => {
    const host = `127.0.0.1:${server.port}`;
    const authFile = join(tempDir(), "auth.json");
    const ok = await lade(["login", host, "-u", USER, "--password-stdin", "--authfile", authFile], PASSWORD);
    expect(ok.exitCode).toBe(0);
    expect(tokenRequests.at(-1)?.get("service")).toBe("fake-registry");
    expect(tokenRequests.at(-1)?.get("account")).toBe(USER);
    const refused = await lade(["login", host, "-u", USER, "--password-stdin", "--authfile", authFile], WRONG_PASSWORD);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`Cannot log in to ${host}: the registry refused the user name or password`);
    expect(refused.stderr).not.toContain(WRONG_PASSWORD);
  });
});

describe("lade login usage", () => {
  test.each([
    [["login", "reg.example.com", "-u", USER], 'Option "--password-stdin" or "--password" is required'],
    [["login", "reg.example.com", "-u", USER, "-p", "x", "--password-stdin"], "cannot be used together"],
    [["login", "reg.example.com", "-p", "x"], "Missing required argument: --username"],
    [["login", "not a host", "-u", USER, "-p", "x"], 'Cannot use registry "not a host"'],
    [["logout"], "Missing required positional argument: REGISTRY"],
  ])("exits 2: %p", async (args, message) => {
    const result = await lade(args, "");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test("--no-verify saves without contacting the registry; the Docker Hub key is docker's", async () => {
    const authFile = join(tempDir(), "auth.json");
    const result = await lade(["login", "docker.io", "-u", USER, "--password-stdin", "--no-verify", "--authfile", authFile], "p\r\n");
    expect(result.exitCode).toBe(0);
    expect(readAuthFile(authFile)).toEqual({ auths: { "https://index.docker.io/v1/": { auth: basic(USER, "p") } } });
  });

  test("--help explains the options", async () => {
    const login = await lade(["login", "--help"]);
    expect(login.exitCode).toBe(0);
    for (const option of ["--username", "--password-stdin", "--authfile", "--ca-file", "--insecure-registry", "--no-verify"]) {
      expect(login.stdout).toContain(option);
    }
    const logout = await lade(["logout", "--help"]);
    expect(logout.exitCode).toBe(0);
    expect(logout.stdout).toContain("--authfile");
  });
});
