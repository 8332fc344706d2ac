import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import type { ImageConfig, ImageIndex, ImageManifest } from "../oci/image-manifest.ts";
import { formatImageReference, type ImageReference } from "../oci/image-reference.ts";
import { isIndexMediaType, isManifestMediaType } from "../oci/media-types.ts";
import { formatPlatform, normalizePlatform, platformsEqual, type Platform } from "../oci/platform.ts";
import type { RegistryClient } from "../registry/registry-client.ts";
import type { MirroredImage } from "./distribution-files.ts";
import { localRepository } from "./local-repository.ts";

/** An image whose manifests are fetched and whose blobs are known, ready to download. */
export interface ResolvedImage extends MirroredImage {
  readonly reference: ImageReference;
  /** Raw bytes of every kept manifest, by digest. */
  readonly manifestBytes: ReadonlyMap<Digest, Uint8Array>;
  /** Configs and layers with their sizes. */
  readonly blobDescriptors: readonly Descriptor[];
  readonly platforms: readonly Platform[];
}

/** A requested platform an image does not provide. */
export class MissingPlatformError extends Error {
  override name = "MissingPlatformError";
}

/**
 * Fetch an image's manifest (by digest when the reference has one, else by tag) and, for an index
 * or manifest list, the children for every requested platform. The index is kept as it is, so
 * pulls by tag and by digest keep working on each node's architecture.
 */
export async function resolveImage(
  client: RegistryClient,
  reference: ImageReference,
  platforms: readonly Platform[],
): Promise<ResolvedImage> {
  const repository = reference.repository;
  const name = formatImageReference(reference);
  const top = await client.getManifest(repository, reference.digest ?? reference.tag ?? "latest");
  const manifestBytes = new Map<Digest, Uint8Array>([[top.digest, top.bytes]]);
  const manifests: { digest: Digest; manifest: ImageManifest }[] = [];
  const found: Platform[] = [];

  if (isIndexMediaType(top.mediaType)) {
    const index = parseJson<ImageIndex>(top.bytes, name);
    const available = index.manifests.filter((child) => child.platform && child.platform.os !== "unknown");
    for (const platform of platforms) {
      const child = available.find((candidate) => platformsEqual(normalizePlatform(candidate.platform!), platform));
      if (!child) {
        const has = available.map((c) => formatPlatform(normalizePlatform(c.platform!))).join(", ") || "no platforms";
        throw new MissingPlatformError(`it has no ${formatPlatform(platform)} manifest, only ${has}`);
      }
      if (manifestBytes.has(child.digest)) continue;
      const fetched = await client.getManifest(repository, child.digest);
      manifestBytes.set(fetched.digest, fetched.bytes);
      manifests.push({ digest: fetched.digest, manifest: parseJson<ImageManifest>(fetched.bytes, name) });
      found.push(platform);
    }
  } else if (isManifestMediaType(top.mediaType)) {
    const manifest = parseJson<ImageManifest>(top.bytes, name);
    manifests.push({ digest: top.digest, manifest });
    const config = parseJson<Partial<ImageConfig>>(await client.getSmallBlob(repository, manifest.config), name);
    const own = normalizePlatform({ os: config.os ?? "linux", architecture: config.architecture ?? "amd64", variant: config.variant });
    const missing = platforms.filter((platform) => !platformsEqual(platform, own));
    if (missing.length > 0 && config.architecture) {
      throw new MissingPlatformError(`it is a single-platform image for ${formatPlatform(own)}, not for ${missing.map(formatPlatform).join(", ")}`);
    }
    found.push(own);
  } else {
    throw new TypeError(`its manifest has the unknown media type "${top.mediaType}"`);
  }

  const blobDescriptors = new Map<Digest, Descriptor>();
  for (const { manifest } of manifests) {
    for (const blob of [manifest.config, ...manifest.layers]) blobDescriptors.set(blob.digest, blob);
  }
  return {
    reference,
    source: name,
    repository: localRepository(reference),
    ...(reference.tag ? { tag: reference.tag } : {}),
    digest: top.digest,
    manifests: [...manifestBytes.keys()],
    blobs: [...blobDescriptors.keys()],
    manifestBytes,
    blobDescriptors: [...blobDescriptors.values()],
    platforms: found,
  };
}

function parseJson<T>(bytes: Uint8Array, name: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new TypeError(`Cannot parse a manifest of ${name}: it is not JSON`, { cause: error });
  }
}
