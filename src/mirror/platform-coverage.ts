import { formatPlatform, type Platform } from "../oci/platform.ts";
import type { ResolvedImage } from "./resolve-image.ts";

/** An image that lacks some of the requested platforms: nodes of those cannot run it. */
export interface PlatformGap {
  readonly image: string;
  /** Requested platforms the image does not have, e.g. ["linux/arm64"]. */
  readonly missing: readonly string[];
  /** Every platform the image offers. */
  readonly available: readonly string[];
}

/** Which requested platform each image has: the `platformCoverage` of reports and `--json`. */
export interface PlatformCoverage {
  readonly requested: readonly string[];
  readonly images: readonly { readonly image: string; readonly digest: string; readonly platforms: Readonly<Record<string, boolean>> }[];
  readonly gaps: readonly PlatformGap[];
}

export function platformCoverage(images: readonly ResolvedImage[], requested: readonly Platform[]): PlatformCoverage {
  const names = requested.map(formatPlatform);
  const sorted = [...images].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return {
    requested: names,
    images: sorted.map((image) => {
      const has = new Set(image.platforms.map(formatPlatform));
      return { image: image.source, digest: image.digest, platforms: Object.fromEntries(names.map((name) => [name, has.has(name)])) };
    }),
    gaps: platformGaps(sorted),
  };
}

export function platformGaps(images: readonly ResolvedImage[]): PlatformGap[] {
  return images
    .filter((image) => image.missingPlatforms.length > 0)
    .map((image) => ({
      image: image.source,
      missing: image.missingPlatforms.map(formatPlatform),
      available: image.availablePlatforms.map(formatPlatform),
    }));
}

/** The end-of-run warning for one image: `image X has no linux/arm64: arm64 nodes cannot run it`. */
export function describeGap(gap: Pick<PlatformGap, "image" | "missing">): string {
  const architectures = gap.missing.map((platform) => platform.split("/").slice(1).join("/"));
  return `image ${gap.image} has no ${gap.missing.join(", ")}: ${architectures.join(" and ")} nodes cannot run it`;
}

/** `--strict-platforms`: some images lack a requested platform; every one of them is listed. */
export class PlatformGapError extends Error {
  override name = "PlatformGapError";
  constructor(readonly gaps: readonly PlatformGap[]) {
    super(
      `${gaps.length} image${gaps.length === 1 ? " lacks" : "s lack"} a requested platform (--strict-platforms):\n` +
        gaps.map((gap) => `  ${gap.image}: no ${gap.missing.join(", ")} (it has ${gap.available.join(", ") || "no platform"})`).join("\n"),
    );
  }
}
