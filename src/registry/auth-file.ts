import { chmod, mkdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";

/**
 * Registry credentials in docker's `config.json` format, read and written the way docker, podman
 * and skopeo do it, so a `docker login` is seen by lade and a `lade login` by them.
 *
 * ```json
 * { "auths": { "reg.example.com": { "auth": "base64(user:password)" },
 *              "https://index.docker.io/v1/": { "identitytoken": "…" } },
 *   "credHelpers": { "123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" },
 *   "credsStore": "pass" }
 * ```
 *
 * Secrets never appear in an error message: messages name the file, the registry and the helper.
 */

/** Where the credential file is, and the environment to resolve it (and credential helpers) in. */
export interface AuthFileOptions {
  /** `--authfile`: wins over everything else. */
  readonly authFile?: string;
  /** Default `process.env`: REGISTRY_AUTH_FILE, DOCKER_CONFIG, HOME, and PATH for the helpers. */
  readonly env?: Record<string, string | undefined>;
}

/**
 * A user name and password, or an identity token.
 *
 * `identityToken` is docker's `identitytoken` (a helper's Secret when its Username is `<token>`):
 * an OAuth2 **refresh token**, carried as is. The HTTP client sends it to the bearer token realm as
 * `POST realm` with `grant_type=refresh_token&refresh_token=TOKEN&service=…&scope=…&client_id=lade`;
 * a registry that only knows basic auth may instead take it as the password of user `<token>`.
 */
export type RegistryCredential =
  | { readonly username: string; readonly password: string }
  | { readonly identityToken: string };

/** Where {@link saveCredential} put the secret. */
export interface SavedCredential {
  /** The config file that was rewritten. */
  readonly authFile: string;
  /** `docker-credential-<name>` when a credential helper holds the secret (the file then has an empty entry). */
  readonly helper?: string;
}

type AuthEntry = Record<string, unknown>;
type AuthConfig = Record<string, unknown> & {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
};

const DOCKER_HUB_KEY = "https://index.docker.io/v1/";
const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);
const TOKEN_USER = "<token>";
const NOT_FOUND_PATTERN = /credentials not found/i;
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * The credential file: `--authfile`, else `$REGISTRY_AUTH_FILE`, else `$DOCKER_CONFIG/config.json`,
 * else `~/.docker/config.json`.
 *
 * @example authFilePath({ env: { DOCKER_CONFIG: "/etc/ci" } }) // "/etc/ci/config.json"
 */
export function authFilePath(options: AuthFileOptions = {}): string {
  const env = options.env ?? process.env;
  if (options.authFile) return options.authFile;
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, "config.json");
  return join(env.HOME || homedir(), ".docker", "config.json");
}

/**
 * The registry's host as credentials are keyed: scheme and path dropped, Docker Hub's aliases
 * (`index.docker.io`, `registry-1.docker.io`, `https://index.docker.io/v1/`) all become `docker.io`.
 *
 * @throws {TypeError} when the text does not name a host (with an optional port)
 * @example normalizeRegistryHost("https://reg.example.com:5000/v2/") // "reg.example.com:5000"
 */
export function normalizeRegistryHost(text: string): string {
  const host = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split("/")[0]!;
  if (!HOST_PATTERN.test(host)) throw new TypeError(`Cannot use registry ${JSON.stringify(text)}: it is not a host name with an optional port`);
  const lower = host.toLowerCase();
  return DOCKER_HUB_HOSTS.has(lower) ? "docker.io" : lower;
}

/**
 * The credential for a registry, or `undefined` when there is none (no file, no entry, or the
 * credential helper has none). `credHelpers[host]` wins, then `credsStore`, then `auths`, whose
 * keys may be `host`, `host:port`, `https://host`, `http://host` or `https://host/v2/`.
 *
 * @throws {SyntaxError} when the file is not valid JSON or an entry cannot be decoded (names the file)
 * @throws {Error} when a credential helper fails (names the helper)
 */
