import { defineCommand } from "citty";
import { diffImages, type MapChanges } from "../../builder/diff-images.ts";
import { compareBoms, type BomChanges } from "../../sbom/compare-boms.ts";
import { sbomOrComputed } from "../../sbom/sbom-artifact.ts";
import { findImage } from "../../store/find-image.ts";
import { ladeReleaseVersion } from "../version-info.ts";
import { openStore } from "../command-context.ts";
import { formatBytes, printJson } from "../output.ts";

export const diffCommand = defineCommand({
  meta: {
    name: "diff",
    description:
      "Compare two images: platforms, layers, files (added/removed/changed), container images (digests), " +
      "labels, env, apps, launch, what their SBOMs say differently (binaries and their versions, container images, charts; " +
      "an image without an SBOM is read from its content), and how many bytes an update from OLD to NEW carries.",
  },
  args: {
    old: { type: "positional", description: "The older image", required: true },
    new: { type: "positional", description: "The newer image", required: true },
    json: { type: "boolean", description: "Print the diff as JSON (see the README for its shape)" },
  },
  async run({ args }) {
    const store = await openStore();
    const [older, newer] = [await findImage(store, args.old), await findImage(store, args.new)];
    const diff = await diffImages(store, older, newer);
    const [oldSbom, newSbom] = [await sbomOrComputed(store, older, ladeReleaseVersion()), await sbomOrComputed(store, newer, ladeReleaseVersion())];
    const sbom = { old: oldSbom.attached ? "attached" : "computed", new: newSbom.attached ? "attached" : "computed", ...compareBoms(oldSbom.bom, newSbom.bom) };
    if (args.json) return printJson({ ...diff, sbom });
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
    printSbomChanges(sbom);
    console.log(`\nUpdate from ${diff.old.name}: ${diff.update.blobs} blobs, ${formatBytes(diff.update.bytes)}`);
  },
});

function printChanges(what: string, changes: MapChanges, namesOnly = false): void {
  for (const [key, value] of Object.entries(changes.added)) console.log(`  + ${what} ${key}${namesOnly ? "" : ` ${value}`}`);
  for (const key of Object.keys(changes.removed)) console.log(`  - ${what} ${key}`);
  for (const [key, value] of Object.entries(changes.changed)) console.log(`  ~ ${what} ${key}${namesOnly ? "" : `: ${value.old} → ${value.new}`}`);
}

/** The SBOM's changes but files (listed above already): binaries, container images, charts, and the image itself. */
function printSbomChanges(changes: BomChanges): void {
  const shown = (type: string) => type !== "file";
  const lines = [
    ...changes.added.filter((entry) => shown(entry.type)).map((entry) => `  + ${entry.ref}: ${entry.summary}`),
    ...changes.removed.filter((entry) => shown(entry.type)).map((entry) => `  - ${entry.ref}: ${entry.summary}`),
    ...changes.changed.filter((change) => shown(change.type)).map((change) => `  ~ ${change.ref}: ${change.old} → ${change.new}`),
  ];
  if (lines.length > 0) console.log(`\nSBOM:\n${lines.join("\n")}`);
}
