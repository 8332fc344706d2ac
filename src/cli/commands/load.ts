import { defineCommand } from "citty";
import { isAttachmentName } from "../../oci/attachment-tag.ts";
import { byteProgress } from "../byte-progress.ts";
import { jsonProgress } from "../json-progress.ts";
import { countAttachments, describeAttachments } from "../../registry/transport-attachments.ts";
import { loadArchive } from "../../store/load-archive.ts";
import { openStore } from "../command-context.ts";
import { archiveJudge, readTrustRules, trustArgs } from "../trust-options.ts";

export const loadCommand = defineCommand({
  meta: {
    name: "load",
    description:
      "Load images from an archive (lade save, or an OCI layout tar such as skopeo's oci-archive). Every digest " +
      "is verified while reading; traversal, links, devices, duplicates and truncated input are refused and the " +
      "store is left unchanged. A delta archive needs its base in the store. With a signature policy (--policy, " +
      "STORE/policy.json, --trusted-key, --require-signature) every image must be signed as it says, checked before " +
      "anything reaches the store.",
  },
  args: {
    input: { type: "string", alias: "i", description: "Archive file (.tar, gzip or zstd)", required: true },
    json: {
      type: "boolean",
      description: 'Print newline-delimited JSON events instead: {"event":"progress","done","total"}, last {"event":"loaded","images":[{"name","digest"}],"signatures","sboms"}',
    },
    ...trustArgs,
  },
  async run({ args, rawArgs }) {
    const store = await openStore();
    const rules = await readTrustRules(args, rawArgs, store);
    const judge = archiveJudge(rules, `Cannot load "${args.input}" (nothing of it reached the store)`);
    const events = args.json ? jsonProgress() : undefined;
    const progress = byteProgress(`Loading ${args.input}`);
    const result = await loadArchive(store, args.input, { judge, onProgress: events ? events.bytes : progress.update }).finally(progress.finish);
    const images = result.images.filter((image) => !isAttachmentName(image.name));
    const attached = countAttachments(result.images.filter((image) => isAttachmentName(image.name)).map((image) => image.name));
    if (events) return events.event("loaded", { images, ...attached });
    for (const image of images) console.log(`Loaded ${image.name} (${image.digest})`);
    if (attached.signatures + attached.sboms > 0) console.log(`Loaded${describeAttachments(attached, " ", "")} attached to them`);
  },
});
