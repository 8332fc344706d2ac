import { defineCommand } from "citty";
import { normalizeImageReference, parseImageReference } from "../../oci/image-reference.ts";
import { createRegistryClients } from "../../registry/registry-clients.ts";
import { pushImage } from "../../registry/push-image.ts";
import { findImage } from "../../store/find-image.ts";
import { describeAttachments, pushAttachments } from "../../registry/transport-attachments.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { jsonProgress } from "../json-progress.ts";
import { mirrorProgress } from "../mirror-progress.ts";
import { registryAccess, registryArgs } from "../registry-args.ts";

export const pushCommand = defineCommand({
  meta: {
    name: "push",
    description:
      "Push a cluster image (every platform) to a registry, to NAME or to DEST. Only blobs the registry lacks " +
      "are sent (HEAD first, cross-repository mount), large ones in chunks; the tag moves last.",
  },
  args: {
    image: { type: "positional", description: "Image in the store", required: true },
    destination: { type: "positional", description: "Where to push (default: the image's own name)", required: false },
    "mount-from": { type: "string", description: "Repository on the same registry to mount shared blobs from" },
    quiet: { type: "boolean", alias: "q", description: "Print only the digest" },
    json: {
      type: "boolean",
      description: 'Print newline-delimited JSON events instead: {"event":"image"|"progress"|"image-done"|"log",…}, last {"event":"pushed","image","digest","uploaded","mounted","present","signatures","sboms"}',
    },
    ...registryArgs,
  },
  async run({ args, rawArgs }) {
    const store = await openStore();
    const image = await findImage(store, args.image);
    let target;
    try {
      target = parseImageReference(normalizeImageReference(args.destination ?? image.name));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const client = await createRegistryClients(registryAccess(args, rawArgs))(target.registry);
    const events = args.json ? jsonProgress() : undefined;
    const progress = mirrorProgress({ start: "Pushing", done: "Pushed", none: "Nothing to push for" });
    const reporter = events ?? (args.quiet ? undefined : progress);
    const result = await pushImage(store, image.descriptor, client, target, {
      ...(reporter ? { reporter } : {}),
      ...(args["mount-from"] ? { mountFrom: [args["mount-from"]] } : {}),
    });
    const attachments = await pushAttachments(store, image, client, target);
    if (events) {
      const { uploaded, mounted, present } = result;
      return events.event("pushed", { image: normalizeImageReference(args.destination ?? image.name), digest: result.digest, uploaded, mounted, present, ...attachments });
    }
    progress.finish();
    if (!args.quiet) {
      console.log(
        `Pushed ${normalizeImageReference(args.destination ?? image.name)}: ${result.uploaded} blobs uploaded, ${result.mounted} mounted, ${result.present} already there` +
          describeAttachments(attachments, "; ", " (cosign's sha256-<hex>.sig and .sbom tags)"),
      );
    }
    console.log(result.digest);
  },
});
