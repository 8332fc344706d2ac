import { defineCommand } from "citty";
import { buildImage, DEFAULT_LAYER_COMPRESSION } from "../../builder/build-image.ts";
import { COMPRESSION_FORMATS, DEFAULT_LEVELS, parseCompression } from "../../compress/compression.ts";
import { normalizeImageReference } from "../../oci/image-reference.ts";
import { formatPlatform, hostPlatform, parsePlatformList } from "../../oci/platform.ts";
import { openStore } from "../command-context.ts";
import { UsageError } from "../global-options.ts";
import { consoleBuildReporter } from "../output.ts";
import { exitPartial } from "../exit-codes.ts";
import { jsonProgress } from "../json-progress.ts";
import { mirrorProgress } from "../mirror-progress.ts";
import { printPlatformCoverage } from "../platform-coverage-report.ts";
import { readSigningKey } from "../read-keys.ts";
import { passphraseArgs, readPassphrase } from "../read-passphrase.ts";
import { registryAccess, registryArgs } from "../registry-args.ts";
import { signImage } from "../../trust/image-signatures.ts";
import { imageInventory } from "../../sbom/image-inventory.ts";
import { attachSbom } from "../../sbom/sbom-artifact.ts";
import { ladeReleaseVersion } from "../version-info.ts";
import type { KeyObject } from "node:crypto";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { OciStore } from "../../store/oci-store.ts";
import { createRegistryClients } from "../../registry/registry-clients.ts";
import { silentMirrorReporter } from "../../mirror/mirror-reporter.ts";
import { parseImageList } from "../../scan/parse-image-list.ts";
import { createIgnoreImage } from "../../scan/ignore-pattern.ts";
import { parseUserRule } from "../../scan/user-rule.ts";
import type { BuiltImage } from "../../builder/build-image.ts";
import type { LayerChange } from "../../builder/list-image-files.ts";
import { createChartScanner } from "../../builder/create-chart-scanner.ts";
import { keyValueOptions, repeatedOption } from "../repeated-option.ts";
import { rootfsArgs, rootfsForBuild } from "./rootfs.ts";

