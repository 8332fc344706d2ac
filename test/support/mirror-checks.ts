import { expect } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startDockerRegistry, type DockerRegistry } from "./docker-registry.ts";
import { skopeo } from "./seed-images.ts";
import { tempDir } from "./temp-dir.ts";

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface OriginBlob {
  readonly digest: string;
  readonly size: number;
}

/** Where a registry is and how to log in to it, for skopeo and plain fetches. */
export interface Origin {
  readonly registry: DockerRegistry;
  /** `user:password` for an htpasswd registry. */
  readonly credentials?: string;
}

/** The configs and layers of every platform of an image, read straight from the origin registry. */
export async function originBlobs(origin: Origin, name: string): Promise<OriginBlob[]> {
  const [repository, tag] = name.split(":") as [string, string];
  const get = async (reference: string) => {
    const headers: Record<string, string> = { Accept: ACCEPT };
    if (origin.credentials) headers.Authorization = `Basic ${btoa(origin.credentials)}`;
    const response = await fetch(`${origin.registry.url}/v2/${repository}/manifests/${reference}`, {
      headers,
      ...(origin.registry.caFile ? { tls: { ca: await Bun.file(origin.registry.caFile).text() } } : {}),
    } as RequestInit);
    if (!response.ok) throw new Error(`GET manifest ${name}@${reference}: ${response.status}`);
    return (await response.json()) as { manifests?: { digest: string }[]; config?: OriginBlob; layers?: OriginBlob[] };
  };
  const top = await get(tag);
  const manifests = top.manifests ? await Promise.all(top.manifests.map((child) => get(child.digest))) : [top];
  const blobs = new Map<string, OriginBlob>();
  for (const manifest of manifests) {
    for (const blob of [manifest.config!, ...manifest.layers!]) blobs.set(blob.digest, { digest: blob.digest, size: blob.size });
  }
  return [...blobs.values()];
}

/** The config blob of an image's first manifest (read whole by lade, not streamed). */
export async function configBlob(origin: Origin, name: string): Promise<OriginBlob> {
  const [repository, tag] = name.split(":") as [string, string];
  const get = async (reference: string) => {
    const response = await fetch(`${origin.registry.url}/v2/${repository}/manifests/${reference}`, { headers: { Accept: ACCEPT } });
    if (!response.ok) throw new Error(`GET manifest ${name}@${reference}: ${response.status}`);
    return (await response.json()) as { manifests?: { digest: string }[]; config?: OriginBlob };
  };
  const top = await get(tag);
  const manifest = top.manifests ? await get(top.manifests[0]!.digest) : top;
  return { digest: manifest.config!.digest, size: manifest.config!.size };
}

/** The largest layer of an image (where faults land mid-blob). */
export async function largestBlob(origin: Origin, name: string): Promise<OriginBlob> {
  return (await originBlobs(origin, name)).sort((a, b) => b.size - a.size)[0]!;
}

/** Every `blobs/sha256/xx/HEX/data` under a distribution root whose content does not hash to HEX. */
export function corruptBlobFiles(dir: string): string[] {
  const blobs = join(dir, "docker/registry/v2/blobs/sha256");
  const bad: string[] = [];
  if (!existsSync(blobs)) return bad;
  for (const prefix of readdirSync(blobs)) {
    for (const hex of readdirSync(join(blobs, prefix))) {
      const data = join(blobs, prefix, hex, "data");
      if (!hex.startsWith(prefix) || sha256File(data) !== hex) bad.push(data);
    }
  }
  return bad;
}

/** Hex digests of the blob data files under a distribution root. */
export function blobFiles(dir: string): string[] {
  const blobs = join(dir, "docker/registry/v2/blobs/sha256");
  if (!existsSync(blobs)) return [];
  return readdirSync(blobs).flatMap((prefix) => readdirSync(join(blobs, prefix)));
}

export function sha256File(path: string): string {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(readFileSync(path));
  return hasher.digest("hex");
}

/**
 * Check a mirrored folder independently of lade: every blob file hashes to its path, and a real
 * registry serving the folder gives each image's manifest byte for byte as the origin does, and
 * skopeo can copy every platform of it out (which verifies every blob it serves).
 */
export async function verifyMirror(dir: string, origin: Origin, names: readonly string[]): Promise<void> {
  expect(corruptBlobFiles(dir)).toEqual([]);
  const served = await startDockerRegistry({ rootDirectory: dir });
  try {
    for (const name of names) {
      const originArgs = ["--tls-verify=false", ...(origin.credentials ? ["--creds", origin.credentials] : [])];
      if (origin.registry.caFile) originArgs.splice(0, 1, "--cert-dir", join(origin.registry.caFile, ".."));
      const expected = await skopeo(["inspect", "--raw", ...originArgs, `docker://${origin.registry.host}/${name}`]);
      const actual = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/${name}`]);
      expect(actual).toBe(expected);
      const copy = tempDir("lade-mirror-copy-");
      await skopeo(["copy", "--quiet", "--all", "--src-tls-verify=false", `docker://${served.host}/${name}`, `oci:${copy}:check`]);
    }
  } finally {
    await served.stop();
  }
}

/** Bytes of a file, or undefined when it does not exist. */
export function fileSize(path: string): number | undefined {
  return existsSync(path) ? statSync(path).size : undefined;
}
