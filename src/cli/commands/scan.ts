import { defineCommand } from "citty";
import { discoverImages } from "../../build/discover-images.ts";
import { createChartScanner } from "../../build/create-chart-scanner.ts";
import { chartValues } from "../chart-values.ts";
import { createIgnoreImage } from "../../scan/ignore-pattern.ts";
import { mergeFindings, type ScannedImage } from "../../scan/merge-findings.ts";
import type { ImageSource } from "../../scan/image-source.ts";
import { parseUserRule } from "../../scan/user-rule.ts";
import { UsageError } from "../global-options.ts";
import { formatTable, printJson } from "../output.ts";
import { repeatedOption } from "../repeated-option.ts";

export const scanCommand = defineCommand({
  meta: {
    name: "scan",
    description:
      "Find every container image that files, charts and folders name, and say where each came from. " +
      "Manifests are parsed as YAML and read by kind; references that may be images (flags, env values, " +
      "split image fields, manifests inside ConfigMaps) are listed apart as candidates.",
  },
  args: {
    path: { type: "positional", description: "Files (manifests, imageList, chart .tgz), chart folders or folders to walk", required: true },
    json: { type: "boolean", description: 'Print {"images":[{"image","sources":[{"file","document","kind","name","path","line","rule"}]}],"candidates":[…]}' },
    "ignore-image": { type: "string", description: "Leave out images matching a glob, e.g. 'busybox*' or 'quay.io/prometheus/*' (repeatable)" },
    rule: { type: "string", description: "Extra rule KIND=PATH or KIND=PATH{repository=F,tag=F} (repeatable), e.g. 'Widget=spec.images[*]'" },
    "image-list": { type: "string", description: "Also read an image list file (repeatable)" },
    values: { type: "string", description: "Values file for one chart, CHART=FILE (repeatable)" },
    set: { type: "string", description: "Value for one chart, CHART.key=v in Helm's --set syntax (repeatable)" },
    "kube-version": { type: "string", description: "Kubernetes version charts are rendered for (.Capabilities.KubeVersion)" },
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
    if (args.json) return printJson(report);
    printSection("IMAGE", report.images);
    if (report.candidates.length > 0) {
      console.log("");
      printSection("CANDIDATE (not packed unless --include-candidates)", report.candidates);
    }
    console.log(`\n${report.images.length} images, ${report.candidates.length} candidates`);
  },
});

function printSection(title: string, images: readonly ScannedImage[]): void {
  const rows = images.flatMap((entry) => entry.sources.map((source, index) => [index === 0 ? entry.image : "", describeSource(source)]));
  console.log(formatTable([title, "FOUND IN"], rows));
}

function describeSource(source: ImageSource): string {
  const where = source.line ? `${source.file}:${source.line}` : source.file;
  const what = [source.kind && source.name ? `${source.kind}/${source.name}` : source.kind, source.path].filter(Boolean).join(" ");
  return `${where}${what ? ` ${what}` : ""} [${source.rule}]`;
}
