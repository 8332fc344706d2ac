/**
 * Where cosign (and containers/image's `use-sigstore-attachments`) keep what is attached to a
 * manifest: the signatures as an OCI manifest tagged `sha256-<hex>.sig` in the same repository,
 * an SBOM as one tagged `sha256-<hex>.sbom`. Pure naming.
 */
export function signatureTag(digest: string): string {
  return `${digest.replace(":", "-")}.sig`;
}

export function sbomTag(digest: string): string {
  return `${digest.replace(":", "-")}.sbom`;
}

export function isSignatureTag(tag: string | undefined): boolean {
  return tag !== undefined && /^sha256-[0-9a-f]{64}\.sig$/.test(tag);
}

/** A tag of something attached to a manifest (signatures, SBOM), not of an image. */
export function isAttachmentTag(tag: string | undefined): boolean {
  return tag !== undefined && /^sha256-[0-9a-f]{64}\.(sig|sbom)$/.test(tag);
}

/** A store name that holds signatures or an SBOM (`registry/repo:sha256-<hex>.sig`), not an image. */
export function isAttachmentName(name: string): boolean {
  return isAttachmentTag(attachmentTagOf(name));
}

/** The tag part of an attachment's store name: `sha256-<hex>.sig` of `registry/repo:sha256-<hex>.sig`. */
export function attachmentTagOf(name: string): string {
  return name.slice(name.lastIndexOf(":") + 1);
}

/** The name of the signatures of DIGEST for an image named NAME (`registry/repo:tag`): `registry/repo:sha256-<hex>.sig`. */
export function signatureName(name: string, digest: string): string {
  return `${repositoryOf(name)}:${signatureTag(digest)}`;
}

/** The name of the SBOM of DIGEST for an image named NAME: `registry/repo:sha256-<hex>.sbom`. */
export function sbomName(name: string, digest: string): string {
  return `${repositoryOf(name)}:${sbomTag(digest)}`;
}

/** `registry/repo` of `registry/repo:tag` or `registry/repo@digest`. */
export function repositoryOf(name: string): string {
  const at = name.indexOf("@");
  const withoutDigest = at >= 0 ? name.slice(0, at) : name;
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}
