import { GoStruct, TemplateFunctionError, type GoValue } from "../go-value.ts";
import { jsonValue } from "./go-json.ts";

/**
 * Masterminds/semver v3.2 `Version`, what sprig's `semver` returns. Parsing is lenient like
 * NewVersion ("v1.2" → 1.2.0); methods are Go's (`.Major`, `.Prerelease`, `.IncMinor`,
 * `.LessThan`…). The npm `semver` package is not used for this because its parser and range
 * rules differ from Masterminds' (e.g. it rejects "v1.2", and treats prereleases in ranges differently).
 */
const VERSION = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const MAX_UINT64 = (1n << 64n) - 1n;

export class SemverError extends Error {
  override name = "SemverError";
}

function parseSegment(text: string): bigint {
  const value = BigInt(text);
  if (value > MAX_UINT64) {
    throw new SemverError(`Error parsing version segment: strconv.ParseUint: parsing "${text}": value out of range`);
  }
  return value;
}

function validatePrerelease(pre: string): void {
  for (const part of pre.split(".")) {
    if (/^[0-9]*$/.test(part)) {
      if (part.length > 1 && part[0] === "0") throw new SemverError("Version segment starts with 0");
    } else if (!/^[0-9A-Za-z-]*$/.test(part)) throw new SemverError("Invalid Prerelease string");
  }
}

type Fields = { major: bigint; minor: bigint; patch: bigint; pre: string; metadata: string; original: string };

/** A semver.Version value (what IncMinor & co. return): only value-receiver methods. */
export class SemverValue extends GoStruct {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly metadata: string;
  readonly original: string;

  constructor(fields: Fields) {
    super();
    this.major = fields.major;
    this.minor = fields.minor;
    this.patch = fields.patch;
    this.pre = fields.pre;
    this.metadata = fields.metadata;
    this.original = fields.original;
  }

  get goTypeName(): string {
    return "semver.Version";
  }

  #with(changes: Partial<Fields>): SemverValue {
    const next = new SemverValue({ ...fieldsOf(this), ...changes, original: "" });
    const prefix = this.original.startsWith("v") ? "v" : "";
    return new SemverValue({ ...fieldsOf(next), original: prefix + next.String() });
  }

  String(): string {
    let out = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre) out += `-${this.pre}`;
    if (this.metadata) out += `+${this.metadata}`;
    return out;
  }

  Major(): bigint {
    return this.major;
  }

  Minor(): bigint {
    return this.minor;
  }

  Patch(): bigint {
    return this.patch;
  }

  Prerelease(): string {
    return this.pre;
  }

  Metadata(): string {
    return this.metadata;
  }

  IncPatch(): SemverValue {
    return this.pre ? this.#with({ pre: "", metadata: "" }) : this.#with({ pre: "", metadata: "", patch: this.patch + 1n });
  }

  IncMinor(): SemverValue {
    return this.#with({ pre: "", metadata: "", patch: 0n, minor: this.minor + 1n });
  }

  IncMajor(): SemverValue {
    return this.#with({ pre: "", metadata: "", patch: 0n, minor: 0n, major: this.major + 1n });
  }

  SetPrerelease(pre: GoValue): SemverValue {
    const text = String(pre ?? "");
    if (text) {
      try {
        validatePrerelease(text);
      } catch (error) {
        throw new TemplateFunctionError((error as Error).message);
      }
    }
    return this.#with({ pre: text });
  }

  SetMetadata(metadata: GoValue): SemverValue {
    const text = String(metadata ?? "");
    if (text && !text.split(".").every((part) => /^[0-9A-Za-z-]*$/.test(part))) {
      throw new TemplateFunctionError("Invalid Metadata string");
    }
    return this.#with({ metadata: text });
  }

  [jsonValue](): GoValue {
    return this.String();
  }
}

function fieldsOf(v: SemverValue): Fields {
  return { major: v.major, minor: v.minor, patch: v.patch, pre: v.pre, metadata: v.metadata, original: v.original };
}

/** *semver.Version (what `semver` returns): adds the pointer-receiver methods. */
export class SemverVersion extends SemverValue {
  override get goTypeName(): string {
    return "*semver.Version";
  }

  /** semver.NewVersion. */
  static parse(text: string): SemverVersion {
    const m = VERSION.exec(text);
    if (!m) throw new SemverError("Invalid Semantic Version");
    const version = new SemverVersion({
      major: parseSegment(m[1]!),
      minor: m[2] ? parseSegment(m[2].slice(1)) : 0n,
      patch: m[3] ? parseSegment(m[3].slice(1)) : 0n,
      pre: m[5] ?? "",
      metadata: m[8] ?? "",
      original: text,
    });
    if (version.pre) validatePrerelease(version.pre);
    return version;
  }

  Original(): string {
    return this.original;
  }

  Compare(other: GoValue): bigint {
    return BigInt(compareVersions(this, asVersion(other)));
  }

  LessThan(other: GoValue): boolean {
    return compareVersions(this, asVersion(other)) < 0;
  }

  GreaterThan(other: GoValue): boolean {
    return compareVersions(this, asVersion(other)) > 0;
  }

  Equal(other: GoValue): boolean {
    return compareVersions(this, asVersion(other)) === 0;
  }
}

function asVersion(value: GoValue): SemverValue {
  if (value instanceof SemverVersion) return value;
  throw new TemplateFunctionError(`wrong type for value; expected *semver.Version; got ${typeof value}`);
}

/** Version.Compare: numbers, then a release sorts after its prereleases. */
export function compareVersions(a: SemverValue, b: SemverValue): number {
  for (const key of ["major", "minor", "patch"] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.pre === b.pre) return 0;
  if (!a.pre) return 1;
  if (!b.pre) return -1;
  return comparePrerelease(a.pre, b.pre);
}

export function comparePrerelease(a: string, b: string): number {
  const as = a.split(".");
  const bs = b.split(".");
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = comparePrePart(as[i] ?? "", bs[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const sNumeric = /^[0-9]+$/.test(s) && BigInt(s) <= MAX_UINT64;
  const oNumeric = /^[0-9]+$/.test(o) && BigInt(o) <= MAX_UINT64;
  if (!sNumeric && !oNumeric) return s > o ? 1 : -1;
  if (!oNumeric) return -1;
  if (!sNumeric) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}
