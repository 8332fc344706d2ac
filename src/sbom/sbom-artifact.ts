import { attachmentConfig } from "../oci/attachment-config.ts";
import { sbomName } from "../oci/attachment-tag.ts";
import { serializeJson, type ImageManifest } from "../oci/image-manifest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import type { ImageContent } from "../store/image-content.ts";
import type { OciStore, TaggedImage } from "../store/oci-store.ts";
import { CYCLONEDX_MEDIA_TYPE, cycloneDxBom, type CycloneDxBom } from "./cyclonedx.ts";
import { imageInventory, type ImageInventory } from "./image-inventory.ts";

/**
 * An image's SBOM in the store, attached as cosign attaches one (`cosign attach sbom`): a
 * manifest tagged `REPO:sha256-<hex>.sbom` whose one layer is the CycloneDX JSON.
 */
export async function attachSbom(store: OciStore, image: TaggedImage, toolVersion: string, inventory?: ImageInventory): Promise<CycloneDxBom> {
  const bom = cycloneDxBom(inventory ?? (await imageInventory(store, image)), { name: image.name, toolVersion });
  const layer = await store.writeBlob(new TextEncoder().encode(`${JSON.stringify(bom, null, 2)}\n`), CYCLONEDX_MEDIA_TYPE);
  const configBytes = attachmentConfig([layer.digest]);
  const config = await store.writeBlob(configBytes, MediaTypes.ociConfig);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
    layers: [{ mediaType: CYCLONEDX_MEDIA_TYPE, digest: layer.digest, size: layer.size }],
  };
  await store.tag(sbomName(image.name, image.descriptor.digest), await store.writeBlob(serializeJson(manifest), MediaTypes.ociManifest));
  return bom;
}

/** The SBOM attached to IMAGE, or undefined when it has none; an attachment that is not a CycloneDX document is an error. */
export async function readSbom(content: ImageContent, image: TaggedImage): Promise<CycloneDxBom | undefined> {
  const name = sbomName(image.name, image.descriptor.digest);
  const descriptor = await content.resolve(name);
  if (!descriptor) return undefined;
  const manifest = await content.readJson<ImageManifest>(descriptor.digest);
  const layer = manifest.layers.find((entry) => entry.mediaType === CYCLONEDX_MEDIA_TYPE);
  if (!layer) throw new Error(`${name} holds no ${CYCLONEDX_MEDIA_TYPE} layer: it is not an SBOM lade reads`);
  const bom = await content.readJson<CycloneDxBom>(layer.digest);
  if (bom.bomFormat !== "CycloneDX") throw new Error(`${name} is not a CycloneDX document`);
  return bom;
}

/** IMAGE's attached SBOM, or (none attached) one made from its content now: for comparing two images. */
export async function sbomOrComputed(content: ImageContent, image: TaggedImage, toolVersion: string): Promise<{ bom: CycloneDxBom; attached: boolean }> {
  const attached = await readSbom(content, image);
  if (attached) return { bom: attached, attached: true };
  return { bom: cycloneDxBom(await imageInventory(content, image), { name: image.name, toolVersion }), attached: false };
}
