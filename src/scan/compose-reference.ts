import { isRecord } from "./field-path.ts";
import { asImageReference } from "./reference-like.ts";

type SplitFields = Readonly<Record<"registry" | "repository" | "tag" | "digest", string>>;

const DEFAULT_FIELDS: SplitFields = { registry: "registry", repository: "repository", tag: "tag", digest: "digest" };

/**
 * An image split over fields, as Helm values and many operators write it
 * (`{registry: quay.io, repository: calico/node, tag: v3.27.0}`), put back together.
 */
export function composeReference(value: unknown, fields: SplitFields = DEFAULT_FIELDS): string | undefined {
  if (!isRecord(value)) return undefined;
  const repository = value[fields.repository] ?? value.image ?? value.name;
  if (typeof repository !== "string" || !repository) return undefined;
  const registry = value[fields.registry];
  const tag = value[fields.tag];
  const digest = value[fields.digest];
  let text = typeof registry === "string" && registry ? `${registry.replace(/\/+$/, "")}/${repository}` : repository;
  if ((typeof tag === "string" && tag) || typeof tag === "number") text += `:${tag}`;
  if (typeof digest === "string" && digest) text += `@${digest}`;
  return asImageReference(text);
}
