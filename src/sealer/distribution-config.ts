import { isConfigObject, type ConfigObject, type ConfigValue } from "../kubeadm/config-value.ts";
import { parseConfigYaml } from "../kubeadm/parse-config-yaml.ts";
import { UserInputError, type SourceLocation } from "../util/source-location.ts";

/** sealer's etc/registry_config.yml: docker-distribution's config file, for its registry container. */
export const REGISTRY_CONFIG_FILES = ["etc/registry_config.yml", "etc/registry_config.yaml"] as const;

/** What of a distribution config `lade serve registry` does, and what it leaves aside. */
export interface DistributionConfig {
  /** http.addr, as HOST:PORT (distribution's `:5000` is every address). */
  readonly addr?: string;
  readonly tls?: { readonly certificate: string; readonly key: string };
  /** http.headers: added to every response. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** storage.filesystem.rootdirectory. */
  readonly rootDirectory?: string;
  readonly htpasswd?: { readonly path: string; readonly realm?: string };
  /** proxy: the upstream of a pull-through cache, with its account. */
  readonly proxy?: { readonly remoteUrl: string; readonly username?: string; readonly password?: string };
  /** Keys that do not apply to lade's registry, each with why (warnings). */
  readonly ignored: readonly { readonly key: string; readonly why: string; readonly location: SourceLocation }[];
}

/** Sections lade has no use for, and why: a warning each, never an error. */
const IGNORED: Readonly<Record<string, string>> = {
  version: "lade reads every field it knows whatever the version",
  log: "lade writes one access-log line per request on stderr (the journal)",
  loglevel: "lade writes one access-log line per request on stderr (the journal)",
  "storage.cache": "lade reads links and manifests from disk each time (the page cache keeps them)",
  "storage.maintenance": "lade never leaves uploads behind to purge: a failed upload is removed",
  "storage.redirect": "blobs are served by the registry itself",
  "storage.delete": "deletes are off on lade's registry",
  "http.secret": "lade keeps no upload state in clients' hands",
  "http.debug": "lade has no debug server",
  "http.host": "lade answers with the address a client used",
  "http.relativeurls": "lade sends absolute Location URLs",
  "http.net": "lade listens on TCP",
  "http.prefix": "lade serves /v2/ at the root",
  "http.http2": "Bun decides",
  "http.draintimeout": "lade lets requests in flight finish on SIGTERM",
  "proxy.ttl": "a cached tag is kept until it is removed from the cache (an air gap has no upstream to ask)",
  health: "lade's registry has no storage driver to check: systemd restarts it",
  notifications: "lade sends no webhooks",
  redis: "lade uses no cache",
  validation: "lade checks every manifest's references on push",
  compatibility: "lade takes OCI and Docker schema 2 manifests",
  reporting: "lade reports to nobody",
  middleware: "lade has no middleware",
};

/**
 * Read a distribution config (docker-distribution's config.yml) for what `lade serve registry`
 * does with it: listen address, TLS, response headers, the filesystem root, htpasswd auth, a proxy. A
 * key lade leaves aside is listed with why; what lade cannot do as asked (another storage driver,
 * token auth) and wrong types are errors at their line. A `proxy` is a pull-through cache.
 *
 * @throws {UserInputError}
 */