export const buildCommand = defineCommand({
  meta: {
    name: "build",
    description:
      "Build a cluster image from a Kubefile in CONTEXT. Layers are reproducible (timestamps from " +
      "SOURCE_DATE_EPOCH, default 0) and cached per instruction; the image is tagged only when complete.",
  },
  args: {
    context: { type: "positional", description: "Build context directory", default: "." },
    tag: { type: "string", alias: ["t", "imageName"], description: "Name of the image, NAME[:TAG] (repeatable; --imageName is sealer's spelling)", required: true },
    file: { type: "string", alias: ["f", "kubefile"], description: "Kubefile path (default: CONTEXT/Kubefile; --kubefile is sealer's spelling)" },
    mode: { type: "string", alias: "m", description: "sealer's build mode: only \"lite\" (find the images in the rootfs and mirror them), lade's one mode" },
    "build-arg": { type: "string", description: "Set a Kubefile ARG, KEY=VALUE (repeatable)" },
    platform: { type: "string", description: "Platforms to build, comma separated (default: this machine's), e.g. linux/amd64,linux/arm64" },
    label: { type: "string", description: "Add a label to the image config, KEY=VALUE (repeatable)" },
    cache: { type: "boolean", default: true, description: "Reuse cached layers", negativeDescription: "Rebuild every layer" },
    compression: {
      type: "enum",
      options: [...COMPRESSION_FORMATS],
      default: DEFAULT_LAYER_COMPRESSION.format,
      description:
        "Layer compression: gzip (read by every OCI tool), zstd (faster and smaller; containerd, skopeo and lade read it, umoci 0.4 does not) or none. Blocks are compressed on every core and the digest does not depend on how many; content that is compressed already is stored, not compressed again",
    },
    "compression-level": { type: "string", description: `Compression level: gzip 1-9 (default ${DEFAULT_LEVELS.gzip}), zstd 1-19 (default ${DEFAULT_LEVELS.zstd})` },
    type: { type: "enum", options: ["kube-installer", "app-installer"], default: "kube-installer", description: "Image type recorded in the image extension" },
    quiet: { type: "boolean", alias: "q", description: "Print only the image digest" },
    json: {
      type: "boolean",
      description:
        'Print newline-delimited JSON events on stdout instead of the tags and digest: {"event":"image"|"progress"|"image-done"|"log",…} while container images are mirrored, last {"event":"built","digest","tags","platforms"} (the build log stays on stderr)',
    },
    "image-list": { type: "string", description: "Also mirror the images listed in FILE (one per line), besides the rootfs's manifests/imageList; repeatable" },
    "skip-missing": { type: "boolean", description: "Leave out container images that cannot be fetched (or have none of the platforms), and list them, instead of failing (exit status 3: partial)" },
    "strict-platforms": {
      type: "boolean",
      description: "Fail, listing every such image, when a container image lacks one of the build's platforms (by default it is packed with the platforms it has, and the gap reported)",
    },
    "ignore-image": { type: "string", description: "Do not pack images matching a glob, e.g. 'busybox*' (repeatable)" },
    rule: { type: "string", description: "Extra image discovery rule KIND=PATH or KIND=PATH{repository=F,tag=F} (repeatable)" },
    "include-candidates": { type: "boolean", description: "Also pack candidates (image-like flags, env values, split image fields, manifests inside ConfigMaps)" },
    strict: {
      type: "boolean",
      description: "Fail, tagging nothing, when a file under etc/, scripts/, plugins/, statics/ or images/ would have no effect on the nodes (by default each is a warning)",
    },
    report: {
      type: "string",
      description: "Write a JSON build report to FILE: the discovered images and candidates with their sources, what was mirrored, and platformCoverage (which image has which platform)",
    },
    "sign-key": {
      type: "string",
      description: "Sign the image for each of its names with this cosign/sigstore private key before tagging it (as lade sign does; the passphrase from --passphrase-file or --passphrase-stdin)",
    },
    ...passphraseArgs,
    ...registryArgs,
    ...rootfsArgs, // --k8s-version: build the base image of `lade rootfs` in one go (CONTEXT unused)
  },
  async run({ args, rawArgs }) {
    if (args.mode !== undefined && args.mode !== "lite") {
      throw new UsageError(`Build mode "${args.mode}" is not supported: lade builds in sealer's lite mode only (images found in the rootfs and mirrored, no cluster started); give -m lite or leave it out`);
    }
    const tags = repeatedOption(rawArgs, "tag", "t", "imageName").map((tag) => {
      try {
        return normalizeImageReference(tag);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    });
    let platforms;
    try {
      platforms = args.platform ? parsePlatformList(args.platform) : [hostPlatform()];
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    let compression;
    try {
      compression = parseCompression(args.compression, args["compression-level"]);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    // the key first: a wrong passphrase must not cost a build
    if (!args["sign-key"] && (args["passphrase-file"] || args["passphrase-stdin"])) throw new UsageError("A passphrase is for --sign-key: give the key too");
    const signingKey = args["sign-key"] ? await readSigningKey(args["sign-key"], await readPassphrase(args)) : undefined;
    const store = await openStore();
    const epoch = process.env.SOURCE_DATE_EPOCH;
    if (epoch !== undefined && !/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds: got "${epoch}"`);
    const extraImages: string[] = [];
    for (const file of repeatedOption(rawArgs, "image-list")) {
      const text = await Bun.file(file).text().catch(() => {
        throw new UsageError(`Cannot read the image list "${file}"`);
      });
      extraImages.push(...parseImageList(text, file).map((entry) => entry.image));
    }
    let userRules;
    try {
      userRules = repeatedOption(rawArgs, "rule").map(parseUserRule);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const access = registryAccess(args, rawArgs);
    const rootfs = args["k8s-version"] ? await rootfsForBuild(args, platforms, access.mirrors ?? {}) : undefined;
    const onWarning = (message: string) => process.stderr.write(`warning: ${message}\n`);
    const events = args.json ? jsonProgress() : undefined;
    const progress = mirrorProgress();
    const result = await buildImage(
      store,
      {
        contextDir: rootfs?.contextDir ?? args.context,
        kubefile: args.file,
        tags,
        buildArgs: keyValueOptions(rawArgs, "build-arg"),
        platforms,
        labels: keyValueOptions(rawArgs, "label"),
        noCache: !args.cache,
        compression,
        sourceDateEpoch: epoch ? Number(epoch) : 0,
        imageType: args.type as "kube-installer" | "app-installer",
        extraImages,
        strict: Boolean(args.strict),
        mirror: {
          discovery: { userRules, onWarning },
          chartScanner: (kubeVersion) => createChartScanner({ ...(kubeVersion ? { kubeVersion } : {}), userRules, onWarning }),
          isIgnored: createIgnoreImage(repeatedOption(rawArgs, "ignore-image")),
          includeCandidates: Boolean(args["include-candidates"]),
          fetch: {
            client: createRegistryClients(rootfs ? { ...access, mirrors: rootfs.mirrors } : access),
            reporter: events ?? (args.quiet ? silentMirrorReporter : progress),
            skipMissing: Boolean(args["skip-missing"]),
            strictPlatforms: Boolean(args["strict-platforms"]),
          },
        },
        beforeTag: (descriptor, listings) => attachBeforeTagging(store, tags, descriptor, signingKey, listings),
      },
      consoleBuildReporter(Boolean(args.quiet)),
    ).finally(() => rootfs?.cleanup());
    if (!events) progress.finish();
    // the build's log is silent with -q; these must still be seen
    if (args.quiet) for (const finding of result.findings) process.stderr.write(`warning: ${finding}\n`);
    if (result.containerImages && !args.quiet) printPlatformCoverage(result.containerImages.coverage, result.containerImages.gaps);
    if (args.report) await Bun.write(args.report, `${JSON.stringify(buildReport(result), null, 2)}\n`);
    if (events) events.event("built", { digest: result.descriptor.digest, tags, platforms: platforms.map(formatPlatform) });
    else {
      if (!args.quiet) for (const tag of tags) console.log(`Tagged ${tag}`);
      console.log(result.descriptor.digest);
    }
    const skipped = result.containerImages?.skipped.length ?? 0;
    if (skipped > 0) exitPartial(`${skipped} container image${skipped === 1 ? " was" : "s were"} left out of the image (--skip-missing)`);
  },
});

/** What every built image carries, in the store before its names are: an SBOM for each name, and with --sign-key the signatures. */
async function attachBeforeTagging(
  store: OciStore,
  names: readonly string[],
  descriptor: Descriptor,
  key: KeyObject | undefined,
  listings: ReadonlyMap<string, readonly LayerChange[]>,
): Promise<void> {
  const inventory = await imageInventory(store, { name: names[0]!, descriptor }, listings);
  for (const name of names) await attachSbom(store, { name, descriptor }, ladeReleaseVersion(), inventory);
  if (key) for (const name of names) await signImage(store, { name, descriptor }, key);
}

/** The JSON of --report: the image, what discovery found (with sources) and what was mirrored. */
function buildReport(result: BuiltImage) {
  const images = result.containerImages;
  return {
    digest: result.descriptor.digest,
    platforms: result.platforms.map((platform) => ({ digest: platform.digest, platform: platform.platform })),
    images: images?.report.images ?? [],
    candidates: images?.report.candidates ?? [],
    mirrored: (images?.images ?? []).map((image) => ({
      image: image.source,
      repository: image.repository,
      digest: image.digest,
      platforms: image.platforms.map(formatPlatform),
      missingPlatforms: image.missingPlatforms.map(formatPlatform),
    })),
    skipped: images?.skipped ?? [],
    findings: result.findings,
    platformCoverage: images ? { ...images.coverage, gaps: images.gaps } : undefined,
  };
}
