import { createPublicKey, type KeyObject } from "node:crypto";
import { serializeJson, type ImageManifest } from "../oci/image-manifest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { repositoryOf, signatureName } from "../oci/attachment-tag.ts";
import type { ImageContent } from "../store/image-content.ts";
import type { OciStore, TaggedImage } from "../store/oci-store.ts";
import { describedManifests } from "../store/attached-images.ts";
import { signPayload, verifyPayload } from "./cosign-key.ts";
import { signatureConfig, signatureLayers, signatureManifest, SIMPLE_SIGNING_MEDIA_TYPE, type SignatureLayer } from "./signature-manifest.ts";
import type { SignedIdentity } from "./signature-policy.ts";
import { parseSigningPayload, signingPayload } from "./simple-signing.ts";

/** How many signatures the store holds for IMAGE's index (or only manifest), whoever made them. */
export async function signatureCount(store: ImageContent, image: TaggedImage): Promise<number> {
  return (await readSignatures(store, signatureName(image.name, image.descriptor.digest))).length;
}

/**
 * Sign IMAGE's index and each platform manifest with KEY, for IMAGE's name: each signature is
 * added to the manifest's signature image in the store (`repo:sha256-<hex>.sig`), unless the key
 * signed that manifest for that name already. Returns the digests newly signed.
 */
export async function signImage(store: OciStore, image: TaggedImage, key: KeyObject): Promise<string[]> {
  const publicKey = createPublicKey(key);
  const signed: string[] = [];
  for (const descriptor of await describedManifests(store, image)) {
    const name = signatureName(image.name, descriptor.digest);
    const existing = await readSignatures(store, name);
    const payload = signingPayload({ reference: image.name, digest: descriptor.digest });
    const payloadBlob = await store.writeBlob(payload, SIMPLE_SIGNING_MEDIA_TYPE);
    const already = existing.some((layer) => layer.payload.digest === payloadBlob.digest && verifyPayload(payload, layer.signature, publicKey));
    if (already) continue;
    const layers = [...existing, { payload: payloadBlob, signature: signPayload(payload, key) }];
    const config = await store.writeBlob(signatureConfig(layers.map((layer) => layer.payload)), MediaTypes.ociConfig);
    const manifest = await store.writeBlob(serializeJson(signatureManifest(config, layers)), MediaTypes.ociManifest);
    await store.tag(name, manifest);
    signed.push(descriptor.digest);
  }
  return signed;
}

export interface SignatureCheck {
  readonly digest: string;
  /** The manifest is the image's index or only manifest (the one a policy judges). */
  readonly top: boolean;
  /** A signature by one of the keys, for this digest and the image's repository. */
  readonly verified: boolean;
  /** Why each signature found did not verify (none found: empty). */
  readonly rejected: readonly string[];
}

/** Each signed manifest of IMAGE, checked against KEYS: signature, payload type, digest and the name (as IDENTITY says). */
export async function checkSignatures(
  store: ImageContent,
  image: TaggedImage,
  keys: readonly KeyObject[],
  identity: SignedIdentity = "matchRepoDigestOrExact",
): Promise<SignatureCheck[]> {
  const checks: SignatureCheck[] = [];
  for (const descriptor of await describedManifests(store, image)) {
    const rejected: string[] = [];
    let verified = false;
    for (const layer of await readSignatures(store, signatureName(image.name, descriptor.digest))) {
      const payload = await store.readBlob(layer.payload.digest).catch(() => undefined);
      if (!payload) {
        rejected.push(`its payload ${layer.payload.digest} is not in the store`);
        continue;
      }
      if (!keys.some((key) => verifyPayload(payload, layer.signature, key))) {
        rejected.push("a signature that no given key made (or a payload changed after signing)");
        continue;
      }
      const signed = parseSigningPayload(payload);
      if (typeof signed === "string") rejected.push(signed);
      else if (signed.digest !== descriptor.digest) rejected.push(`a signature for ${signed.digest}, another manifest`);
      else if (!sameIdentity(signed.reference, image.name, identity)) rejected.push(`a signature for ${signed.reference}, another image`);
      else verified = true;
    }
    checks.push({ digest: descriptor.digest, top: descriptor.digest === image.descriptor.digest, verified, rejected });
  }
  return checks;
}

async function readSignatures(store: ImageContent, name: string): Promise<SignatureLayer[]> {
  const descriptor = await store.resolve(name);
  if (!descriptor) return [];
  return signatureLayers(await store.readJson<ImageManifest>(descriptor.digest));
}

/**
 * containers/image's rules: matchRepository, the same repository; matchRepoDigestOrExact (its
 * default), a tag, when the signed reference has one, the same too.
 */
function sameIdentity(signed: string, name: string, identity: SignedIdentity): boolean {
  if (repositoryOf(signed) !== repositoryOf(name)) return false;
  if (identity === "matchRepository") return true;
  const withoutDigest = (reference: string) => reference.replace(/@.*$/, "");
  return withoutDigest(signed) === repositoryOf(signed) || withoutDigest(signed) === withoutDigest(name);
}

/**
 * What fails IMAGE's signatures against the keys KEY_NAMES names: no good signature on its index
 * (or only manifest), or a platform manifest whose signatures are all bad. Empty when it passes.
 */
export function signatureProblems(image: TaggedImage, checks: readonly SignatureCheck[], keyNames: string): string[] {
  const problems: string[] = [];
  for (const check of checks) {
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
  return problems;
}
