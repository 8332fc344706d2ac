import { defineCommand } from "citty";
import { resolve } from "node:path";
import { saveArchive } from "../../store/save-archive.ts";
import { findImage } from "../../store/find-image.ts";
import { byteProgress } from "../byte-progress.ts";
import { jsonProgress } from "../json-progress.ts";
import { countAttachments, describeAttachments } from "../../registry/transport-attachments.ts";
import { attachedImages } from "../../store/attached-images.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { formatBytes } from "../output.ts";
import { repeatedOption } from "../repeated-option.ts";

export const saveCommand = defineCommand({
  meta: {
    name: "save",
    description:
      "Write images (every platform) to one archive: a tar of an OCI image layout, streamed, optionally " +
      "compressed. With --base, blobs the base images already have are left out (a delta for updates).",
  },
  args: {
    image: { type: "positional", description: "Images to save", required: true },
    output: { type: "string", alias: "o", description: "Archive file to write", required: true },
    compress: { type: "enum", options: ["zstd", "gzip", "none"], default: "zstd", description: "Compression of the archive" },
    base: { type: "string", description: "Leave out blobs this image (in the store) has; repeatable" },
    json: {
      type: "boolean",
      description: 'Print newline-delimited JSON events instead: {"event":"progress","done","total"}, last {"event":"saved","output","images","signatures","sboms","blobs","omitted","bytes"}',
    },
  },
  async run({ args, rawArgs }) {
    const store = await openStore();
    const names = args._ as string[];
    const images = [];
    for (const name of names) images.push(await findImage(store, name));
    // the images' signatures and SBOMs travel with them
    const attached = [];
    for (const image of images) attached.push(...(await attachedImages(store, image)));
    const bases = [];
    for (const name of repeatedOption(rawArgs, "base")) bases.push(await findImage(store, name));
    if (images.length === 0) throw new UsageError("Name at least one image to save");
    const output = resolve(args.output);
    const events = args.json ? jsonProgress() : undefined;
    const progress = byteProgress(`Saving ${output}`);
    const onProgress = events ? events.bytes : progress.update;
    const result = await saveArchive(store, [...images, ...attached], output, { compression: args.compress as "zstd" | "gzip" | "none", bases, onProgress }).finally(progress.finish);
    const counted = countAttachments(attached.map((image) => image.name));
    if (events) return events.event("saved", { output, images: images.map((image) => image.name), ...counted, blobs: result.blobs, omitted: result.omitted, bytes: result.bytes });
    const delta = result.omitted > 0 ? `, ${result.omitted} left out (in ${bases.map((b) => b.name).join(", ")})` : "";
    const carried = describeAttachments(counted, " with ", "");
    console.log(`Saved ${images.map((image) => image.name).join(", ")}${carried} to ${output}: ${result.blobs} blobs${delta}, ${formatBytes(result.bytes)}`);
  },
});
