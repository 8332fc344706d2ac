import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageManifest } from "../oci/image-manifest.ts";
import { attachmentConfig } from "../oci/attachment-config.ts";
import { MediaTypes } from "../oci/media-types.ts";

/**
 * cosign's signature "image": an OCI manifest whose layers are simple-signing payloads, each with
 * its signature in an annotation. containers/image reads and appends to the same shape. Pure.
 */
export const SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
export const SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

export interface SignatureLayer {
  readonly payload: Descriptor;
  readonly signature: string;
}

/** The signatures a signature manifest holds (layers of other types are kept by the caller, not read). */
export function signatureLayers(manifest: ImageManifest): SignatureLayer[] {
  return manifest.layers
    .filter((layer) => layer.mediaType === SIMPLE_SIGNING_MEDIA_TYPE && typeof layer.annotations?.[SIGNATURE_ANNOTATION] === "string")
    .map((layer) => ({ payload: layer, signature: layer.annotations![SIGNATURE_ANNOTATION]! }));
}

/** The config of a signature manifest: an image config whose layers are the payloads (as cosign writes it). */
export function signatureConfig(payloads: readonly Descriptor[]): Uint8Array {
  return attachmentConfig(payloads.map((payload) => payload.digest));
}

export function signatureManifest(config: Descriptor, layers: readonly SignatureLayer[]): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
    layers: layers.map((layer) => ({ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: layer.payload.digest, size: layer.payload.size, annotations: { [SIGNATURE_ANNOTATION]: layer.signature } })),
  };
}
