import { defineCommand } from "citty";
import { familiarName } from "../../oci/image-reference.ts";
import { shortDigest } from "../../oci/digest.ts";
import { inspectImage } from "../../build/inspect-image.ts";
import { openStore } from "../command-context.ts";
import { formatBytes, formatTable, printJson } from "../output.ts";

export const imagesCommand = defineCommand({
  meta: { name: "images", description: "List the images in the store" },
  args: {
    json: { type: "boolean", description: 'Print a JSON array: [{"name","digest","mediaType","platforms","size"}]' },
    quiet: { type: "boolean", alias: "q", description: "Print only the names" },
  },
  async run({ args }) {
    const store = await openStore();
    const rows = [];
    for (const image of await store.listImages()) {
      const inspected = await inspectImage(store, image.descriptor, image.name);
      rows.push({
        name: image.name,
        digest: image.descriptor.digest,
        mediaType: image.descriptor.mediaType,
        platforms: inspected.platforms.map((platform) => platform.platform),
        size: inspected.platforms.reduce((sum, platform) => sum + platform.size, 0),
      });
    }
    if (args.json) return printJson(rows);
    if (args.quiet) return void rows.forEach((row) => console.log(row.name));
    console.log(
      formatTable(
        ["NAME", "DIGEST", "PLATFORMS", "SIZE"],
        rows.map((row) => [familiarName(row.name), shortDigest(row.digest), row.platforms.join(","), formatBytes(row.size)]),
      ),
    );
  },
});
