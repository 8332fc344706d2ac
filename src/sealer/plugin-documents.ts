import { parseAllDocuments } from "yaml";
import { isConfigObject, type ConfigValue } from "../kubeadm/config-value.ts";

/** One sealer plugin (`kind: Plugin`), described for the user: where it is and what it would do. */
export interface PluginSummary {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  /** `spec.type` (SHELL, LABEL, HOSTNAME, ETCD, TAINT, CLUSTERCHECK, …). */
  readonly type: string;
  /** `spec.action` (v0.8: PreInit, PostInstall, …) or the v0.9 phase. */
  readonly when: string;
  /** `spec.on` (v0.8) or `spec.scope` (v0.9): which hosts. */
  readonly hosts: string;
}

/** The Plugin documents of a YAML file (a rootfs plugins/*.yaml, or a Clusterfile). Other kinds and unparsable documents are left out. */
export function summarizePlugins(text: string, file: string): PluginSummary[] {
  const lineStarts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) lineStarts.push(index + 1);
  const lineOf = (offset: number) => lineStarts.filter((start) => start <= offset).length;
  const summaries: PluginSummary[] = [];
  for (const document of [parseAllDocuments(text)].flat()) {
    if (document.errors.length > 0) continue;
    const value = document.toJS() as ConfigValue;
    if (!isConfigObject(value) || value.kind !== "Plugin") continue;
    const spec = isConfigObject(value.spec) ? value.spec : {};
    const metadata = isConfigObject(value.metadata) ? value.metadata : {};
    const text = (field: ConfigValue | undefined, fallback: string) => (typeof field === "string" && field !== "" ? field : fallback);
    summaries.push({
      file,
      line: lineOf(document.contents?.range?.[0] ?? document.range?.[0] ?? 0),
      name: text(metadata.name, "(unnamed)"),
      type: text(spec.type, "(no type)"),
      when: text(spec.action, "(no action)"),
      hosts: text(spec.on ?? spec.scope, "all hosts"),
    });
  }
  return summaries;
}

export function formatPluginSummary(plugin: PluginSummary): string {
  return `${plugin.file}:${plugin.line}: Plugin ${plugin.name} (${plugin.type}, ${plugin.when}, on ${plugin.hosts})`;
}
