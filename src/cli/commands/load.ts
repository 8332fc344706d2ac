import { defineCommand } from "citty";
import { loadArchive } from "../../store/load-archive.ts";
import { openStore } from "../command-context.ts";

export const loadCommand = defineCommand({
  meta: {
    name: "load",
    description:
      "Load images from an archive (lade save, or an OCI layout tar such as skopeo's oci-archive). Every digest " +
      "is verified while reading; traversal, links, devices, duplicates and truncated input are refused and the " +
      "store is left unchanged. A delta archive needs its base in the store.",
  },
  args: {
    input: { type: "string", alias: "i", description: "Archive file (.tar, gzip or zstd)", required: true },
  },
  async run({ args }) {
    const store = await openStore();
    const result = await loadArchive(store, args.input);
    for (const image of result.images) console.log(`Loaded ${image.name} (${image.digest})`);
  },
});
