import { checkConstraints, parseConstraints } from "../template/functions/semver-constraints.ts";
import { SemverVersion } from "../template/functions/semver-version.ts";

/**
 * Whether a chart's version satisfies a Chart.yaml dependency's `version` range, as Helm checks it
 * (Masterminds/semver v3: `~1.2.0`, `^1`, `1.x`, `>=1.0, <2.0`, `1.0 - 2.0`, `a || b`; a
 * prerelease only satisfies a range that names one). An unparsable range or version (an empty
 * one too) never matches.
 */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return checkConstraints(parseConstraints(constraint), SemverVersion.parse(version));
  } catch {
    return false;
  }
}
