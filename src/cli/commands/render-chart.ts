import { defineCommand } from "citty";
import { loadChartFromPath } from "../../builder/load-chart-files.ts";
import { mergeUserValues, SetOptionError } from "../../chart/merge-user-values.ts";
import { formatManifests, renderChart } from "../../chart/render-chart.ts";
import { UsageError } from "../global-options.ts";
import { repeatedOption } from "../repeated-option.ts";

export const renderChartCommand = defineCommand({
  meta: {
    name: "chart",
    description:
      "Render a Helm chart (a directory or a packaged .tgz) and print its manifests exactly like helm template: " +
      "subcharts, conditions, tags, aliases, import-values, globals, library charts, hooks; NOTES.txt is not printed",
  },
  args: {
    chart: { type: "positional", description: "Chart directory or packaged chart (.tgz)", required: true },
    values: { type: "string", alias: "f", description: "YAML values file (repeatable; later files win)" },
    set: { type: "string", description: "Set values on the command line: a.b=c,list[0]=x,l={a,b} (repeatable)" },
    "set-string": { type: "string", description: "Like --set, but every value is a string (repeatable)" },
    "set-json": { type: "string", description: "Like --set, but every value is JSON (repeatable)" },
    name: { type: "string", description: "Release name (.Release.Name)", default: "release-name" },
    namespace: { type: "string", alias: "n", description: "Release namespace (.Release.Namespace)", default: "default" },
    "kube-version": { type: "string", description: "Kubernetes version for .Capabilities.KubeVersion", default: "v1.33.0" },
    "api-versions": { type: "string", alias: "a", description: "Extra API version for .Capabilities.APIVersions (repeatable)" },
    "include-crds": { type: "boolean", description: "Print the files of crds/ folders first" },
    "no-hooks": { type: "boolean", description: "Leave hook manifests out" },
    "skip-tests": { type: "boolean", description: "Leave test hooks out" },
  },
  async run({ args, rawArgs }) {
    const valueFiles = [];
    for (const name of repeatedOption(rawArgs, "values", "f")) {
      const file = Bun.file(name);
      if (!(await file.exists())) throw new UsageError(`Cannot read values file "${name}": no such file`);
      valueFiles.push({ name, text: await file.text() });
    }
    let values;
    try {
      values = mergeUserValues({
        valueFiles,
        setJson: repeatedOption(rawArgs, "set-json"),
        set: repeatedOption(rawArgs, "set"),
        setString: repeatedOption(rawArgs, "set-string"),
      });
    } catch (error) {
      if (error instanceof SetOptionError) throw new UsageError(error.message);
      throw error;
    }
    const chart = await loadChartFromPath(args.chart as string);
    const result = renderChart(chart, {
      values,
      releaseName: args.name,
      namespace: args.namespace,
      kubeVersion: args["kube-version"],
      apiVersions: repeatedOption(rawArgs, "api-versions", "a"),
      includeCrds: Boolean(args["include-crds"]),
      noHooks: Boolean(args["no-hooks"]),
      skipTests: Boolean(args["skip-tests"]),
    });
    for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
    process.stdout.write(formatManifests(result.manifests));
    if (result.errors.length > 0) {
      for (const error of result.errors) process.stderr.write(`Error: ${error}\n`);
      process.exitCode = 1;
    }
  },
});
