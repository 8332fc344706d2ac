import type { KeyObject } from "node:crypto";
import type { ImageContent } from "../store/image-content.ts";
import type { TaggedImage } from "../store/oci-store.ts";
import { imageBlobs, readImage } from "../store/read-image.ts";
import { sbomProblems } from "../sbom/check-sbom.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import { checkSignatures, signatureProblems, type SignatureCheck } from "./image-signatures.ts";

export interface Verification {
  readonly image: string;
  readonly digest: string;
  readonly signatures: readonly SignatureCheck[];
  /** Blobs missing or whose content does not hash to their digest. */
  readonly badBlobs: readonly string[];
  /** What fails the image: empty when it verifies. */
  readonly problems: readonly string[];
}

/**
 * lade verify: IMAGE's index (or only manifest) has a signature by one of KEYS for its name; a
 * platform manifest that has signatures has a good one; and every blob of the image hashes to its
 * digest (so the signed manifests describe what is really there); and its SBOM says what its
 * layers hold.
 */
export async function verifyImage(
  store: ImageContent,
  image: TaggedImage,
  keys: readonly KeyObject[],
  keyNames: string,
  /** The blobs were hashed against their digests just now (an archive lade load read): not again. */
  blobsHashed = false,
): Promise<Verification> {
  const signatures = await checkSignatures(store, image, keys);
  const problems = signatureProblems(image, signatures, keyNames);
  const badBlobs: string[] = [];
  for (const blob of blobsHashed ? [] : imageBlobs(await readImage(store, image.descriptor))) {
    const path = store.blobPath(blob.digest);
    const actual = await sha256OfFile(path).catch(() => undefined);
    if (actual === undefined) badBlobs.push(`${blob.digest} is missing`);
    else if (`sha256:${actual}` !== blob.digest) badBlobs.push(`${blob.digest} holds content with sha256:${actual}`);
  }
  problems.push(...badBlobs.map((blob) => `blob ${blob}`));
  // made again from layers that may be damaged: only worth saying when the blobs are whole
  if (badBlobs.length === 0) problems.push(...(await sbomProblems(store, image)));
  return { image: image.name, digest: image.descriptor.digest, signatures, badBlobs, problems };
}
