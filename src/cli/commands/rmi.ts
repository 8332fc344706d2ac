import { defineCommand } from "citty";
import { collectGarbage } from "../../store/collect-garbage.ts";
import { findImage } from "../../store/find-image.ts";
import { orphanedAttachments } from "../../store/attached-images.ts";
import { openStore } from "../command-context.ts";
import { formatBytes } from "../output.ts";

export const rmiCommand = defineCommand({
  meta: {
    name: "rmi",
    description: "Remove images by name, with their signatures and SBOMs; blobs no other image or cached build layer needs are deleted",
  },
  args: {
    image: { type: "positional", description: "Image name(s) or digest(s)", required: true },
  },
  async run({ args }) {
    const store = await openStore();
    const requested = args._ as string[];
    const images = [];
    for (const nameOrId of requested) images.push(await findImage(store, nameOrId));
    for (const image of images) {
      await store.untag(image.name);
      console.log(`Untagged ${image.name}`);
    }
    for (const name of await orphanedAttachments(store)) {
      await store.untag(name);
      console.log(`Untagged ${name} (attached to a removed image)`);
    }
    const report = await collectGarbage(store, { dropCache: false });
    if (report.removedBlobs > 0) console.log(`Deleted ${report.removedBlobs} blobs (${formatBytes(report.freedBytes)})`);
  },
});
