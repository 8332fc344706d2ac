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
  /** The requested platforms the image has: what is mirrored. */
  readonly platforms: readonly Platform[];
  /** The requested platforms the image does not have. */
  readonly missingPlatforms: readonly Platform[];
  /** Every platform the image offers, requested or not (for messages). */
  readonly availablePlatforms: readonly Platform[];
}

/** An image that has none of the requested platforms: there is nothing of it to mirror. */
export class MissingPlatformError extends Error {
  override name = "MissingPlatformError";
}

/**
 * Fetch an image's manifest (by digest when the reference has one, else by tag) and, for an index
 * or manifest list, the children for every requested platform it has. The index is kept as it is,
 * so pulls by tag and by digest keep working on each node's architecture. Requested platforms the
 * image lacks are listed in `missingPlatforms`; an image with none of them is refused.
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
  let available: Platform[];

  if (isIndexMediaType(top.mediaType)) {
    const index = parseJson<ImageIndex>(top.bytes, name);
    const children = index.manifests.filter((child) => child.platform && child.platform.os !== "unknown");
    available = children.map((child) => normalizePlatform(child.platform!));
    for (const platform of platforms) {
      const child = children.find((candidate) => platformsEqual(normalizePlatform(candidate.platform!), platform));
      if (!child) continue;
      found.push(platform);
      if (manifestBytes.has(child.digest)) continue;
      const fetched = await client.getManifest(repository, child.digest);
      manifestBytes.set(fetched.digest, fetched.bytes);
      manifests.push({ digest: fetched.digest, manifest: parseJson<ImageManifest>(fetched.bytes, name) });
    }
    if (found.length === 0) {
      const has = available.map(formatPlatform).join(", ") || "no platforms";
      throw new MissingPlatformError(`it has no ${platforms.map(formatPlatform).join(" or ")} manifest, only ${has}`);
    }
  } else if (isManifestMediaType(top.mediaType)) {
    const manifest = parseJson<ImageManifest>(top.bytes, name);
    manifests.push({ digest: top.digest, manifest });
    const config = parseJson<Partial<ImageConfig>>(await client.getSmallBlob(repository, manifest.config), name);
    if (!config.architecture) {
      // a config without a platform (an artifact, a hand-made image) is taken to fit every node
      found.push(...platforms);
      available = [...platforms];
    } else {
      const own = normalizePlatform({ os: config.os ?? "linux", architecture: config.architecture, variant: config.variant });
      available = [own];
      const matching = platforms.find((platform) => platformsEqual(platform, own));
      if (!matching) {
        throw new MissingPlatformError(`it is a single-platform image for ${formatPlatform(own)}, not for ${platforms.map(formatPlatform).join(" or ")}`);
      }
      found.push(matching);
    }
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
    missingPlatforms: platforms.filter((platform) => !found.some((has) => platformsEqual(has, platform))),
    availablePlatforms: available,
  };
}

function parseJson<T>(bytes: Uint8Array, name: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new TypeError(`Cannot parse a manifest of ${name}: it is not JSON`, { cause: error });
  }
}
