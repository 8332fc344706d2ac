import { defineCommand } from "citty";
import { collectGarbage } from "../../store/collect-garbage.ts";
import { openStore } from "../command-context.ts";
import { formatBytes, printJson } from "../output.ts";

export const pruneCommand = defineCommand({
  meta: {
    name: "prune",
    description: "Delete blobs no image needs, build-cache entries for layers no image uses, and leftovers of interrupted work",
  },
  args: {
    json: { type: "boolean", description: 'Print {"removedBlobs","freedBytes","removedCacheEntries"}' },
  },
  async run({ args }) {
    const store = await openStore();
    const report = await collectGarbage(store, { dropCache: true });
    if (args.json) return printJson(report);
    console.log(
      `Deleted ${report.removedBlobs} blobs (${formatBytes(report.freedBytes)}) and ${report.removedCacheEntries} build-cache entries`,
    );
  },
});
