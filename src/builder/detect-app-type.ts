import type { ApplicationType } from "./image-extension.ts";

export interface DetectedApp {
  readonly type: ApplicationType;
  readonly files: readonly string[];
}

/**
 * Classify an app folder from its contents (paths relative to it, directories end with "/"):
 * a Helm chart has Chart.yaml and templates/ at its root; kube apps are only YAML, shell apps only
 * scripts. Anything else has no type and needs APPCMDS to say how to launch it.
 */
export function detectAppType(paths: readonly string[]): DetectedApp {
  const files = paths.filter((path) => !path.endsWith("/")).sort();
  const isChart = files.includes("Chart.yaml") && paths.some((path) => path.startsWith("templates/"));
  if (isChart) return { type: "helm", files: [] };
  if (files.length > 0 && files.every((file) => /\.ya?ml$/i.test(file))) return { type: "kube", files };
  if (files.length > 0 && files.every((file) => file.endsWith(".sh"))) return { type: "shell", files };
  return { type: "", files };
}
