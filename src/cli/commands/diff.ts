import { defineCommand } from "citty";
import { diffImages, type MapChanges } from "../../build/diff-images.ts";
import { findImage } from "../../store/find-image.ts";
import { openStore } from "../command-context.ts";
import { formatBytes, printJson } from "../output.ts";

export const diffCommand = defineCommand({
  meta: {
    name: "diff",
    description:
      "Compare two images: platforms, layers, files (added/removed/changed), container images (digests), " +
      "labels, env, apps, launch, and how many bytes an update from OLD to NEW carries.",
  },
  args: {
    old: { type: "positional", description: "The older image", required: true },
    new: { type: "positional", description: "The newer image", required: true },
    json: { type: "boolean", description: "Print the diff as JSON (see the README for its shape)" },
  },
  async run({ args }) {
    const store = await openStore();
    const diff = await diffImages(store, await findImage(store, args.old), await findImage(store, args.new));
    if (args.json) return printJson(diff);
    console.log(`${diff.old.name} → ${diff.new.name}`);
    for (const platform of diff.platforms.added) console.log(`+ platform ${platform}`);
    for (const platform of diff.platforms.removed) console.log(`- platform ${platform}`);
    for (const change of diff.changes) {
      console.log(`\n[${change.platform}] layers: +${change.layers.added.length} -${change.layers.removed.length}`);
      for (const path of change.files.added) console.log(`  + ${path}`);
      for (const path of change.files.removed) console.log(`  - ${path}`);
      for (const path of change.files.changed) console.log(`  ~ ${path}`);
      printChanges("container image", change.containerImages);
      printChanges("label", change.labels);
      printChanges("env", change.env);
      printChanges("app", change.apps, true);
      if (change.launch) console.log(`  ~ launch: ${JSON.stringify(change.launch.old)} → ${JSON.stringify(change.launch.new)}`);
    }
    console.log(`\nUpdate from ${diff.old.name}: ${diff.update.blobs} blobs, ${formatBytes(diff.update.bytes)}`);
  },
});

function printChanges(what: string, changes: MapChanges, namesOnly = false): void {
  for (const [key, value] of Object.entries(changes.added)) console.log(`  + ${what} ${key}${namesOnly ? "" : ` ${value}`}`);
  for (const key of Object.keys(changes.removed)) console.log(`  - ${what} ${key}`);
  for (const [key, value] of Object.entries(changes.changed)) console.log(`  ~ ${what} ${key}${namesOnly ? "" : `: ${value.old} → ${value.new}`}`);
}