export async function loadCredential(registryHost: string, options: AuthFileOptions = {}): Promise<RegistryCredential | undefined> {
  const host = normalizeRegistryHost(registryHost);
  const path = authFilePath(options);
  const config = await readAuthConfig(path);
  if (!config) return undefined;
  const helper = helperFor(config, host);
  if (helper) return getFromHelper(helper, serverUrl(host), options);
  const keys = matchingKeys(config, host);
  for (const key of keys) {
    const credential = decodeEntry(config.auths![key]!, key, path);
    if (credential) return credential;
  }
  return undefined;
}

/**
 * Store a user name and password for a registry: with the credential helper that applies (and an
 * empty `auths` entry, as docker does), else base64 in `auths`. Docker Hub is saved under
 * `https://index.docker.io/v1/`, other registries under their host. Other spellings of the same
 * registry are replaced; everything else in the file is kept. The file is replaced atomically with
 * mode 0600 (its directory is created 0700).
 *
 * @throws {SyntaxError} when the existing file is not valid JSON
 * @throws {Error} when the credential helper fails
 */
export async function saveCredential(
  registryHost: string,
  credential: { readonly username: string; readonly password: string },
  options: AuthFileOptions = {},
): Promise<SavedCredential> {
  const host = normalizeRegistryHost(registryHost);
  const path = await resolvedAuthFilePath(options);
  const config = (await readAuthConfig(path)) ?? {};
  const helper = helperFor(config, host);
  const key = serverUrl(host);
  if (helper) {
    const request = JSON.stringify({ ServerURL: key, Username: credential.username, Secret: credential.password });
    await runHelper(helper, "store", request, options, credential.password);
  }
  const auths = { ...config.auths };
  for (const other of matchingKeys(config, host)) delete auths[other];
  auths[key] = helper ? {} : { auth: Buffer.from(`${credential.username}:${credential.password}`).toString("base64") };
  await writeAuthConfig(path, { ...config, auths });
  return helper ? { authFile: path, helper: `docker-credential-${helper}` } : { authFile: path };
}

/**
 * Forget a registry's credential: erase it from the credential helper that applies and drop every
 * `auths` entry for the registry. Everything else in the file is kept.
 *
 * @returns whether there was anything to remove
 * @throws {SyntaxError} when the file is not valid JSON
 * @throws {Error} when the credential helper fails
 */
export async function removeCredential(registryHost: string, options: AuthFileOptions = {}): Promise<boolean> {
  const host = normalizeRegistryHost(registryHost);
  const path = await resolvedAuthFilePath(options);
  const config = await readAuthConfig(path);
  if (!config) return false;
  const helper = helperFor(config, host);
  let removed = false;
  if (helper) {
    // Erasing what a helper does not have fails in some helpers and not in others: ask first.
    const existing = await getFromHelper(helper, serverUrl(host), options);
    if (existing) {
      await runHelper(helper, "erase", serverUrl(host), options);
      removed = true;
    }
  }
  const keys = matchingKeys(config, host);
  if (keys.length > 0) {
    const auths = { ...config.auths };
    for (const key of keys) delete auths[key];
    await writeAuthConfig(path, { ...config, auths });
    removed = true;
  }
  return removed;
}

/** The config file to write: a symbolic link is followed, so the link itself stays (like docker). */
async function resolvedAuthFilePath(options: AuthFileOptions): Promise<string> {
  const path = authFilePath(options);
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

async function readAuthConfig(path: string): Promise<AuthConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read credential file ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the mistake, which may be a secret: leave it out.
    throw new SyntaxError(`Cannot parse credential file ${JSON.stringify(path)}: it is not valid JSON`);
  }
  if (!isObject(parsed)) throw new SyntaxError(`Cannot parse credential file ${JSON.stringify(path)}: it is not a JSON object`);
  for (const field of ["auths", "credHelpers"] as const) {
    if (parsed[field] !== undefined && !isObject(parsed[field])) {
      throw new SyntaxError(`Cannot parse credential file ${JSON.stringify(path)}: "${field}" is not an object`);
    }
  }
  if (parsed.credsStore !== undefined && typeof parsed.credsStore !== "string") {
    throw new SyntaxError(`Cannot parse credential file ${JSON.stringify(path)}: "credsStore" is not a string`);
  }
  return parsed as AuthConfig;
}

