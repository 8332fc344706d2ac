import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineCommand } from "citty";
import { isAttachmentName } from "../../oci/attachment-tag.ts";
import { findImage } from "../../store/find-image.ts";
import { loadArchive } from "../../store/load-archive.ts";
import { OciStore } from "../../store/oci-store.ts";
import { verifyImage, type Verification } from "../../trust/verify-image.ts";
import { openStore } from "../command-context.ts";
import { readPublicKeys } from "../read-keys.ts";
import { repeatedOption } from "../repeated-option.ts";

export const verifyCommand = defineCommand({
  meta: {
    name: "verify",
    description:
      "Check an image of the store, or every image of an archive (lade save's, read into a scratch store, the real one untouched): " +
      "a signature by one of the keys for its index (or only manifest) and its name, a good one for each platform manifest that " +
      "has signatures, every blob hashed against its digest, and its SBOM made again from the layers and compared. Names what failed; exit 1 when anything did.",
  },
  args: {
    image: { type: "positional", description: "Image in the store, or an archive file", required: true },
    key: { type: "string", description: "Public key (PEM) a signature must be made with (repeatable, or comma-separated: any of them)", required: true },
  },
  async run({ args, rawArgs }) {
    const { keys, names } = await readPublicKeys(repeatedOption(rawArgs, "key").flatMap((value) => value.split(",").filter(Boolean)));
    const results: Verification[] = [];
    if ((await stat(args.image).catch(() => undefined))?.isFile()) {
      const scratch = await mkdtemp(join(tmpdir(), "lade-verify-"));
      try {
        const store = await OciStore.open(scratch);
        const loaded = await loadArchive(store, args.image);
        // loading hashed every blob against its digest already
        for (const image of loaded.images.filter((entry) => !isAttachmentName(entry.name))) results.push(await verifyImage(store, await findImage(store, image.name), keys, names, true));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    } else {
      const store = await openStore();
      results.push(await verifyImage(store, await findImage(store, args.image), keys, names));
    }
    for (const result of results) {
      if (result.problems.length === 0) {
        const signed = result.signatures.filter((check) => check.verified).length;
        console.log(`Verified ${result.image} (${result.digest}): ${signed} of ${result.signatures.length} manifests signed by ${names}, every blob matches its digest`);
      } else {
        for (const problem of result.problems) process.stderr.write(`${problem}\n`);
      }
    }
    if (results.some((result) => result.problems.length > 0)) throw new Error(`Not verified: ${results.filter((result) => result.problems.length > 0).map((result) => result.image).join(", ")}`);
  },
});
