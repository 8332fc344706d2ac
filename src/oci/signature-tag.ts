/**
 * Where cosign (and containers/image's `use-sigstore-attachments`) keep the signatures of a
 * manifest: an OCI manifest tagged `sha256-<hex>.sig` in the same repository.
 */
export function signatureTag(digest: string): string {
  return `${digest.replace(":", "-")}.sig`;
}

export function isSignatureTag(tag: string | undefined): boolean {
  return tag !== undefined && /^sha256-[0-9a-f]{64}\.sig$/.test(tag);
}

/** A store name that holds signatures (`registry/repo:sha256-<hex>.sig`), not an image. */
export function isSignatureName(name: string): boolean {
  return isSignatureTag(name.slice(name.lastIndexOf(":") + 1));
}

/** The name of the signatures of DIGEST for an image named NAME (`registry/repo:tag`): `registry/repo:sha256-<hex>.sig`. */
export function signatureName(name: string, digest: string): string {
  return `${repositoryOf(name)}:${signatureTag(digest)}`;
}

/** `registry/repo` of `registry/repo:tag` or `registry/repo@digest`. */
export function repositoryOf(name: string): string {
  const at = name.indexOf("@");
  const withoutDigest = at >= 0 ? name.slice(0, at) : name;
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}