/** Replace the file atomically (temporary file, then rename) with mode 0600. */
async function writeAuthConfig(path: string, config: AuthConfig): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(config, null, "\t")}\n`, { mode: 0o600, flag: "wx" });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`Cannot write credential file ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
}

/** The key docker uses for a registry: Docker Hub's legacy index URL, else the host. */
function serverUrl(host: string): string {
  return host === "docker.io" ? DOCKER_HUB_KEY : host;
}

/** The `auths` keys that name this registry, the exact key first, then in file order. */
function matchingKeys(config: AuthConfig, host: string): string[] {
  const keys = Object.keys(config.auths ?? {}).filter((key) => keyHost(key) === host);
  const exact = serverUrl(host);
  return [...keys.filter((key) => key === exact), ...keys.filter((key) => key !== exact)];
}

/** docker's ConvertToHostname, plus Docker Hub's aliases; keys that are no host match nothing. */
function keyHost(key: string): string | undefined {
  try {
    return normalizeRegistryHost(key);
  } catch {
    return undefined;
  }
}

/** The helper name (`docker-credential-<name>`) that holds this registry's credentials, if any. */
function helperFor(config: AuthConfig, host: string): string | undefined {
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (typeof helper === "string" && helper !== "" && keyHost(key) === host) return helper;
  }
  return config.credsStore || undefined;
}

function decodeEntry(entry: unknown, key: string, path: string): RegistryCredential | undefined {
  if (!isObject(entry)) return undefined;
  const where = `the entry ${JSON.stringify(key)} of credential file ${JSON.stringify(path)}`;
  if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") return { identityToken: entry.identitytoken };
  if (typeof entry.auth === "string" && entry.auth !== "") {
    const encoded = entry.auth.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new SyntaxError(`Cannot decode ${where}: "auth" is not base64`);
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw new SyntaxError(`Cannot decode ${where}: "auth" is not base64 of "user:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, "") };
  }
  if (typeof entry.username === "string" && entry.username !== "" && typeof entry.password === "string") {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

async function getFromHelper(helper: string, server: string, options: AuthFileOptions): Promise<RegistryCredential | undefined> {
  const output = await runHelper(helper, "get", server, options);
  if (output === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new Error(`Cannot read credentials for ${JSON.stringify(server)} from docker-credential-${helper}: its answer is not JSON`);
  }
  if (!isObject(parsed) || typeof parsed.Secret !== "string" || typeof parsed.Username !== "string") {
    throw new Error(`Cannot read credentials for ${JSON.stringify(server)} from docker-credential-${helper}: its answer has no "Username" and "Secret"`);
  }
  if (parsed.Secret === "") return undefined;
  if (parsed.Username === TOKEN_USER) return { identityToken: parsed.Secret };
  return { username: parsed.Username, password: parsed.Secret };
}

/**
 * Run `docker-credential-<helper> ACTION` with INPUT on stdin. Returns stdout, or `undefined` when
 * the helper says it has no credentials. The helper's own words go into errors with `secret` masked.
 */
async function runHelper(
  helper: string,
  action: "get" | "store" | "erase",
  input: string,
  options: AuthFileOptions,
  secret?: string,
): Promise<string | undefined> {
  const program = `docker-credential-${helper}`;
  const env = options.env ?? process.env;
  const executable = Bun.which(program, { PATH: env.PATH ?? "" });
  if (!executable) throw new Error(`Cannot run credential helper "${program}": it is not in PATH`);
  let child;
  try {
    child = Bun.spawn([executable, action], { env, stdin: new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
  } catch (error) {
    throw new Error(`Cannot run credential helper "${program}": ${(error as Error).message}`, { cause: error });
  }
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (exitCode === 0) return stdout.trim();
  // A JSON answer may carry a secret even when the helper fails: only its plain words are shown.
  const words = stdout.trim().startsWith("{") ? "" : stdout.trim();
  const said = `${words} ${stderr.trim()}`.trim();
  if (action !== "store" && NOT_FOUND_PATTERN.test(said)) return undefined;
  const masked = secret ? said.split(secret).join("***") : said;
  const detail = masked ? `: ${masked.slice(0, 500)}` : "";
  throw new Error(`Credential helper "${program} ${action}" failed with exit code ${exitCode}${detail}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
