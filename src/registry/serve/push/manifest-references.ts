import { isDigest } from "../../../oci/digest.ts";
import { MediaTypes } from "../../../oci/media-types.ts";

/** What a pushed manifest needs the repository to have: blobs (an image) or manifests (an index). */
export interface ManifestReferences {
  readonly mediaType: string;
  readonly blobs: readonly string[];
  readonly manifests: readonly string[];
}

const IMAGE_TYPES = new Set<string>([MediaTypes.ociManifest, MediaTypes.dockerManifest]);
const INDEX_TYPES = new Set<string>([MediaTypes.ociIndex, MediaTypes.dockerManifestList]);

/**
 * The references of a manifest as the distribution spec checks them on PUT, or why it is not a
 * manifest this registry takes (schema 1 and unknown types are refused). The body's mediaType
 * wins over the Content-Type; an OCI manifest without one is told apart by its fields. Layers
 * with `urls` (foreign layers) live elsewhere and are not required.
 */
export function manifestReferences(bytes: Uint8Array, contentType: string | null): ManifestReferences | string {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return "the manifest is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "the manifest is not a JSON object";
  const manifest = body as { mediaType?: unknown; schemaVersion?: unknown; config?: unknown; layers?: unknown; manifests?: unknown };
  if (manifest.schemaVersion !== 2) return "only schemaVersion 2 manifests (OCI, Docker v2 schema 2) are taken";
  const declared = typeof manifest.mediaType === "string" ? manifest.mediaType : (contentType?.split(";")[0]?.trim() ?? "");
  const mediaType = declared || (Array.isArray(manifest.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);
  const digestsOf = (entries: unknown, what: string): string[] | string => {
    if (!Array.isArray(entries)) return `${what} is not a list`;
    const digests: string[] = [];
    for (const entry of entries as { digest?: unknown; urls?: unknown }[]) {
      if (typeof entry?.digest !== "string" || !isDigest(entry.digest)) return `${what} has an entry without a valid digest`;
      if (!Array.isArray(entry.urls) || entry.urls.length === 0) digests.push(entry.digest);
    }
    return digests;
  };
  if (IMAGE_TYPES.has(mediaType)) {
    const config = digestsOf([manifest.config], "config");
    const layers = digestsOf(manifest.layers ?? [], "layers");
    if (typeof config === "string") return config;
    if (typeof layers === "string") return layers;
    return { mediaType, blobs: [...config, ...layers], manifests: [] };
  }
  if (INDEX_TYPES.has(mediaType)) {
    const manifests = digestsOf(manifest.manifests, "manifests");
    return typeof manifests === "string" ? manifests : { mediaType, blobs: [], manifests };
  }
  return `media type "${mediaType}" is not a manifest this registry takes`;
}
