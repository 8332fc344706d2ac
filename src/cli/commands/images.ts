import { defineCommand } from "citty";
import { familiarName } from "../../oci/image-reference.ts";
import { shortDigest } from "../../oci/digest.ts";
import { isAttachmentName } from "../../oci/attachment-tag.ts";
import { signatureCount } from "../../trust/image-signatures.ts";
import { inspectImage } from "../../builder/inspect-image.ts";
import { openStore } from "../command-context.ts";
import { formatBytes, formatTable, printJson } from "../output.ts";

export const imagesCommand = defineCommand({
  meta: { name: "images", description: "List the images in the store" },
  args: {
    json: { type: "boolean", description: 'Print a JSON array: [{"name","digest","mediaType","platforms","size","signatures"}]' },
    quiet: { type: "boolean", alias: "q", description: "Print only the names" },
    all: { type: "boolean", alias: "a", description: "List what is attached to the images too: their signatures (REPO:sha256-<hex>.sig, otherwise counted in SIGNATURES) and SBOMs (REPO:sha256-<hex>.sbom)" },
  },
  async run({ args }) {
    const store = await openStore();
    const rows = [];
    for (const image of await store.listImages()) {
      if (!args.all && isAttachmentName(image.name)) continue;
      const inspected = await inspectImage(store, image.descriptor, image.name);
      rows.push({
        name: image.name,
        digest: image.descriptor.digest,
        mediaType: image.descriptor.mediaType,
        platforms: inspected.platforms.map((platform) => platform.platform),
        size: inspected.platforms.reduce((sum, platform) => sum + platform.size, 0),
        signatures: await signatureCount(store, image),
      });
    }
    if (args.json) return printJson(rows);
    if (args.quiet) return void rows.forEach((row) => console.log(row.name));
    console.log(
      formatTable(
        ["NAME", "DIGEST", "PLATFORMS", "SIZE", "SIGNATURES"],
        rows.map((row) => [familiarName(row.name), shortDigest(row.digest), row.platforms.join(","), formatBytes(row.size), String(row.signatures)]),
      ),
    );
  },
});
