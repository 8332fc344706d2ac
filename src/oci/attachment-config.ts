/**
 * The config of what cosign attaches to a manifest (signatures, SBOMs): an image config with no
 * platform whose layers are the attached payloads, as cosign writes it, so tools that read any
 * image read these too. Pure.
 */
export function attachmentConfig(payloadDigests: readonly string[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: payloadDigests } }));
}
