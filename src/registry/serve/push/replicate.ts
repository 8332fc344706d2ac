import { mkdirSync } from "node:fs";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryStorage } from "../registry-storage.ts";
import { manifestReferences } from "./manifest-references.ts";

/** The header a replicated push carries, so that the peer does not send it back. */
export const REPLICA_HEADER = "X-Lade-Replica";

export interface ReplicatorOptions {
  /** The other registries, as base URLs (`https://10.0.0.3:5000`). */
  readonly peers: readonly string[];
  /** Everything this registry serves: where the pushed manifests and their blobs are read from. */
  readonly storage: RegistryStorage;
  /** Where pushes still to be sent wait (one folder per peer), so a restart or a peer down loses none. */
  readonly queueDir: string;
  /** CA certificates (PEM) the peers' certificates are checked against. */
  readonly ca?: readonly string[];
  readonly log?: (line: string) => void;
  /** First wait before a failed replication is tried again; doubles up to a minute. */
  readonly retryMilliseconds?: number;
}

/** One push to send on: a manifest (by digest), its tag, and the credentials the pusher gave. */
interface QueuedPush {
  readonly name: string;
  readonly digest: string;
  readonly tag?: string;
  readonly authorization?: string;
}

/**
 * Pushes replicated to the other registry hosts, so that a push to one is pulled from all: after a
 * manifest is stored, each peer gets the blobs it lacks (HEAD, then a monolithic upload) and then
 * the manifest, with the pusher's own credentials (every registry host has the same accounts).
 * Each peer has a queue on disk, sent in order (an index after the manifests it names); a peer
 * that is down keeps its queue and is tried again, later and later, until it answers.
 */
export function createReplicator(options: ReplicatorOptions) {
  const queues = options.peers.map((peer, index) => {
    const dir = join(options.queueDir, `peer-${index}-${new URL(peer).host.replace(/[^A-Za-z0-9.-]/g, "_")}`);
    mkdirSync(dir, { recursive: true });
    return { peer, dir, running: false, wait: options.retryMilliseconds ?? 1000, timer: undefined as ReturnType<typeof setTimeout> | undefined };
  });
  let sequence = 0;
  const tls = options.ca ? { tls: { ca: [...options.ca] } } : {};

  const send = async (peer: string, push: QueuedPush) => {
    const headers = { ...(push.authorization ? { Authorization: push.authorization } : {}), [REPLICA_HEADER]: "1" };
    const bytes = await options.storage.readSmall(blobPath(push.digest));
    if (!bytes) throw new Error(`${push.name}@${push.digest} is no longer here`);
    const references = manifestReferences(bytes, null);
    if (typeof references === "string") throw new Error(references);
    for (const blob of references.blobs) {
      const head = await fetch(`${peer}/v2/${push.name}/blobs/${blob}`, { method: "HEAD", headers, ...tls });
      if (head.ok) continue;
      const size = await options.storage.size(blobPath(blob));
      if (size === undefined) throw new Error(`blob ${blob} is not here`);
      const upload = await fetch(`${peer}/v2/${push.name}/blobs/uploads/?digest=${blob}`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/octet-stream", "Content-Length": String(size) },
        body: options.storage.body(blobPath(blob), 0, size),
        ...tls,
      });
      if (upload.status !== 201) throw new Error(`blob ${blob}: ${upload.status} ${await upload.text()}`);
    }
    const put = await fetch(`${peer}/v2/${push.name}/manifests/${push.tag ?? push.digest}`, {
      method: "PUT",
      headers: { ...headers, "Content-Type": references.mediaType },
      body: bytes,
      ...tls,
    });
    if (put.status !== 201) throw new Error(`manifest ${push.digest}: ${put.status} ${await put.text()}`);
  };

  /** Send a peer's queue in order; on a failure, stop and come back later. */
  const drain = async (queue: (typeof queues)[number]) => {
    if (queue.running) return;
    queue.running = true;
    let failed = false;
    try {
      // pushes queued while this runs are in the next listing
      for (let entries = await pending(queue.dir); entries.length > 0; entries = await pending(queue.dir)) {
        for (const entry of entries) {
          const push = JSON.parse(await readFile(join(queue.dir, entry), "utf8")) as QueuedPush;
          try {
            await send(queue.peer, push);
          } catch (error) {
            options.log?.(`replication to ${queue.peer} of ${push.name}@${push.digest} failed, trying again in ${queue.wait / 1000}s: ${(error as Error).message}`);
            clearTimeout(queue.timer);
            queue.timer = setTimeout(() => void drain(queue), queue.wait);
            queue.timer.unref?.();
            queue.wait = Math.min(queue.wait * 2, 60_000);
            failed = true;
            return;
          }
          await rm(join(queue.dir, entry), { force: true });
          queue.wait = options.retryMilliseconds ?? 1000;
          options.log?.(`replicated ${push.name}${push.tag ? `:${push.tag}` : ""}@${push.digest} to ${queue.peer}`);
        }
      }
    } finally {
      queue.running = false;
    }
    // a push queued just as the last listing came back empty
    if (!failed && (await pending(queue.dir)).length > 0) void drain(queue);
  };

  return {
    /** Queue a stored manifest for every peer (written to disk first), and start sending. */
    async enqueue(name: string, digest: string, tag: string | undefined, authorization: string | null): Promise<void> {
      const push: QueuedPush = { name, digest, ...(tag ? { tag } : {}), ...(authorization ? { authorization } : {}) };
      const file = `${Date.now().toString().padStart(15, "0")}-${String(sequence++).padStart(6, "0")}.json`;
      for (const queue of queues) {
        const partial = join(queue.dir, `${file}.partial`);
        await writeFile(partial, JSON.stringify(push), { mode: 0o600 });
        await rename(partial, join(queue.dir, file));
        void drain(queue);
      }
    },
    /** Send what earlier runs left queued. */
    resume(): void {
      for (const queue of queues) void drain(queue);
    },
  };
}

export type Replicator = ReturnType<typeof createReplicator>;

async function pending(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((file) => file.endsWith(".json")).sort();
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(":") as [string, string];
  return `blobs/${algorithm}/${hex.slice(0, 2)}/${hex}/data`;
}
