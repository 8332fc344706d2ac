import { SemverError, SemverVersion, comparePrerelease, compareVersions } from "./semver-version.ts";

/**
 * Masterminds/semver v3.2 constraints, as sprig's `semverCompare` checks them: `,` or spaces for
 * AND, `||` for OR, `1.2 - 1.4` ranges, `x`/`*` wildcards, `~` (same minor), `^` (same major, or
 * minor/patch for 0.x), and prereleases only matching constraints that carry a prerelease.
 */
const S = "[\\t\\n\\f\\r ]";
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
const CV =
  "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" +
  "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" +
  "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
const CONSTRAINT = new RegExp(`^${S}*(${OPS})${S}*(${CV})${S}*$`);
const RANGE = new RegExp(`${S}*(${CV})${S}+-${S}+(${CV})${S}*`, "g");
const FIND = new RegExp(`(${OPS})${S}*(${CV})`, "g");
const VALID = new RegExp(`^(${S}*(${OPS})${S}*(${CV})${S}*)((?:${S}+|,${S}*)(${OPS})${S}*(${CV})${S}*)*$`);

type Op = "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^";

interface Constraint {
  con: SemverVersion;
  orig: string;
  op: Op;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (x: string) => x === "x" || x === "*" || x === "X";

function parseConstraint(text: string): Constraint {
  if (text.length === 0) {
    return { con: SemverVersion.parse("0.0.0"), orig: text, op: "", minorDirty: false, patchDirty: false, dirty: true };
  }
  const m = CONSTRAINT.exec(text);
  if (!m) throw new SemverError(`improper constraint: ${text}`);
  const [major, minor, patch, pre] = [m[3] ?? "", m[4] ?? "", m[5] ?? "", m[6] ?? ""];
  let ver = m[2]!;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(major) || major === "") {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minor.replace(/^\./, "")) || minor === "") {
    minorDirty = dirty = true;
    ver = `${major}.0.0${pre}`;
  } else if (isX(patch.replace(/^\./, "")) || patch === "") {
    patchDirty = dirty = true;
    ver = `${major}${minor}.0${pre}`;
  }
  let con: SemverVersion;
  try {
    con = SemverVersion.parse(ver);
  } catch {
    throw new SemverError("constraint Parser Error");
  }
  return { con, orig: m[2]!, op: m[1] as Op, minorDirty, patchDirty, dirty };
}

function rewriteRange(text: string): string {
  let out = text;
  for (const m of text.matchAll(RANGE)) out = out.replace(m[0], `>= ${m[1]}, <= ${m[11]}`);
  return out;
}

/** semver.NewConstraint(text).Check(version). Throws SemverError for a bad constraint. */
export function parseConstraints(text: string): Constraint[][] {
  return rewriteRange(text)
    .split("||")
    .map((part) => {
      if (!VALID.test(part)) throw new SemverError(`improper constraint: ${part}`);
      const found = [...part.matchAll(FIND)].map((m) => m[0]);
      return (found.length > 0 ? found : [part]).map(parseConstraint);
    });
}

export function checkConstraints(constraints: Constraint[][], version: SemverVersion): boolean {
  return constraints.some((and) => and.every((c) => check(version, c)));
}

function check(v: SemverVersion, c: Constraint): boolean {
  switch (c.op) {
    case "":
    case "=":
      return tildeOrEqual(v, c);
    case "!=":
      return notEqual(v, c);
    case ">":
      return greaterThan(v, c);
    case "<":
      return !(v.pre && !c.con.pre) && compareVersions(v, c.con) < 0;
    case ">=":
    case "=>":
      return !(v.pre && !c.con.pre) && compareVersions(v, c.con) >= 0;
    case "<=":
    case "=<":
      return lessThanEqual(v, c);
    case "~":
    case "~>":
      return tilde(v, c);
    case "^":
      return caret(v, c);
  }
}

function notEqual(v: SemverVersion, c: Constraint): boolean {
  if (c.dirty) {
    if (v.pre && !c.con.pre) return false;
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      if (v.pre || c.con.pre) return comparePrerelease(v.pre, c.con.pre) !== 0;
      return false;
    }
  }
  return compareVersions(v, c.con) !== 0;
}

function greaterThan(v: SemverVersion, c: Constraint): boolean {
  if (v.pre && !c.con.pre) return false;
  if (!c.dirty) return compareVersions(v, c.con) === 1;
  if (v.major > c.con.major) return true;
  if (v.major < c.con.major) return false;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return compareVersions(v, c.con) === 1;
}

function lessThanEqual(v: SemverVersion, c: Constraint): boolean {
  if (v.pre && !c.con.pre) return false;
  if (!c.dirty) return compareVersions(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
  return true;
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  if (v.pre && !c.con.pre) return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function tildeOrEqual(v: SemverVersion, c: Constraint): boolean {
  if (v.pre && !c.con.pre) return false;
  if (c.dirty) return tilde(v, c);
  return compareVersions(v, c.con) === 0;
}

function caret(v: SemverVersion, c: Constraint): boolean {
  if (v.pre && !c.con.pre) return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0n && v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (c.con.minor === 0n && v.minor > 0n) return false;
  return c.con.patch === v.patch;
}
