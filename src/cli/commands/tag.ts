import { defineCommand } from "citty";
import { normalizeImageReference } from "../../oci/image-reference.ts";
import { carrySbom } from "../../store/attached-images.ts";
import { findImage } from "../../store/find-image.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";

export const tagCommand = defineCommand({
  meta: { name: "tag", description: "Give an image one or more new names (SOURCE stays); its SBOM goes with each name, its signatures stay with the names they sign" },
  args: {
    source: { type: "positional", description: "Existing image name or digest", required: true },
    target: { type: "positional", description: "New name(s), NAME[:TAG] ...", required: true },
  },
  async run({ args }) {
    const store = await openStore();
    const image = await findImage(store, args.source);
    const targets = (args._ as string[]).slice(1);
    for (const target of targets) {
      let name: string;
      try {
        name = normalizeImageReference(target);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      await store.tag(name, image.descriptor);
      await carrySbom(store, image, name);
      console.log(`Tagged ${name}`);
    }
  },
});
