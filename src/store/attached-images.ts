import { isAttachmentName, sbomName, signatureName } from "../oci/attachment-tag.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageContent } from "./image-content.ts";
import type { OciStore, TaggedImage } from "./oci-store.ts";
import { readImage } from "./read-image.ts";

/** The manifests of an image that things are attached to: the index (or the only manifest), then each platform's. */
export async function describedManifests(store: ImageContent, image: TaggedImage): Promise<Descriptor[]> {
  const read = await readImage(store, image.descriptor);
  return [image.descriptor, ...read.platforms.map((platform) => platform.descriptor).filter((descriptor) => descriptor.digest !== image.descriptor.digest)];
}

/** The names attachments of IMAGE can have: each manifest's signatures, and the SBOM of its index (or only manifest). */
export async function attachmentNames(store: ImageContent, image: TaggedImage): Promise<string[]> {
  const names = (await describedManifests(store, image)).map((descriptor) => signatureName(image.name, descriptor.digest));
  return [...names, sbomName(image.name, image.descriptor.digest)];
}

/** What the store holds attached to IMAGE (signatures, SBOM), under cosign's tags: it travels with the image. */
export async function attachedImages(store: ImageContent, image: TaggedImage): Promise<TaggedImage[]> {
  const found: TaggedImage[] = [];
  for (const name of await attachmentNames(store, image)) {
    const descriptor = await store.resolve(name);
    if (descriptor) found.push({ name, descriptor });
  }
  return found;
}

/** The attachments whose manifest no image of their repository has any more (after lade rmi or a retag). */
export async function orphanedAttachments(store: OciStore): Promise<string[]> {
  const images = await store.listImages();
  const needed = new Set<string>();
  for (const image of images) {
    if (isAttachmentName(image.name)) continue;
    for (const name of await attachmentNames(store, image).catch(() => [])) needed.add(name);
  }
  return images.filter((image) => isAttachmentName(image.name) && !needed.has(image.name)).map((image) => image.name);
}

/**
 * A new name for IMAGE (lade tag) gets its SBOM too: what the image holds does not depend on its
 * name. Signatures stay with the name they sign. Returns whether there was an SBOM to carry.
 */
export async function carrySbom(store: OciStore, image: TaggedImage, name: string): Promise<boolean> {
  const sbom = await store.resolve(sbomName(image.name, image.descriptor.digest));
  const target = sbomName(name, image.descriptor.digest);
  if (!sbom || target === sbomName(image.name, image.descriptor.digest)) return false;
  if (!(await store.resolve(target))) await store.tag(target, sbom);
  return true;
}
