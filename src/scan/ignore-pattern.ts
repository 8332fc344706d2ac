import { familiarName } from "../oci/image-reference.ts";

/**
 * `--ignore-image PATTERN`: a glob (`*` any characters, `?` one) matched against the normalized
 * name and docker's short form, so `busybox*`, `docker.io/library/busybox:1.36` and
 * `quay.io/prometheus/*` all work.
 */
export function createIgnoreImage(patterns: readonly string[]): (image: string) => boolean {
  const expressions = patterns.map((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`));
  return (image) => {
    if (expressions.length === 0) return false;
    const forms = [image, familiarName(image), image.replace(/:latest$/, ""), familiarName(image).replace(/:latest$/, "")];
    return expressions.some((expression) => forms.some((form) => expression.test(form)));
  };
}
