import { defineCommand } from "citty";
import { sbomName } from "../../oci/attachment-tag.ts";
import { attachSbom, readSbom } from "../../sbom/sbom-artifact.ts";
import { findImage } from "../../store/find-image.ts";
import { openStore } from "../command-context.ts";
import { ladeReleaseVersion } from "../version-info.ts";

export const sbomCommand = defineCommand({
  meta: {
    name: "sbom",
    description:
      "Print an image's SBOM (CycloneDX 1.5 JSON): per platform each downloaded binary (name, version, sha256, download URL, how it " +
      "was checked), each container image of its registry (reference, digest, platforms), each Helm chart (name, version) and every " +
      "other file with its sha256. lade build attaches it (REPO:sha256-<hex>.sbom, as cosign attach sbom does); push, pull and save " +
      "carry it; lade verify checks it against the content. --attach makes it again from the image's layers.",
  },
  args: {
    image: { type: "positional", description: "Image in the store", required: true },
    attach: { type: "boolean", description: "Make the SBOM from the image's content and attach it (an image built before lade made SBOMs, or pulled without one)" },
    output: { type: "string", alias: "o", description: "Write it to this file instead of stdout" },
  },
  async run({ args }) {
    const store = await openStore();
    const image = await findImage(store, args.image);
    const bom = args.attach ? await attachSbom(store, image, ladeReleaseVersion()) : await readSbom(store, image);
    if (!bom) throw new Error(`${image.name} has no SBOM (${sbomName(image.name, image.descriptor.digest)}): make one from its content with "lade sbom --attach ${args.image}"`);
    const text = `${JSON.stringify(bom, null, 2)}\n`;
    if (args.output) {
      await Bun.write(args.output, text);
      if (args.attach) process.stderr.write(`Attached an SBOM to ${image.name}\n`);
    } else process.stdout.write(text);
  },
});
