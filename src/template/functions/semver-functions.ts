import type { FunctionMap } from "../template-function.ts";
import { define, fail } from "./define.ts";
import { checkConstraints, parseConstraints } from "./semver-constraints.ts";
import { SemverError, SemverVersion } from "./semver-version.ts";

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SemverError) fail(error.message);
    throw error;
  }
}

/** sprig's semver.go over Masterminds/semver v3 semantics (ported: see semver-version.ts). */
export const semverFunctions: FunctionMap = {
  semver: define(["string"], (version) => guard(() => SemverVersion.parse(version))),
  semverCompare: define(["string", "string"], (constraint, version) =>
    guard(() => {
      const constraints = parseConstraints(constraint);
      return checkConstraints(constraints, SemverVersion.parse(version));
    }),
  ),
};
