import type { Descriptor } from "../oci/descriptor.ts";
import { formatImageReference, type ImageReference } from "../oci/image-reference.ts";
import type { OciStore } from "../store/oci-store.ts";
import { readImage } from "../store/read-image.ts";
import { limitConcurrency } from "../util/limit-concurrency.ts";
import type { RegistryClient } from "./registry-client.ts";
import { uploadBlob } from "./upload-blob.ts";

export interface PushReporter {
  imageResolved(image: string, bytesToSend: number): void;
  progress(image: string, bytes: number): void;
  imageDone(image: string): void;
}

export interface PushOptions {
  readonly reporter?: PushReporter;
  readonly concurrency?: number;
  /** Repositories of the same registry to try a cross-repository mount from. */
  readonly mountFrom?: readonly string[];
  /** Chunk size for large blobs (default 64 MiB). */
  readonly chunkSize?: number;
}

export interface PushResult {
  readonly digest: string;
  readonly uploaded: number;
  readonly mounted: number;
  readonly present: number;
}

/**
 * Push an image of the store (one platform or an index of several) to a registry: blobs the
 * registry lacks are uploaded (HEAD first, mount when possible), then each platform's manifest by
 * digest and finally the top manifest or index by tag — so the tag never points at a partial image.
 */
export async function pushImage(
  store: OciStore,
  descriptor: Descriptor,
  client: RegistryClient,
  target: ImageReference,
  options: PushOptions = {},
): Promise<PushResult> {
  const name = formatImageReference(target);
  const image = await readImage(store, descriptor);
  const blobs = new Map<string, Descriptor>();
  for (const platform of image.platforms) {
    for (const blob of [platform.manifest.config, ...platform.manifest.layers]) blobs.set(blob.digest, blob);
  }
  options.reporter?.imageResolved(name, [...blobs.values()].reduce((sum, blob) => sum + blob.size, 0));
  const counts = { uploaded: 0, mounted: 0, present: 0 };
  const limit = limitConcurrency(options.concurrency ?? 4);
  await Promise.all(
    [...blobs.values()].map((blob) =>
      limit(async () => {
        const outcome = await uploadBlob({
          client,
          repository: target.repository,
          descriptor: blob,
          open: () => Bun.file(store.blobPath(blob.digest)),
          mountFrom: options.mountFrom,
          chunkSize: options.chunkSize,
        });
        counts[outcome] += 1;
        options.reporter?.progress(name, blob.size);
      }),
    ),
  );
  for (const platform of image.platforms) {
    if (platform.descriptor.digest === image.descriptor.digest) continue;
    await putManifest(client, target.repository, platform.descriptor.digest, await store.readBlob(platform.descriptor.digest), platform.descriptor.mediaType);
  }
  const reference = target.digest ?? target.tag ?? "latest";
  await putManifest(client, target.repository, reference, await store.readBlob(image.descriptor.digest), image.descriptor.mediaType);
  options.reporter?.imageDone(name);
  return { digest: image.descriptor.digest, ...counts };
}

async function putManifest(client: RegistryClient, repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<void> {
  const response = await client.request("PUT", `/v2/${repository}/manifests/${reference}`, {
    scope: `repository:${repository}:pull,push`,
    what: `manifest ${repository}:${reference}`,
    headers: { "Content-Type": mediaType, "Content-Length": String(bytes.length) },
    body: () => bytes,
  });
  await response.body?.cancel();
}
