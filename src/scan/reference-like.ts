import { normalizeImageReference, tryParseImageReference } from "../oci/image-reference.ts";

/**
 * The normalized reference when `value` is one, else undefined. Template fragments (`{{ … }}`),
 * empty strings and anything with spaces are never images.
 */
export function asImageReference(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (!text || /\s|\{\{|\$\{|<|>/.test(text)) return undefined;
  if (!tryParseImageReference(text)) return undefined;
  return normalizeImageReference(text);
}

/**
 * Stricter, for places where any word could be a reference (env values, flags): it must name a
 * tag or digest, or a registry host, so "true", "debug" or "nginx" alone are not taken.
 */
export function asLikelyImageReference(value: unknown): string | undefined {
  const image = asImageReference(value);
  if (!image || typeof value !== "string") return undefined;
  const text = value.trim();
  const firstComponent = text.split("/")[0] ?? "";
  const hasRegistry = text.includes("/") && (firstComponent.includes(".") || firstComponent.includes(":") || firstComponent === "localhost");
  const lastComponent = text.slice(text.lastIndexOf("/") + 1);
  const hasTagOrDigest = text.includes("@") || lastComponent.includes(":");
  if (!hasRegistry && !hasTagOrDigest) return undefined;
  if (/^\d+(\.\d+)*$/.test(lastComponent.split(":")[0] ?? "")) return undefined; // "1.2:3" is a version, not an image
  return image;
}

/**
 * For image fields of kinds lade does not know: a tag, a digest or a path with "/", and no lone
 * dotted word — so template leftovers like `parameter.image` or schema words like `string` are
 * not taken for images (sealer#1913), while `nginx:1.25` and `quay.io/x/y` are.
 */
export function asPlausibleImageReference(value: unknown): string | undefined {
  const image = asImageReference(value);
  if (!image || typeof value !== "string") return undefined;
  const text = value.trim();
  const hasTagOrDigest = text.includes("@") || text.slice(text.lastIndexOf("/") + 1).includes(":");
  if (hasTagOrDigest) return image;
  return text.includes("/") ? image : undefined;
}
