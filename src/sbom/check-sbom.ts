import { sbomName } from "../oci/attachment-tag.ts";
import type { ImageContent } from "../store/image-content.ts";
import type { TaggedImage } from "../store/oci-store.ts";
import { compareBoms, hasChanges } from "./compare-boms.ts";
import { cycloneDxBom } from "./cyclonedx.ts";
import { imageInventory } from "./image-inventory.ts";
import { readSbom } from "./sbom-artifact.ts";

/** How many differences a mismatch names before "and N more". */
const SHOWN = 5;

/**
 * Does IMAGE's attached SBOM say what the image holds? It is made again from the layers and
 * compared component by component. Returns what is wrong (no SBOM, or each difference); empty when it matches.
 */
export async function sbomProblems(content: ImageContent, image: TaggedImage): Promise<string[]> {
  const attached = await readSbom(content, image).catch((error: Error) => error);
  const where = `${image.name} (${image.descriptor.digest})`;
  if (attached === undefined) return [`${where} has no SBOM (${sbomName(image.name, image.descriptor.digest)}): lade sbom --attach makes one from its content`];
  if (attached instanceof Error) return [`${where}: ${attached.message}`];
  // made for the name it names (lade tag and push DEST carry one SBOM to other names), by the same lade release
  const toolVersion = attached.metadata?.tools?.components?.[0]?.version ?? "";
  const described = attached.metadata?.component;
  const name = described?.name && described.version ? `${described.name}:${described.version}` : image.name;
  const actual = cycloneDxBom(await imageInventory(content, image), { name, toolVersion });
  const changes = compareBoms(attached, actual);
  if (!hasChanges(changes)) return [];
  const lines = [
    ...changes.changed.map((change) => `${change.ref}: the SBOM says ${change.old}, the image has ${change.new}`),
    ...changes.added.map((entry) => `${entry.ref}: in the image (${entry.summary}), not in the SBOM`),
    ...changes.removed.map((entry) => `${entry.ref}: in the SBOM (${entry.summary}), not in the image`),
  ];
  const more = lines.length > SHOWN ? `; and ${lines.length - SHOWN} more` : "";
  return [`${where}: the SBOM does not match the content: ${lines.slice(0, SHOWN).join("; ")}${more}`];
}
