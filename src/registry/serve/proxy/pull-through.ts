import { mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdir, rm, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Digest } from "../../../oci/digest.ts";
import { downloadBlob } from "../../download-blob.ts";
import type { RegistryClient } from "../../registry-client.ts";
import { createPushArea } from "../push/push-area.ts";
import type { RegistryStorage } from "../registry-storage.ts";

/** Where a repository the registry does not have comes from: a registry and its repository there. */
export interface Upstream {
  readonly registry: string;
  readonly repository: string;
}

export interface PullThroughOptions {
  /** Where fetched content is kept, in distribution's layout (a layer under the image's content). */
  readonly cacheDir: string;
  /** Upstream registry names by the domain a client asks for; "" is the one for everything else. */
  readonly upstreams: ReadonlyMap<string, string>;
  readonly clients: (registry: string) => Promise<RegistryClient>;
  /** Bytes the cache's blobs may take; the least recently used go first. */
  readonly maxSize?: number;
}

/**
 * A pull-through cache: a manifest or blob a pull asks for that is neither in the image nor
 * pushed is fetched from the upstream for its domain, verified by digest, kept in the cache
 * folder and served from there; the next pull needs no upstream. A tag, once cached, is served
 * from the cache (the air gap's point: no upstream needed). Only the cache's blobs are ever
 * evicted, least recently used first, when it grows past its size; an evicted blob is fetched
 * again when it is asked for.
 */
export interface PullThrough {
  readonly storage: RegistryStorage;
  /** The upstream for a request of NAME (its leading DOMAIN/ component, or containerd's ?ns=). */
  upstreamFor(name: string, namespace: string | null): Upstream | undefined;
  fetchManifest(name: string, reference: string, upstream: Upstream): Promise<void>;
  fetchBlob(name: string, digest: Digest, upstream: Upstream): Promise<void>;
  /** A cached blob was served: it is the most recently used. */
  touch(digest: string): void;
}

export function createPullThrough(options: PullThroughOptions): PullThrough {
  const area = createPushArea(options.cacheDir);
  const base = join(options.cacheDir, "docker", "registry", "v2");
  const partials = join(options.cacheDir, "partial");
  mkdirSync(partials, { recursive: true });
  const blobPath = (digest: string) => {
    const [algorithm, hex] = digest.split(":") as [string, string];
    return join(base, "blobs", algorithm, hex.slice(0, 2), hex, "data");
  };
  const index = indexBlobs(join(base, "blobs"));
  const inFlight = new Map<string, Promise<void>>();
  const once = (key: string, work: () => Promise<void>) => {
    let running = inFlight.get(key);
    if (!running) {
      running = work().finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return running;
  };

  const evict = async () => {
    if (options.maxSize === undefined) return;
    let total = [...index.values()].reduce((sum, entry) => sum + entry.size, 0);
    const oldest = [...index.entries()].sort(([, a], [, b]) => a.used - b.used);
    for (const [digest, entry] of oldest) {
      if (total <= options.maxSize) break;
      if (inFlight.has(`blob:${digest}`)) continue;
      await rm(blobPath(digest), { force: true });
      index.delete(digest);
      total -= entry.size;
    }
  };

  return {
    storage: area.storage,
    upstreamFor(name, namespace) {
      if (namespace) {
        const registry = options.upstreams.get(namespace) ?? options.upstreams.get("");
        return registry ? { registry, repository: name } : undefined;
      }
      const slash = name.indexOf("/");
      const first = slash > 0 ? name.slice(0, slash) : "";
      const byDomain = first ? options.upstreams.get(first) : undefined;
      if (byDomain) return { registry: byDomain, repository: name.slice(slash + 1) };
      const fallback = options.upstreams.get("");
      return fallback ? { registry: fallback, repository: name } : undefined;
    },
    fetchManifest(name, reference, upstream) {
      return once(`manifest:${name}:${reference}`, async () => {
        const client = await options.clients(upstream.registry);
        const manifest = await client.getManifest(upstream.repository, reference);
        await area.putManifest(name, manifest.digest, manifest.bytes, reference.includes(":") ? undefined : reference);
      });
    },
    fetchBlob(name, digest, upstream) {
      return once(`blob:${digest}`, async () => {
        const client = await options.clients(upstream.registry);
        const head = await client.request("HEAD", `/v2/${upstream.repository}/blobs/${digest}`, {
          scope: `repository:${upstream.repository}:pull`,
          what: `blob ${digest} of ${upstream.repository}`,
          followRedirectsWithoutAuth: true,
        });
        const size = Number(head.headers.get("content-length") ?? "-1");
        if (!Number.isInteger(size) || size < 0) throw new Error(`${upstream.registry} did not say the size of blob ${digest}`);
        const target = blobPath(digest);
        await mkdir(dirname(target), { recursive: true });
        await downloadBlob({ client, repository: upstream.repository, digest, size, target, partial: join(partials, digest.replace(":", "-")) });
        await area.linkBlob(name, digest);
        index.set(digest, { size, used: Date.now() });
        await evict();
      });
    },
    touch(digest) {
      const entry = index.get(digest);
      if (!entry) return;
      entry.used = Date.now();
      // the file's times carry the order across restarts
      void utimes(blobPath(digest), new Date(), new Date()).catch(() => undefined);
    },
  };
}

/** The cache's blobs with their sizes and when each was last used (its file's mtime), by digest. */
function indexBlobs(blobs: string): Map<string, { size: number; used: number }> {
  const index = new Map<string, { size: number; used: number }>();
  for (const algorithm of safeList(blobs)) {
    for (const prefix of safeList(join(blobs, algorithm))) {
      for (const hex of safeList(join(blobs, algorithm, prefix))) {
        const info = statSync(join(blobs, algorithm, prefix, hex, "data"), { throwIfNoEntry: false });
        if (info?.isFile()) index.set(`${algorithm}:${hex}`, { size: info.size, used: info.mtimeMs });
      }
    }
  }
  return index;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