export function parseDistributionConfig(text: string, file: string): DistributionConfig {
  const [document] = parseConfigYaml(text, file);
  if (!document || document.value === undefined) return { headers: {}, ignored: [] };
  const root = document.value;
  if (!isConfigObject(root)) throw new UserInputError(document.location, `${file} is a map (docker-distribution's config)`);
  const at = (path: string[]) => document.locate(path);
  const atKey = (path: string[]) => document.locate(path, "key");
  const ignored: { key: string; why: string; location: SourceLocation }[] = [];
  const section = (path: string[]): ConfigObject | undefined => {
    let value: ConfigValue | undefined = root;
    for (const key of path) value = isConfigObject(value) ? value[key] : undefined;
    if (value === undefined || value === null) return undefined;
    if (!isConfigObject(value)) throw new UserInputError(at(path), `${file}: ${path.join(".")} is a map`);
    return value;
  };
  const text_ = (path: string[]): string | undefined => {
    const parent = section(path.slice(0, -1));
    const value = parent?.[path.at(-1)!];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw new UserInputError(at(path), `${file}: ${path.join(".")} is a string`);
    return value;
  };
  /** Every key of SECTION other than KNOWN: ignored (with why) or refused. */
  const sort = (prefix: string[], known: readonly string[]) => {
    for (const key of Object.keys(section(prefix) ?? {})) {
      if (known.includes(key)) continue;
      const name = [...prefix, key].join(".");
      const why = IGNORED[name];
      if (why === undefined) throw new UserInputError(atKey([...prefix, key]), `${file}: ${name} is not something lade's registry can do`);
      ignored.push({ key: name, why, location: atKey([...prefix, key]) });
    }
  };
  sort([], ["storage", "http", "auth", "proxy"]);

  const storage = section(["storage"]);
  const drivers = Object.keys(storage ?? {}).filter((key) => !["cache", "maintenance", "redirect", "delete", "filesystem"].includes(key));
  if (drivers.length > 0) {
    throw new UserInputError(atKey(["storage", drivers[0]!]), `${file}: storage.${drivers[0]} is a storage driver lade does not have: it serves the registry from the filesystem (storage.filesystem)`);
  }
  sort(["storage"], ["filesystem"]);
  sort(["storage", "filesystem"], ["rootdirectory"]);
  const rootDirectory = text_(["storage", "filesystem", "rootdirectory"]);

  sort(["http"], ["addr", "tls", "headers"]);
  const addrText = text_(["http", "addr"]);
  const addr = addrText === undefined ? undefined : addrText.startsWith(":") ? `0.0.0.0${addrText}` : addrText;
  if (addr !== undefined && !/^(\[[^\]]+\]|[^:]*):\d+$/.test(addr)) throw new UserInputError(at(["http", "addr"]), `${file}: http.addr "${addrText}" is not HOST:PORT or :PORT`);
  sort(["http", "tls"], ["certificate", "key"]);
  const certificate = text_(["http", "tls", "certificate"]);
  const key = text_(["http", "tls", "key"]);
  if ((certificate === undefined) !== (key === undefined)) throw new UserInputError(at(["http", "tls"]), `${file}: http.tls needs both certificate and key`);
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(section(["http", "headers"]) ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((item) => typeof item !== "string")) throw new UserInputError(at(["http", "headers", name]), `${file}: http.headers.${name} is a list of strings`);
    headers[name] = values as string[];
  }

  const auth = section(["auth"]);
  const schemes = Object.keys(auth ?? {}).filter((scheme) => scheme !== "htpasswd");
  if (schemes.length > 0) throw new UserInputError(atKey(["auth", schemes[0]!]), `${file}: auth.${schemes[0]} is not supported: lade's registry takes basic auth (auth.htpasswd)`);
  sort(["auth", "htpasswd"], ["realm", "path"]);
  const htpasswdPath = text_(["auth", "htpasswd", "path"]);
  const realm = text_(["auth", "htpasswd", "realm"]);
  if (auth?.htpasswd !== undefined && htpasswdPath === undefined) throw new UserInputError(at(["auth", "htpasswd"]), `${file}: auth.htpasswd needs a path`);

  let proxy: DistributionConfig["proxy"];
  if (section(["proxy"]) !== undefined) {
    sort(["proxy"], ["remoteurl", "username", "password"]);
    const remoteUrl = text_(["proxy", "remoteurl"]);
    if (!remoteUrl || !/^https?:\/\/[^/]+/.test(remoteUrl)) throw new UserInputError(at(["proxy", "remoteurl"]), `${file}: proxy.remoteurl is the upstream's http(s) URL`);
    const username = text_(["proxy", "username"]);
    const password = text_(["proxy", "password"]);
    if ((username === undefined) !== (password === undefined)) throw new UserInputError(at(["proxy"]), `${file}: proxy.username and proxy.password go together`);
    proxy = { remoteUrl, ...(username ? { username } : {}), ...(password ? { password } : {}) };
  }
  return {
    ...(addr ? { addr } : {}),
    ...(certificate && key ? { tls: { certificate, key } } : {}),
    headers,
    ...(rootDirectory ? { rootDirectory } : {}),
    ...(htpasswdPath ? { htpasswd: { path: htpasswdPath, ...(realm ? { realm } : {}) } } : {}),
    ...(proxy ? { proxy } : {}),
    ignored,
  };
}
