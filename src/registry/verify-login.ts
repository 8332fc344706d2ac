import { readdir, readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import { join } from "node:path";
import { normalizeRegistryHost } from "./auth-file.ts";

/** How to reach the registry. */
export interface VerifyLoginOptions {
  /** A PEM file of CA certificates to trust for the registry (besides the system's). */
  readonly caFile?: string;
  /**
   * Allow plain HTTP and unverified HTTPS, like docker's `--insecure-registry`. Loopback hosts
   * (127.0.0.0/8, ::1, localhost) may use plain HTTP anyway; their certificates are still verified.
   */
  readonly insecure?: boolean;
  /** Where docker keeps per-registry CAs (`<dir>/<host[:port]>/*.crt`). Default `/etc/docker/certs.d`. */
  readonly certsDirectory?: string;
}

type TlsOptions = { ca?: string[]; rejectUnauthorized?: boolean };

const DOCKER_HUB_API = "registry-1.docker.io";
const DEFAULT_CERTS_DIRECTORY = "/etc/docker/certs.d";
const TIMEOUT_MS = 30_000;

/**
 * Check a user name and password against a registry before they are saved, as `docker login`
 * does: `GET /v2/`, then basic auth or the bearer token realm the registry names. HTTPS unless the
 * host is a loopback address or `insecure` (then HTTPS is tried first and plain HTTP next).
 *
 * @throws {Error} "Cannot log in to HOST: the registry refused the user name or password", or why
 *   the registry could not be reached; the password is never part of a message
 */
export async function verifyLogin(
  registryHost: string,
  credential: { readonly username: string; readonly password: string },
  options: VerifyLoginOptions = {},
): Promise<void> {
  const host = normalizeRegistryHost(registryHost);
  const apiHost = host === "docker.io" ? DOCKER_HUB_API : host;
  const tls = await tlsOptions(apiHost, options);
  const basic = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
  const fail = (reason: string, cause?: unknown) =>
    new Error(`Cannot log in to ${registryHost}: ${reason}`, cause === undefined ? undefined : { cause });

  const { url, response } = await ping(apiHost, tls, Boolean(options.insecure) || isLoopback(apiHost), fail);
  if (response.status === 200) return;
  if (response.status !== 401) throw fail(`GET ${url} answered ${describeStatus(response)}`);
  const challenge = parseChallenge(response.headers.get("www-authenticate") ?? "");
  if (challenge?.scheme === "basic") {
    const answer = await request(url, { headers: { Authorization: basic } }, tls, fail);
    if (answer.status === 200) return;
    if (answer.status === 401 || answer.status === 403) throw fail("the registry refused the user name or password");
    throw fail(`GET ${url} answered ${describeStatus(answer)}`);
  }
  if (challenge?.scheme === "bearer" && challenge.params.realm) {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm, url);
    } catch {
      throw fail(`the registry names a token service that is not a URL: ${JSON.stringify(challenge.params.realm)}`);
    }
    if (challenge.params.service) realm.searchParams.set("service", challenge.params.service);
    realm.searchParams.set("account", credential.username);
    realm.searchParams.set("client_id", "lade");
    const sameHost = realm.host === new URL(url).host;
    const answer = await request(realm.href, { headers: { Authorization: basic } }, sameHost ? tls : undefined, fail);
    if (answer.status === 401 || answer.status === 403) throw fail("the registry refused the user name or password");
    if (answer.status !== 200) throw fail(`the token service ${realm.origin}${realm.pathname} answered ${describeStatus(answer)}`);
    const body = (await answer.json().catch(() => undefined)) as { token?: unknown; access_token?: unknown } | undefined;
    if (typeof body?.token === "string" || typeof body?.access_token === "string") return;
    throw fail(`the token service ${realm.origin}${realm.pathname} answered without a token`);
  }
  throw fail(`the registry asks for an authentication scheme lade does not know: ${JSON.stringify(response.headers.get("www-authenticate") ?? "")}`);
}

/** `GET /v2/` over HTTPS, then plain HTTP when allowed and HTTPS could not connect. */
async function ping(
  host: string,
  tls: TlsOptions | undefined,
  plainAllowed: boolean,
  fail: (reason: string, cause?: unknown) => Error,
): Promise<{ url: string; response: Response }> {
  const secure = `https://${host}/v2/`;
  try {
    return { url: secure, response: await request(secure, {}, tls, fail) };
  } catch (error) {
    if (!plainAllowed) throw error;
    const plain = `http://${host}/v2/`;
    let response: Response;
    try {
      response = await request(plain, {}, undefined, fail);
    } catch {
      throw fail(`cannot reach ${secure} or ${plain}`, (error as Error).cause);
    }
    // A TLS server answers plain HTTP with 400: the HTTPS failure is the one to report.
    if (response.status === 400) throw error;
    return { url: plain, response };
  }
}

async function request(
  url: string,
  init: RequestInit,
  tls: TlsOptions | undefined,
  fail: (reason: string, cause?: unknown) => Error,
): Promise<Response> {
  try {
    const response = await fetch(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(TIMEOUT_MS), tls } as RequestInit);
    return response;
  } catch (error) {
    throw fail(`cannot reach ${url}`, error);
  }
}

/** The CAs to trust: the system's plus `caFile` and docker's certs.d for the host, when there are any. */
async function tlsOptions(host: string, options: VerifyLoginOptions): Promise<TlsOptions | undefined> {
  const extra: string[] = [];
  if (options.caFile) {
    try {
      extra.push(await readFile(options.caFile, "utf8"));
    } catch (error) {
      throw new Error(`Cannot read CA file ${JSON.stringify(options.caFile)}: ${(error as Error).message}`, { cause: error });
    }
  }
  const certsDirectory = join(options.certsDirectory ?? DEFAULT_CERTS_DIRECTORY, host);
  const names = await readdir(certsDirectory).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.endsWith(".crt")).sort()) {
    extra.push(await readFile(join(certsDirectory, name), "utf8"));
  }
  const tls: TlsOptions = {};
  if (extra.length > 0) tls.ca = [...rootCertificates, ...extra];
  if (options.insecure) tls.rejectUnauthorized = false;
  return Object.keys(tls).length > 0 ? tls : undefined;
}

/** 127.0.0.0/8, ::1 and localhost, with or without a port. */
function isLoopback(host: string): boolean {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  if (name === "localhost" || name === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The first challenge of a WWW-Authenticate header: its scheme (lower case) and parameters. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/g;
  for (const [, name, quoted, bare] of match[2]!.matchAll(pattern)) {
    params[name!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare!;
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

function describeStatus(response: Response): string {
  return `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
}
