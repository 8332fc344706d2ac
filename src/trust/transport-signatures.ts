import type { Descriptor } from "../oci/descriptor.ts";
import { formatImageReference, type ImageReference } from "../oci/image-reference.ts";
import { signatureTag } from "../oci/signature-tag.ts";
import { pullImage } from "../registry/pull-image.ts";
import { pushImage } from "../registry/push-image.ts";
import type { RegistryClient } from "../registry/registry-client.ts";
import { RegistryError } from "../registry/registry-error.ts";
import type { OciStore, TaggedImage } from "../store/oci-store.ts";
import { signatureImages, signedDigests } from "./image-signatures.ts";

/** After lade push: the image's signatures, each under its cosign tag in the target repository. Returns how many. */
export async function pushSignatures(store: OciStore, image: TaggedImage, client: RegistryClient, target: ImageReference): Promise<number> {
  const signatures = await signatureImages(store, image);
  for (const signature of signatures) {
    const tag = signature.name.slice(signature.name.lastIndexOf(":") + 1);
    await pushImage(store, signature.descriptor, client, { registry: target.registry, repository: target.repository, tag });
  }
  return signatures.length;
}

/** After lade pull: the signatures the registry has for the pulled manifests (none is not an error). Returns how many. */
export async function pullSignatures(store: OciStore, client: RegistryClient, reference: ImageReference, descriptor: Descriptor): Promise<number> {
  let pulled = 0;
  const name = formatImageReference(reference);
  for (const manifest of await signedDigests(store, { name, descriptor })) {
    try {
      await pullImage(store, client, { registry: reference.registry, repository: reference.repository, tag: signatureTag(manifest.digest) });
      pulled++;
    } catch (error) {
      if (!(error instanceof RegistryError && error.status === 404)) throw error;
    }
  }
  return pulled;
}
