import { defineCommand } from "citty";
import { normalizeImageReference, parseImageReference } from "../../oci/image-reference.ts";
import { parsePlatformList } from "../../oci/platform.ts";
import { createRegistryClients } from "../../registry/registry-clients.ts";
import { pullImage } from "../../registry/pull-image.ts";
import { describeAttachments, pullAttachments } from "../../registry/transport-attachments.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { jsonProgress } from "../json-progress.ts";
import { mirrorProgress } from "../mirror-progress.ts";
import { registryAccess, registryArgs } from "../registry-args.ts";

export const pullCommand = defineCommand({
  meta: {
    name: "pull",
    description:
      "Copy a cluster image from a registry into the store, every platform unless --platform narrows it " +
      "(then a smaller index is stored, with another digest). Blobs are resumed and verified.",
  },
  args: {
    image: { type: "positional", description: "NAME[:TAG][@DIGEST]", required: true },
    platform: { type: "string", description: "Only these platforms, comma separated" },
    quiet: { type: "boolean", alias: "q", description: "Print only the digest" },
    json: { type: "boolean", description: 'Print newline-delimited JSON events instead: {"event":"image"|"progress"|"image-done"|"log",…}, last {"event":"pulled","image","digest","signatures","sboms"}' },
    ...registryArgs,
  },
  async run({ args, rawArgs }) {
    let reference;
    let platforms;
    try {
      reference = parseImageReference(normalizeImageReference(args.image));
      platforms = args.platform ? parsePlatformList(args.platform) : undefined;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const store = await openStore();
    const client = await createRegistryClients(registryAccess(args, rawArgs))(reference.registry);
    const events = args.json ? jsonProgress() : undefined;
    const progress = mirrorProgress();
    const reporter = events ?? (args.quiet ? undefined : progress);
    const descriptor = await pullImage(store, client, reference, { platforms, ...(reporter ? { reporter } : {}) });
    const attachments = await pullAttachments(store, client, reference, descriptor);
    if (events) return events.event("pulled", { image: normalizeImageReference(args.image), digest: descriptor.digest, ...attachments });
    progress.finish();
    if (!args.quiet) console.log(`Pulled ${normalizeImageReference(args.image)}${describeAttachments(attachments, " with ", "")}`);
    console.log(descriptor.digest);
  },
});
