import { formatImageReference, parseImageReference, type ImageReference } from "../oci/image-reference.ts";
import type { Platform } from "../oci/platform.ts";
import type { RegistryClient } from "../registry/registry-client.ts";
import { limitConcurrency } from "../util/limit-concurrency.ts";
import { resolveImage, type ResolvedImage } from "./resolve-image.ts";

export interface ResolveImagesOptions {
  readonly platforms: readonly Platform[];
  readonly client: (registry: string) => Promise<RegistryClient>;
  /** List images that cannot be resolved in `skipped` instead of failing. */
  readonly skipMissing?: boolean;
}

export interface ResolvedImages {
  readonly images: readonly ResolvedImage[];
  readonly skipped: readonly { readonly image: string; readonly reason: string }[];
}

/** Fetch the manifests of every image (de-duplicated, `latest` when untagged), 8 at a time. */
export async function resolveImages(references: readonly string[], options: ResolveImagesOptions): Promise<ResolvedImages> {
  const skipped: { image: string; reason: string }[] = [];
  const limit = limitConcurrency(8);
  const resolved = await Promise.all(
    uniqueReferences(references).map((reference) =>
      limit(async () => {
        const name = formatImageReference(reference);
        try {
          return await resolveImage(await options.client(reference.registry), reference, options.platforms);
        } catch (error) {
          const reason = (error as Error).message;
          if (!options.skipMissing) throw new Error(`Cannot mirror ${name}: ${reason}`, { cause: error });
          skipped.push({ image: name, reason });
          return undefined;
        }
      }),
    ),
  );
  skipped.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
  return { images: resolved.filter((image): image is ResolvedImage => image !== undefined), skipped };
}

function uniqueReferences(references: readonly string[]): ImageReference[] {
  const seen = new Map<string, ImageReference>();
  for (const text of references) {
    const reference = parseImageReference(text);
    if (!reference.tag && !reference.digest) reference.tag = "latest";
    seen.set(formatImageReference(reference), reference);
  }
  return [...seen.values()].sort((a, b) => formatImageReference(a).localeCompare(formatImageReference(b)));
}
