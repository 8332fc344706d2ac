import { attachmentTagOf, isSignatureTag, sbomTag, signatureTag } from "../oci/attachment-tag.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import { formatImageReference, type ImageReference } from "../oci/image-reference.ts";
import { attachedImages, describedManifests } from "../store/attached-images.ts";
import type { OciStore, TaggedImage } from "../store/oci-store.ts";
import { pullImage } from "./pull-image.ts";
import { pushImage } from "./push-image.ts";
import type { RegistryClient } from "./registry-client.ts";
import { RegistryError } from "./registry-error.ts";

/** How many signature manifests and SBOMs went along with an image. */
export interface AttachmentCount {
  readonly signatures: number;
  readonly sboms: number;
}

/** After lade push: the image's signatures and SBOM, each under its cosign tag in the target repository. */
export async function pushAttachments(store: OciStore, image: TaggedImage, client: RegistryClient, target: ImageReference): Promise<AttachmentCount> {
  const attached = await attachedImages(store, image);
  for (const attachment of attached) {
    await pushImage(store, attachment.descriptor, client, { registry: target.registry, repository: target.repository, tag: attachmentTagOf(attachment.name) });
  }
  return countAttachments(attached.map((attachment) => attachment.name));
}

/** After lade pull: what the registry has attached to the pulled manifests (nothing is not an error). */
export async function pullAttachments(store: OciStore, client: RegistryClient, reference: ImageReference, descriptor: Descriptor): Promise<AttachmentCount> {
  const name = formatImageReference(reference);
  const tags = [...(await describedManifests(store, { name, descriptor })).map((manifest) => signatureTag(manifest.digest)), sbomTag(descriptor.digest)];
  const pulled: string[] = [];
  for (const tag of tags) {
    try {
      await pullImage(store, client, { registry: reference.registry, repository: reference.repository, tag });
      pulled.push(tag);
    } catch (error) {
      if (!(error instanceof RegistryError && error.status === 404)) throw error;
    }
  }
  return count(pulled);
}

/** How many of NAMES (store names or tags) are signature manifests, and how many SBOMs. */
export function countAttachments(names: readonly string[]): AttachmentCount {
  return count(names.map(attachmentTagOf));
}

function count(tags: readonly string[]): AttachmentCount {
  const signatures = tags.filter(isSignatureTag).length;
  return { signatures, sboms: tags.length - signatures };
}

/** "3 signature manifests and an SBOM" (or "2 SBOMs"), after LEAD and before TAIL; "" for none. */
export function describeAttachments(attachments: AttachmentCount, lead: string, tail: string): string {
  const parts = [];
  if (attachments.signatures > 0) parts.push(`${attachments.signatures} signature ${attachments.signatures === 1 ? "manifest" : "manifests"}`);
  if (attachments.sboms > 0) parts.push(attachments.sboms === 1 ? "an SBOM" : `${attachments.sboms} SBOMs`);
  return parts.length === 0 ? "" : `${lead}${parts.join(" and ")}${tail}`;
}
