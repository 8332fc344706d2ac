import { defineCommand } from "citty";
import { inspectImage, type InspectedPlatform } from "../../builder/inspect-image.ts";
import { gapsOfPlatform } from "../../builder/platform-gaps.ts";
import { describeImageUser } from "../../scan/describe-image-source.ts";
import { sbomName } from "../../oci/attachment-tag.ts";
import { findImage } from "../../store/find-image.ts";
import { signatureCount } from "../../trust/image-signatures.ts";
import { openStore } from "../command-context.ts";
import { formatBytes, printJson } from "../output.ts";

export const inspectCommand = defineCommand({
  meta: {
    name: "inspect",
    description: "Show an image's configuration, labels, apps, launch, container images (and those that lack a platform), layers and platforms",
  },
  args: {
    image: { type: "positional", description: "Image name or digest (prefix)", required: true },
    json: {
      type: "boolean",
      description:
        "Print JSON: {name, digest, mediaType, platforms: [{platform, env, labels, applications, launch, containerImages, platformGaps, nodeFiles, layers, ...}], attachments: {signatures, sbom}}",
    },
  },
  async run({ args }) {
    const store = await openStore();
    const image = await findImage(store, args.image);
    const inspected = await inspectImage(store, image.descriptor, image.name);
    // what travels with it: signatures of its index (or only manifest), and its SBOM
    const attachments = { signatures: await signatureCount(store, image), sbom: (await store.resolve(sbomName(image.name, image.descriptor.digest))) !== undefined };
    if (args.json) return printJson({ ...inspected, attachments });
    console.log(`Name:       ${inspected.name}`);
    console.log(`Digest:     ${inspected.digest}`);
    console.log(`Media type: ${inspected.mediaType}`);
    console.log(`Signatures: ${attachments.signatures}${attachments.signatures > 0 ? " (lade verify checks them)" : ""}`);
    console.log(`SBOM:       ${attachments.sbom ? "attached (lade sbom prints it)" : "none (lade sbom --attach makes one)"}`);
    for (const platform of inspected.platforms) printPlatform(platform);
  },
});

function printPlatform(platform: InspectedPlatform): void {
  console.log(`\nPlatform ${platform.platform} (${platform.digest}, ${formatBytes(platform.size)})`);
  if (platform.imageType) console.log(`  Type: ${platform.imageType}`);
  printMap("Env", platform.env);
  printMap("Labels", platform.labels);
  if (platform.applications.length > 0) {
    console.log("  Apps:");
    for (const app of platform.applications) {
      const details = [app.type || "custom", ...(app.files.length ? [`files: ${app.files.join(", ")}`] : [])];
      console.log(`    ${app.name} (${details.join("; ")})`);
      for (const command of app.cmds ?? []) console.log(`      cmd: ${command}`);
      for (const [key, value] of Object.entries(app.env ?? {})) console.log(`      env: ${key}=${value}`);
    }
  }
  if (platform.launch?.app_names?.length) console.log(`  Launch: apps ${platform.launch.app_names.join(", ")}`);
  if (platform.launch?.cmds?.length) console.log(`  Launch: commands\n${platform.launch.cmds.map((c) => `    ${c}`).join("\n")}`);
  if (platform.containerImages.length > 0) {
    console.log("  Container images:");
    for (const image of platform.containerImages) {
      const arch = image.platform ? ` (${image.platform.os}/${image.platform.architecture}${image.platform.variant ? `/${image.platform.variant}` : ""})` : "";
      console.log(`    ${image.image}${arch}`);
    }
  }
  if (platform.nodeFiles.length > 0) {
    console.log("  Node files:");
    for (const file of platform.nodeFiles) {
      const how = file.how === "merged" ? `merged over ${file.over?.join(", ")}` : file.how;
      console.log(`    ${file.node} ← ${file.from} (${how}; ${file.createdBy})`);
    }
  }
  const gaps = gapsOfPlatform(platform.platformGaps, platform.platform);
  if (gaps.length > 0) {
    console.log(`  Container images without ${platform.platform} (${platform.platform.split("/")[1]} nodes cannot run them):`);
    for (const gap of gaps) {
      const users = [...new Set(gap.usedBy.map(describeImageUser))];
      console.log(`    ${gap.image} (has ${gap.available.join(", ")})${users.length > 0 ? `, used by ${users.join(", ")}` : ""}`);
    }
  }
  console.log("  Layers:");
  for (const layer of platform.layers) {
    console.log(`    ${layer.digest}  ${formatBytes(layer.size).padStart(9)}  ${layer.createdBy ?? ""}`.trimEnd());
  }
}

function printMap(title: string, values: Record<string, string>): void {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  console.log(`  ${title}:`);
  for (const [key, value] of entries) console.log(`    ${key}=${value}`);
}
