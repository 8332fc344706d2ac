import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnLade } from "./run-lade.ts";
import { tempDir } from "./temp-dir.ts";

/** A running `lade serve registry` on 127.0.0.1 with a port the kernel picked. */
export interface LadeRegistry {
  /** `127.0.0.1:PORT`, for image references. */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` or `https://…`, as lade printed it. */
  readonly url: string;
  readonly process: ReturnType<typeof spawnLade>;
  /** Everything lade wrote to stderr so far (the banner and the access log). */
  stderr(): string;
  /** SIGTERM (or `signal`) and wait: the exit code, or the signal's name when it was killed. Idempotent. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface LadeRegistryOptions {
  /** `--tls-cert`/`--tls-key`, e.g. from `selfSignedCertificate()`. */
  readonly tls?: { readonly certificate: string; readonly key: string };
  /** `--htpasswd FILE`, e.g. from `writeHtpasswd()`. */
  readonly htpasswd?: string;
  /** `-q`: no access log. */
  readonly quiet?: boolean;
  /** Options before `serve` (e.g. `--root STORE`). */
  readonly globalArgs?: readonly string[];
  /** `--addr` (default 127.0.0.1:0: a port the kernel picks). */
  readonly addr?: string;
}

const READY_TIMEOUT_MS = 20_000;
const running = new Set<Bun.Subprocess>();
let exitHookInstalled = false;

/**
 * Start `lade serve registry SOURCE --addr 127.0.0.1:0` (SOURCE: `--dir DIR` or
 * `--image NAME [--platform P]`) and wait for its "Serving … on URL" line on stderr. Throws with
 * lade's stderr when it exits first. Call `stop()` when done; servers still running when the test
 * process exits are killed.
 */
export async function startLadeRegistry(source: readonly string[], options: LadeRegistryOptions = {}): Promise<LadeRegistry> {
  const args = [...(options.globalArgs ?? []), "serve", "registry", ...source, "--addr", options.addr ?? "127.0.0.1:0"];
  if (options.tls) args.push("--tls-cert", options.tls.certificate, "--tls-key", options.tls.key);
  if (options.htpasswd) args.push("--htpasswd", options.htpasswd);
  if (options.quiet) args.push("-q");
  const child = spawnLade(args);
  track(child);
  let text = "";
  let banner: ((url: string) => void) | undefined;
  const serving = new Promise<string>((resolve) => (banner = resolve));
  // Keep draining stderr for the server's whole life, so the access log never fills the pipe.
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      const match = /^Serving .* on (https?:\/\/\S+)$/m.exec(text);
      if (match) banner?.(match[1]!);
    }
  })();
  void new Response(child.stdout).text();
  const timeout = Bun.sleep(READY_TIMEOUT_MS).then(() => "timeout" as const);
  const outcome = await Promise.race([serving, child.exited.then(() => "exited" as const), timeout]);
  if (outcome === "exited" || outcome === "timeout") {
    child.kill("SIGKILL");
    await child.exited;
    await drained;
    running.delete(child);
    throw new Error(`lade serve registry ${outcome === "exited" ? `exited ${child.exitCode}` : "did not print its URL in time"}: ${text.trim()}`);
  }
  const url = outcome;
  const { host, port } = new URL(url);
  let stopping: Promise<number | string> | undefined;
  return {
    host,
    port: Number(port),
    url,
    process: child,
    stderr: () => text,
    stop(signal = "SIGTERM") {
      stopping ??= (async () => {
        child.kill(signal);
        const code = await child.exited;
        await drained;
        running.delete(child);
        return child.signalCode ?? code;
      })();
      return stopping;
    },
  };
}

/** A self-signed certificate for 127.0.0.1 and localhost; `caDir` holds only `ca.crt` (skopeo's `--cert-dir`). */
export function selfSignedCertificate(): { certificate: string; key: string; caFile: string; caDir: string; ca: string } {
  const dir = tempDir("lade-cert-");
  const serverDir = join(dir, "server");
  const caDir = join(dir, "ca");
  mkdirSync(serverDir);
  mkdirSync(caDir);
  const key = join(serverDir, "key.pem");
  const certificate = join(serverDir, "cert.pem");
  const result = Bun.spawnSync(
    [
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (result.exitCode !== 0) throw new Error(`openssl req failed: ${result.stderr.toString().trim()}`);
  const ca = readFileSync(certificate, "utf8");
  const caFile = join(caDir, "ca.crt");
  writeFileSync(caFile, ca);
  return { certificate, key, caFile, caDir, ca };
}

/** An htpasswd file with one bcrypt user, written by `htpasswd -Bbn` (what docker-registry needs too). */
export function writeHtpasswd(user: string, password: string): string {
  const result = Bun.spawnSync(["htpasswd", "-Bbn", user, password], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`htpasswd failed: ${result.stderr.toString().trim()}`);
  const path = join(tempDir("lade-htpasswd-"), "htpasswd");
  writeFileSync(path, result.stdout);
  return path;
}

export function hasOpenssl(): boolean {
  return Bun.which("openssl") !== null;
}

export function hasHtpasswd(): boolean {
  return Bun.which("htpasswd") !== null;
}

function track(child: Bun.Subprocess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const server of running) server.kill("SIGKILL");
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for a server that must be reachable at a known address before it starts). */
export function freeLoopbackPort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
