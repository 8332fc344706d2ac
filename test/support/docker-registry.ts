import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { tempDir } from "./temp-dir.ts";

/** A running Debian `docker-registry` (distribution 2.8) on 127.0.0.1. */
export interface DockerRegistry {
  /** `127.0.0.1:PORT`, what image references and `lade login` use. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://…` with `tls`. */
  readonly url: string;
  /** The self-signed certificate to trust (with `tls`), alone in its directory (skopeo's `--cert-dir`). */
  readonly caFile?: string;
  /** The storage root directory; content lands under `docker/registry/v2/`. */
  readonly storage: string;
  /** Stop the registry (SIGTERM) and wait for it; calling it again does nothing. */
  stop(): Promise<void>;
}

export interface DockerRegistryOptions {
  /** Require this user (bcrypt htpasswd): the registry answers 401 with a Basic challenge. */
  readonly htpasswd?: { readonly user: string; readonly password: string };
  /** Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 and localhost. */
  readonly tls?: boolean;
  /** Storage root (default: a fresh temporary directory), e.g. to serve what a mirror wrote. */
  readonly rootDirectory?: string;
}

const READY_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 5;
const running = new Set<Bun.Subprocess>();
let exitHookInstalled = false;

/** Whether the `docker-registry` program is installed: tests skip themselves when it is not. */
export function hasDockerRegistry(): boolean {
  return Bun.which("docker-registry") !== null;
}

/**
 * Start `docker-registry serve` on a random free port of 127.0.0.1 and wait until `/v2/` answers.
 * It runs with only PATH in its environment, since REGISTRY_* variables override its config.
 * Call `stop()` in `afterAll`; registries still running when the test process exits are killed.
 */
export async function startDockerRegistry(options: DockerRegistryOptions = {}): Promise<DockerRegistry> {
  const dir = tempDir("lade-registry-");
  const storage = options.rootDirectory ?? join(dir, "storage");
  const auth = options.htpasswd ? writeHtpasswd(dir, options.htpasswd) : undefined;
  const tls = options.tls ? writeCertificate(dir) : undefined;
  let lastLog = "";
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = freePort();
    const host = `127.0.0.1:${port}`;
    const url = `${tls ? "https" : "http"}://${host}`;
    const config = join(dir, "config.yml");
    writeFileSync(
      config,
      YAML.stringify({
        version: 0.1,
        log: { level: "warn", accesslog: { disabled: true } },
        storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
        http: {
          addr: host,
          secret: "lade-test-secret",
          ...(tls ? { tls: { certificate: tls.certificate, key: tls.key } } : {}),
        },
        ...(auth ? { auth: { htpasswd: { realm: "lade-test", path: auth } } } : {}),
      }),
    );
    const logPath = join(dir, `registry-${attempt}.log`);
    const log = openSync(logPath, "w");
    const child = Bun.spawn(["docker-registry", "serve", config], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdin: "ignore",
      stdout: log,
      stderr: log,
    });
    closeSync(log);
    track(child);
    const stop = async () => {
      if (!running.has(child)) return;
      child.kill("SIGTERM");
      await child.exited;
      running.delete(child);
    };
    if (await waitUntilReady(`${url}/v2/`, child, tls?.ca)) {
      return { host, url, storage, stop, ...(tls ? { caFile: tls.caFile } : {}) };
    }
    await stop();
    lastLog = readFileSync(logPath, "utf8");
    if (!/address already in use/i.test(lastLog)) break;
  }
  throw new Error(`Cannot start docker-registry: ${lastLog.trim() || "it did not answer /v2/ in time"}`);
}

/** A port the kernel just handed out on 127.0.0.1 (free again once the probe closes). */
function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function waitUntilReady(url: string, child: Bun.Subprocess, ca: string | undefined): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const response = await fetch(url, { tls: ca ? { ca } : undefined, signal: AbortSignal.timeout(1000) } as RequestInit);
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return true;
    } catch {
      // not listening yet
    }
    await Bun.sleep(50);
  }
  return false;
}

function writeHtpasswd(dir: string, user: { user: string; password: string }): string {
  const result = Bun.spawnSync(["htpasswd", "-Bbn", user.user, user.password], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`Cannot run htpasswd: ${result.stderr.toString().trim()}`);
  const path = join(dir, "htpasswd");
  writeFileSync(path, result.stdout);
  return path;
}

/** A self-signed certificate; the key stays apart from `certs/ca.crt` (skopeo rejects a lone key). */
function writeCertificate(dir: string): { certificate: string; key: string; caFile: string; ca: string } {
  const serverDir = join(dir, "server");
  const certsDir = join(dir, "certs");
  mkdirSync(serverDir, { recursive: true });
  mkdirSync(certsDir, { recursive: true });
  const key = join(serverDir, "key.pem");
  const certificate = join(serverDir, "cert.pem");
  const result = Bun.spawnSync(
    [
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (result.exitCode !== 0) throw new Error(`Cannot create a certificate with openssl: ${result.stderr.toString().trim()}`);
  const ca = readFileSync(certificate, "utf8");
  const caFile = join(certsDir, "ca.crt");
  writeFileSync(caFile, ca);
  return { certificate, key, caFile, ca };
}

function track(child: Bun.Subprocess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const registry of running) registry.kill("SIGKILL");
  });
}
