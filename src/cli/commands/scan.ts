import { defineCommand } from "citty";
import { discoverImages } from "../../builder/discover-images.ts";
import { createChartScanner } from "../../builder/create-chart-scanner.ts";
import { chartValues } from "../chart-values.ts";
import { createIgnoreImage } from "../../scan/ignore-pattern.ts";
import { mergeFindings, type ScannedImage } from "../../scan/merge-findings.ts";
import { describeImageSource } from "../../scan/describe-image-source.ts";
import { parseUserRule } from "../../scan/user-rule.ts";
import { UsageError } from "../global-options.ts";
import { registryAccess, registryArgs } from "../registry-args.ts";
import { describeImageGap, type ImagePlatformGap } from "../../builder/platform-gaps.ts";
import { platformCoverage, type PlatformCoverage } from "../../mirror/platform-coverage.ts";
import { resolveImages } from "../../mirror/resolve-images.ts";
import { hostPlatform, parsePlatformList } from "../../oci/platform.ts";
import { createRegistryClients } from "../../registry/registry-clients.ts";
import { formatTable, printJson } from "../output.ts";
import { repeatedOption } from "../repeated-option.ts";

export const scanCommand = defineCommand({
  meta: {
    name: "scan",
    description:
      "Find every container image that files, charts and folders name, and say where each came from. " +
      "Manifests are parsed as YAML and read by kind; references that may be images (flags, env values, " +
      "split image fields, manifests inside ConfigMaps) are listed apart as candidates. With --check (or --platform) " +
      "every image is also looked up in its registry (manifests only, no blobs): which requested platforms it has, " +
      "and which images cannot be found; exit 1 if any cannot.",
  },
  args: {
    path: { type: "positional", description: "Files (manifests, imageList, chart .tgz), chart folders or folders to walk", required: true },
    json: {
      type: "boolean",
      description:
        'Print {"images":[{"image","sources":[{"file","document","kind","name","path","line","rule"}]}],"candidates":[…]}; with --check also ' +
        '"platformCoverage":{"requested","images":[{"image","digest","platforms":{PLATFORM:true|false}}],"gaps":[{"image","missing","available","usedBy"}]},"unresolved":[{"image","reason"}]',
    },
    "ignore-image": { type: "string", description: "Leave out images matching a glob, e.g. 'busybox*' or 'quay.io/prometheus/*' (repeatable)" },
    rule: { type: "string", description: "Extra rule KIND=PATH or KIND=PATH{repository=F,tag=F} (repeatable), e.g. 'Widget=spec.images[*]'" },
    "image-list": { type: "string", description: "Also read an image list file (repeatable)" },
    values: { type: "string", description: "Values file for one chart, CHART=FILE (repeatable)" },
    set: { type: "string", description: "Value for one chart, CHART.key=v in Helm's --set syntax (repeatable)" },
    "kube-version": { type: "string", description: "Kubernetes version charts are rendered for (.Capabilities.KubeVersion)" },
    check: { type: "boolean", description: "Look every image up in its registry: exists, and with which of the --platform platforms" },
    platform: { type: "string", description: "Platforms the images must have, comma separated, e.g. linux/amd64,linux/arm64 (implies --check; default: this machine's)" },
    "strict-platforms": { type: "boolean", description: "With --check: exit 1 when an image lacks a requested platform" },
    ...registryArgs,
  },
  async run({ args, rawArgs }) {
    const paths = [...(args._ as string[]), ...repeatedOption(rawArgs, "image-list")];
    let userRules;
    try {
      userRules = repeatedOption(rawArgs, "rule").map(parseUserRule);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const onWarning = (message: string) => process.stderr.write(`warning: ${message}\n`);
    const findings = await discoverImages(paths, {
      userRules,
      onWarning,
      scanChart: createChartScanner({
        values: await chartValues(rawArgs),
        ...(args["kube-version"] ? { kubeVersion: args["kube-version"] } : {}),
        userRules,
        onWarning,
      }),
    });
    const report = mergeFindings(findings, createIgnoreImage(repeatedOption(rawArgs, "ignore-image")));
    const check = args.check || args.platform ? await checkImages(report.images, args, rawArgs) : undefined;
    if (check && (check.unresolved.length > 0 || (args["strict-platforms"] && check.platformCoverage.gaps.length > 0))) process.exitCode = 1;
    if (args.json) return printJson({ ...report, ...check });
    printSection("IMAGE", report.images);
    if (report.candidates.length > 0) {
      console.log("");
      printSection("CANDIDATE (not packed unless --include-candidates)", report.candidates);
    }
    console.log(`\n${report.images.length} images, ${report.candidates.length} candidates`);
    if (check) printCheck(check);
  },
});

interface ImageCheck {
  readonly platformCoverage: PlatformCoverage & { readonly gaps: readonly ImagePlatformGap[] };
  readonly unresolved: readonly { readonly image: string; readonly reason: string }[];
}

/** --check: every image's manifests from its registry, which platforms it has, and which cannot be found. */
async function checkImages(images: readonly ScannedImage[], args: Record<string, unknown>, rawArgs: readonly string[]): Promise<ImageCheck> {
  let platforms;
  try {
    platforms = typeof args.platform === "string" ? parsePlatformList(args.platform) : [hostPlatform()];
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const resolved = await resolveImages(
    images.map((entry) => entry.image),
    { platforms, client: createRegistryClients(registryAccess(args, rawArgs)), skipMissing: true },
  );
  const coverage = platformCoverage(resolved.images, platforms);
  const sources = new Map(images.map((entry) => [entry.image, entry.sources]));
  const gaps = coverage.gaps.map((gap) => ({ ...gap, usedBy: sources.get(gap.image) ?? [] }));
  return { platformCoverage: { ...coverage, gaps }, unresolved: resolved.skipped };
}

function printCheck(check: ImageCheck): void {
  const { requested, images } = check.platformCoverage;
  console.log("");
  if (images.length > 0) {
    const rows = images.map((image) => [image.image, ...requested.map((platform) => (image.platforms[platform] ? "✔" : "✘"))]);
    console.log(formatTable(["IMAGE", ...requested], rows));
  }
  for (const entry of check.unresolved) console.log(`cannot find ${entry.image}: ${entry.reason}`);
  for (const gap of check.platformCoverage.gaps) console.log(`warning: ${describeImageGap(gap)}`);
  const complete = images.length - check.platformCoverage.gaps.length;
  console.log(`${complete} of ${images.length + check.unresolved.length} images have ${requested.join(", ")}; ${check.unresolved.length} cannot be found`);
}

function printSection(title: string, images: readonly ScannedImage[]): void {
  const rows = images.flatMap((entry) => entry.sources.map((source, index) => [index === 0 ? entry.image : "", describeImageSource(source)]));
  console.log(formatTable([title, "FOUND IN"], rows));
}
