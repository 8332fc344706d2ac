import { defineCommand } from "citty";
import { join, resolve } from "node:path";
import { directoryStorage } from "../../registry/serve/directory-storage.ts";
import { createHtpasswdCheck } from "../../registry/serve/htpasswd.ts";
import { serveRegistry } from "../../registry/serve/serve-registry.ts";
import type { RegistryStorage } from "../../registry/serve/registry-storage.ts";
import { createPushArea } from "../../registry/serve/push/push-area.ts";
import { layeredStorage } from "../../registry/serve/push/layered-storage.ts";
import type { PushOptions } from "../../registry/serve/push/push-routes.ts";
import { parseByteSize } from "../../util/parse-byte-size.ts";
import { createPullThrough, type PullThrough } from "../../registry/serve/proxy/pull-through.ts";
import { createRegistryClients } from "../../registry/registry-clients.ts";
import type { Credential } from "../../registry/registry-client.ts";
import { createReplicator, type Replicator } from "../../registry/serve/push/replicate.ts";
import { rootCertificates } from "node:tls";
import { repeatedOption } from "../repeated-option.ts";
import { parseDistributionConfig, type DistributionConfig } from "../../sealer/distribution-config.ts";
import { formatLocation, UserInputError } from "../../util/source-location.ts";
import { UsageError } from "../global-options.ts";
import { openStore } from "../command-context.ts";

