import type { KeyObject } from "node:crypto";
import type { OciStore, TaggedImage } from "../store/oci-store.ts";
import { imageBlobs, readImage } from "../store/read-image.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import { checkSignatures, type SignatureCheck } from "./image-signatures.ts";

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
 * digest (so the signed manifests describe what is really there).
 */
export async function verifyImage(store: OciStore, image: TaggedImage, keys: readonly KeyObject[], keyNames: string): Promise<Verification> {
  const signatures = await checkSignatures(store, image, keys);
  const problems: string[] = [];
  for (const check of signatures) {
    if (check.verified) continue;
    if (check.top) {
      problems.push(
        check.rejected.length === 0
          ? `${image.name} (${check.digest}) is not signed`
          : `${image.name} (${check.digest}) has no good signature by ${keyNames}: ${check.rejected.join("; ")}`,
      );
    } else if (check.rejected.length > 0) {
      problems.push(`the platform manifest ${check.digest} of ${image.name} has no good signature by ${keyNames}: ${check.rejected.join("; ")}`);
    }
  }
  const badBlobs: string[] = [];
  for (const blob of imageBlobs(await readImage(store, image.descriptor))) {
    const path = store.blobPath(blob.digest);
    const actual = await sha256OfFile(path).catch(() => undefined);
    if (actual === undefined) badBlobs.push(`${blob.digest} is missing`);
    else if (`sha256:${actual}` !== blob.digest) badBlobs.push(`${blob.digest} holds content with sha256:${actual}`);
  }
  problems.push(...badBlobs.map((blob) => `blob ${blob}`));
  return { image: image.name, digest: image.descriptor.digest, signatures, badBlobs, problems };
}
