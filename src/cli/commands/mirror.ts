import { defineCommand } from "citty";
import { resolve } from "node:path";
import { mirrorToDirectory } from "../../mirror/mirror-to-directory.ts";
import { platformCoverage } from "../../mirror/platform-coverage.ts";
import { formatPlatform, hostPlatform, parsePlatformList } from "../../oci/platform.ts";
import { createRegistryClients } from "../../registry/registry-clients.ts";
import { parseImageList } from "../../scan/parse-image-list.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { jsonProgress } from "../json-progress.ts";
import { mirrorProgress } from "../mirror-progress.ts";
import { exitPartial } from "../exit-codes.ts";
import { printJson } from "../output.ts";
import { printPlatformCoverage } from "../platform-coverage-report.ts";
import { registryAccess, registryArgs } from "../registry-args.ts";
import { repeatedOption } from "../repeated-option.ts";

export const mirrorCommand = defineCommand({
  meta: {
    name: "mirror",
    description:
      "Copy container images, with each requested platform they have, into DIR in the registry's filesystem layout " +
      "(docker/registry/v2/…), ready for `lade serve registry` or docker-registry. Blobs are cached in the store, " +
      "downloaded in parallel, resumed after an interruption and verified by digest. An image that lacks a requested " +
      "platform is mirrored with the platforms it has, and the gap is reported at the end (--strict-platforms fails instead).",
  },
  args: {
    image: { type: "positional", description: "Images to mirror, e.g. registry.k8s.io/pause:3.9", required: false },
    "image-list": { type: "string", description: "File with one image per line (# comments allowed); repeatable" },
    dir: { type: "string", description: "Target folder (created if needed)", required: true },
    platform: { type: "string", description: "Platforms to mirror, comma separated, e.g. linux/amd64,linux/arm64 (default: this machine's)" },
    "skip-missing": { type: "boolean", description: "Leave out images that cannot be fetched (or have none of the platforms), and list them, instead of failing (exit status 3: partial)" },
    "strict-platforms": { type: "boolean", description: "Fail, listing every such image, when an image lacks a requested platform; nothing is written" },
    concurrency: { type: "string", description: "Parallel downloads per registry (default 6)" },
    json: {
      type: "boolean",
      description:
        'Print {"images":[{"image","repository","tag","digest","platforms","missingPlatforms"}],"skipped":[{"image","reason"}],' +
        '"platformCoverage":{"requested","images":[{"image","digest","platforms":{PLATFORM:true|false}}],"gaps":[{"image","missing","available"}]}}',
    },
    events: {
      type: "boolean",
      description:
        'Progress as newline-delimited JSON events on stderr instead of bars: {"event":"image","image","bytes"}, {"event":"progress","image","done","total"}, {"event":"image-done","image"}, {"event":"log","message"} (stdout keeps the list or the --json summary)',
    },
    ...registryArgs,
  },
  async run({ args, rawArgs }) {
    const images = (args._ as string[]).slice();
    for (const file of repeatedOption(rawArgs, "image-list")) {
      const text = await Bun.file(file).text().catch(() => {
        throw new UsageError(`Cannot read the image list "${file}"`);
      });
      images.push(...parseImageList(text, file).map((entry) => entry.image));
    }
    if (images.length === 0) throw new UsageError("Name at least one image, or give --image-list FILE");
    let platforms;
    try {
      platforms = args.platform ? parsePlatformList(args.platform) : [hostPlatform()];
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const concurrency = args.concurrency ? Number(args.concurrency) : 6;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency needs a positive whole number: got "${args.concurrency}"`);
    const store = await openStore();
    const progress = mirrorProgress();
    const events = args.events ? jsonProgress((line) => process.stderr.write(line)) : undefined;
    const result = await mirrorToDirectory(store, images, resolve(args.dir), {
      platforms,
      client: createRegistryClients(registryAccess(args, rawArgs)),
      reporter: events ?? progress,
      skipMissing: Boolean(args["skip-missing"]),
      strictPlatforms: Boolean(args["strict-platforms"]),
      concurrency,
    });
    progress.finish();
    const coverage = platformCoverage(result.images, platforms);
    const summary = {
      images: result.images.map((image) => ({
        image: image.source,
        repository: image.repository,
        ...(image.tag ? { tag: image.tag } : {}),
        digest: image.digest,
        platforms: image.platforms.map(formatPlatform),
        missingPlatforms: image.missingPlatforms.map(formatPlatform),
      })),
      skipped: result.skipped,
      platformCoverage: coverage,
    };
    printPlatformCoverage(coverage);
    if (args.json) printJson(summary);
    else {
      for (const image of summary.images) console.log(`${image.image} -> ${image.repository}${image.tag ? `:${image.tag}` : ""}@${image.digest}`);
      for (const skipped of result.skipped) console.log(`skipped ${skipped.image}: ${skipped.reason}`);
    }
    if (result.skipped.length > 0) exitPartial(`${result.skipped.length} of ${images.length} images were left out (--skip-missing)`);
  },
});