const registryCommand = defineCommand({
  meta: {
    name: "registry",
    description:
      "Serve a registry folder (distribution's filesystem layout, as `lade mirror` or docker-registry write it) " +
      "or the registry inside a cluster image in the store, straight from disk: the OCI distribution " +
      "pull API with Range, tag lists and the catalog; with --push-dir also pushes, kept apart from what it serves. Stops gracefully on SIGTERM/SIGINT.",
  },
  args: {
    dir: { type: "string", description: "Folder holding docker/registry/v2 (e.g. the rootfs's registry/)" },
    config: {
      type: "string",
      description:
        "A docker-distribution config file (sealer's etc/registry_config.yml): its http.addr, http.tls, http.headers, storage.filesystem.rootdirectory and auth.htpasswd apply where no option says otherwise; keys that do not apply are warnings, what lade cannot do is an error",
    },
    image: { type: "string", description: "Serve the registry folder of this cluster image in the store, without copying it" },
    platform: { type: "string", description: "With --image: which platform's manifest to read (default: this machine's)" },
    "config-only": {
      type: "string",
      description: "Take only these parts of --config (comma-separated: addr, tls, headers, storage, auth, proxy), e.g. headers on a node whose address, certificate and accounts are lade's",
    },
    addr: { type: "string", description: "HOST:PORT to listen on (port 0 picks a free one; default: the --config's http.addr)" },
    "tls-cert": { type: "string", description: "TLS certificate (PEM)" },
    "tls-key": { type: "string", description: "TLS private key (PEM)" },
    htpasswd: { type: "string", description: "Require basic auth from this htpasswd file (bcrypt hashes, as docker-registry)" },
    "anonymous-read": { type: "boolean", description: "With --htpasswd: pulls need no login (pushes always do)" },
    "push-dir": {
      type: "string",
      description:
        "Take pushes (login required: needs --htpasswd) into this folder, in distribution's layout, served over what --dir/--image hold, which a push never changes; deletes stay off",
    },
    proxy: {
      type: "string",
      description:
        "A pull-through cache: URL is the upstream for any repository not found here, DOMAIN=URL the upstream for the repositories of DOMAIN (containerd's ?ns=DOMAIN, or a leading DOMAIN/ in the name); repeatable; needs --cache-dir",
    },
    "proxy-authfile": { type: "string", description: "docker config.json with the upstreams' credentials" },
    "proxy-ca-file": { type: "string", description: "CA certificates (PEM) the upstreams' certificates are checked against, besides the system's" },
    "cache-dir": { type: "string", description: "With --proxy: where what the upstreams gave is kept (distribution's layout)" },
    "cache-max-size": { type: "string", description: "With --proxy: the most the cache's blobs may take (e.g. 20G); the least recently used go first, the image's content never" },
    "replicate-to": {
      type: "string",
      description: "With --push-dir: send every push on to this other registry (its base URL, e.g. https://10.0.0.3:5000; repeatable), with the pusher's credentials; queued on disk while it is down",
    },
    "replicate-ca-file": { type: "string", description: "CA certificates (PEM) the --replicate-to registries' certificates are checked against" },
    "max-blob-size": { type: "string", description: "With --push-dir: the largest blob a push may upload (e.g. 5G); larger ones are refused before anything is stored" },
    quiet: { type: "boolean", alias: "q", description: "No access log" },
  },
  async run({ args, rawArgs }) {
    const parts = args["config-only"] === undefined ? CONFIG_PARTS : args["config-only"].split(",").map((part) => part.trim());
    const unknownPart = parts.find((part) => !(CONFIG_PARTS as readonly string[]).includes(part));
    if (unknownPart !== undefined) throw new UsageError(`--config-only takes ${CONFIG_PARTS.join(", ")}, not "${unknownPart}"`);
    if (args["config-only"] !== undefined && !args.config) throw new UsageError("--config-only goes with --config");
    const config = args.config ? onlyParts(readDistributionConfig(args.config, await readText(args.config, "config")), parts) : undefined;
    const dirArg = args.dir ?? (args.image ? undefined : config?.rootDirectory);
    if (Boolean(dirArg) === Boolean(args.image)) throw new UsageError("Give exactly one of --dir DIR and --image NAME (or a --config with storage.filesystem.rootdirectory)");
    const tlsCert = args["tls-cert"] ?? config?.tls?.certificate;
    const tlsKey = args["tls-key"] ?? config?.tls?.key;
    if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new UsageError("--tls-cert and --tls-key go together");
    const addr = args.addr ?? config?.addr;
    if (!addr) throw new UsageError("--addr HOST:PORT is needed (or a --config with http.addr)");
    const address = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(addr);
    if (!address) throw new UsageError(`--addr needs HOST:PORT: got "${addr}"`);
    const htpasswdFile = args.htpasswd ?? config?.htpasswd?.path;
    let storage: RegistryStorage;
    if (dirArg) {
      const dir = resolve(dirArg);
      if (!(await isDirectory(`${dir}/docker/registry/v2`))) {
        throw new UsageError(`"${dir}" holds no docker/registry/v2 folder`);
      }
      storage = directoryStorage(dir);
    } else {
      const { imageStorage } = await import("../../registry/serve/image-storage.ts");
      storage = await imageStorage(await openStore(), args.image!, args.platform);
    }
    const authorize = htpasswdFile ? createHtpasswdCheck(await readText(htpasswdFile, "htpasswd")) : undefined;
    if (args["anonymous-read"] && !authorize) throw new UsageError("--anonymous-read goes with --htpasswd: without it every request is anonymous");
    let push: PushOptions | undefined;
    if (args["push-dir"]) {
      if (!authorize) throw new UsageError("--push-dir needs --htpasswd: pushes always need a login");
      const maxBlobSize = args["max-blob-size"] === undefined ? undefined : parseByteSize(args["max-blob-size"]);
      if (maxBlobSize === undefined && args["max-blob-size"] !== undefined) throw new UsageError(`--max-blob-size needs a size such as 5G, not "${args["max-blob-size"]}"`);
      const area = createPushArea(resolve(args["push-dir"]));
      storage = layeredStorage([area.storage, storage]);
      push = { area, storage, ...(maxBlobSize !== undefined ? { maxBlobSize } : {}) };
    } else if (args["max-blob-size"] !== undefined || args["replicate-to"] !== undefined) {
      throw new UsageError(`--${args["max-blob-size"] !== undefined ? "max-blob-size" : "replicate-to"} goes with --push-dir`);
    }
    const tls = tlsCert ? { cert: await readText(tlsCert, "certificate"), key: await readText(tlsKey!, "key") } : undefined;
    if (args["push-dir"] && args["cache-dir"] && resolve(args["push-dir"]) === resolve(String(args["cache-dir"]))) {
      throw new UsageError("--push-dir and --cache-dir must be two folders: the cache evicts what it holds, pushed images must stay");
    }
    const proxy = await pullThroughOf(args, rawArgs, config);
    if (proxy) storage = layeredStorage([storage, proxy.storage]);
    if (push) push = { ...push, storage, ...(await replicatorOf(args, rawArgs, storage, resolve(args["push-dir"]!), args.quiet ? undefined : (line) => process.stderr.write(`${new Date().toISOString()} info ${line}\n`))) };
    const server = serveRegistry(storage, {
      hostname: address[1]!.replace(/^\[|\]$/g, "") || "0.0.0.0",
      port: Number(address[2]),
      tls,
      authorize,
      ...(args["anonymous-read"] ? { anonymousRead: true } : {}),
      ...(config?.htpasswd?.realm && !args.htpasswd ? { realm: config.htpasswd.realm } : {}),
      ...(config ? { headers: config.headers } : {}),
      ...(push ? { push } : {}),
      ...(proxy ? { proxy } : {}),
      onRequest: args.quiet ? undefined : (line) => process.stderr.write(`${new Date().toISOString()} info ${line}\n`),
    });
    process.stderr.write(`Serving ${dirArg ?? args.image}${push ? ` and pushes into ${resolve(args["push-dir"]!)}` : ""} on ${tls ? "https" : "http"}://${server.hostname}:${server.port}\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.stderr.write("Stopping: waiting for requests in flight\n");
        void server.stop().then(done);
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
  },
});

/** The replicator the --replicate-to options ask for (queued under the push folder), none without them. */
async function replicatorOf(args: Record<string, unknown>, rawArgs: readonly string[], storage: RegistryStorage, pushDir: string, log: ((line: string) => void) | undefined): Promise<{ replicator?: Replicator }> {
  const peers = repeatedOption(rawArgs, "replicate-to").map((value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--replicate-to needs a registry's base URL (https://HOST:PORT), not "${value}"`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--replicate-to ${value}: an http(s) URL`);
    return url.origin;
  });
  if (peers.length === 0) {
    if (args["replicate-ca-file"]) throw new UsageError("--replicate-ca-file goes with --replicate-to");
    return {};
  }
  const ca = args["replicate-ca-file"] ? [...rootCertificates, await readText(String(args["replicate-ca-file"]), "CA")] : undefined;
  const replicator = createReplicator({ peers, storage, queueDir: join(pushDir, "replication"), ...(ca ? { ca } : {}), ...(log ? { log } : {}) });
  replicator.resume();
  return { replicator };
}

/** The pull-through cache the --proxy options ask for, or undefined without them. */
async function pullThroughOf(args: Record<string, unknown>, rawArgs: readonly string[], config: DistributionConfig | undefined): Promise<PullThrough | undefined> {
  const fromConfig = config?.proxy;
  const proxies = [...repeatedOption(rawArgs, "proxy")];
  // the config's proxy is the upstream for everything else, unless a --proxy URL says otherwise
  if (fromConfig && !proxies.some((value) => !/^[^=/]+=/.test(value))) proxies.push(fromConfig.remoteUrl);
  const cacheOptions = ["proxy-authfile", "proxy-ca-file", "cache-dir", "cache-max-size"].filter((name) => args[name] !== undefined);
  if (proxies.length === 0) {
    // a node passes its cache folder whether or not its config has a proxy
    if (cacheOptions.length > 0 && !(config && cacheOptions.every((name) => name === "cache-dir" || name === "cache-max-size"))) {
      throw new UsageError(`--${cacheOptions[0]} goes with --proxy`);
    }
    return undefined;
  }
  if (!args["cache-dir"]) throw new UsageError("--proxy needs --cache-dir DIR: where what the upstreams give is kept");
  const upstreams = new Map<string, string>();
  const insecure: string[] = [];
  for (const value of proxies) {
    const equals = value.indexOf("=");
    const [domain, target] = equals > 0 && !value.slice(0, equals).includes("/") ? [value.slice(0, equals), value.slice(equals + 1)] : ["", value];
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`--proxy needs URL or DOMAIN=URL (https://…), not "${value}"`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--proxy ${value}: the upstream is an http(s) URL`);
    if (upstreams.has(domain)) throw new UsageError(`--proxy ${domain ? `${domain}=` : ""}… is given twice`);
    // Docker Hub's API host stands for docker.io, whose credentials are saved under that name
    const registry = url.host === "registry-1.docker.io" ? "docker.io" : url.host;
    if (url.protocol === "http:") insecure.push(registry);
    upstreams.set(domain, registry);
  }
  const maxSize = args["cache-max-size"] === undefined ? undefined : parseByteSize(String(args["cache-max-size"]));
  if (args["cache-max-size"] !== undefined && maxSize === undefined) throw new UsageError(`--cache-max-size needs a size such as 20G, not "${args["cache-max-size"]}"`);
  const credentials = new Map<string, Credential>();
  if (fromConfig?.username && fromConfig.password) {
    const host = new URL(fromConfig.remoteUrl).host;
    credentials.set(host === "registry-1.docker.io" ? "docker.io" : host, { username: fromConfig.username, password: fromConfig.password });
  }
  const clients = createRegistryClients({
    credentials,
    ...(args["proxy-authfile"] ? { authFile: resolve(String(args["proxy-authfile"])) } : {}),
    ...(args["proxy-ca-file"] ? { caFile: resolve(String(args["proxy-ca-file"])) } : {}),
    insecureRegistries: insecure,
  });
  return createPullThrough({ cacheDir: resolve(String(args["cache-dir"])), upstreams, clients, ...(maxSize !== undefined ? { maxSize } : {}) });
}

const CONFIG_PARTS = ["addr", "tls", "headers", "storage", "auth", "proxy"] as const;

/** The parts of a distribution config that were asked for. */
function onlyParts(config: DistributionConfig, parts: readonly string[]): DistributionConfig {
  return {
    ...(parts.includes("addr") && config.addr ? { addr: config.addr } : {}),
    ...(parts.includes("tls") && config.tls ? { tls: config.tls } : {}),
    headers: parts.includes("headers") ? config.headers : {},
    ...(parts.includes("storage") && config.rootDirectory ? { rootDirectory: config.rootDirectory } : {}),
    ...(parts.includes("auth") && config.htpasswd ? { htpasswd: config.htpasswd } : {}),
    ...(parts.includes("proxy") && config.proxy ? { proxy: config.proxy } : {}),
    ignored: config.ignored,
  };
}

/** The config file, its keys that do not apply said on stderr; a mistake in it is a usage error at its line. */
function readDistributionConfig(file: string, text: string): DistributionConfig {
  try {
    const config = parseDistributionConfig(text, file);
    for (const entry of config.ignored) process.stderr.write(`warning: ${formatLocation(entry.location)}: ${entry.key} does not apply: ${entry.why}\n`);
    return config;
  } catch (error) {
    if (error instanceof UserInputError) throw new UsageError(error.message);
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  const { stat } = await import("node:fs/promises");
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function readText(path: string, what: string): Promise<string> {
  return Bun.file(path)
    .text()
    .catch(() => {
      throw new UsageError(`Cannot read the ${what} file "${path}"`);
    });
}

export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Serve content from the node: `lade serve registry`" },
  subCommands: { registry: registryCommand },
});
