import type { ImageSource } from "./image-source.ts";

/** One line for where an image was found: `manifests/a.yaml:3 Deployment/web spec.template… [pod-spec]`. */
export function describeImageSource(source: ImageSource, options: { readonly rule?: boolean } = {}): string {
  const where = source.line ? `${source.file}:${source.line}` : source.file;
  const what = [source.kind && source.name ? `${source.kind}/${source.name}` : source.kind, source.path].filter(Boolean).join(" ");
  return `${where}${what ? ` ${what}` : ""}${options.rule === false ? "" : ` [${source.rule}]`}`;
}

/** Who uses an image, short: `Deployment/web (manifests/a.yaml:3)`, or the file alone. */
export function describeImageUser(source: ImageSource): string {
  const where = source.line ? `${source.file}:${source.line}` : source.file;
  const workload = source.kind && source.name ? `${source.kind}/${source.name}` : source.kind;
  return workload ? `${workload} (${where})` : where;
}
