import { parsePathExpression } from "./field-path.ts";

/**
 * A user's extraction rule, `--rule KIND=PATH` or `--rule KIND=PATH{repository=repo,tag=version}`:
 * PATH names a string reference, or an object whose registry/repository/tag/digest fields
 * (renamed by the braces) make up one.
 */
export interface UserRule {
  readonly kind: string;
  readonly path: string;
  readonly fields: Readonly<Record<"registry" | "repository" | "tag" | "digest", string>>;
}

const DEFAULT_FIELDS = { registry: "registry", repository: "repository", tag: "tag", digest: "digest" } as const;

export function parseUserRule(text: string): UserRule {
  const equals = text.indexOf("=");
  if (equals <= 0) throw new TypeError(`Cannot parse rule "${text}": expected KIND=PATH`);
  const kind = text.slice(0, equals).trim();
  let path = text.slice(equals + 1).trim();
  const fields: Record<string, string> = { ...DEFAULT_FIELDS };
  const braces = /\{([^{}]*=[^{}]*)\}$/.exec(path);
  if (braces) {
    path = path.slice(0, braces.index);
    for (const pair of braces[1]!.split(",")) {
      const [field, name] = pair.split("=").map((part) => part.trim());
      if (!field || !name || !(field in DEFAULT_FIELDS)) {
        throw new TypeError(`Cannot parse rule "${text}": "${pair}" must be registry|repository|tag|digest=FIELD`);
      }
      fields[field] = name;
    }
  }
  parsePathExpression(path);
  return { kind, path, fields: fields as UserRule["fields"] };
}
