import { describeGap, type PlatformGap } from "../mirror/platform-coverage.ts";
import { describeImageUser } from "../scan/describe-image-source.ts";
import type { ImageSource } from "../scan/image-source.ts";
import { parseJsonAnnotation } from "./image-extension.ts";

/**
 * Container images of a cluster image's registry that lack some of its platforms, with where
 * discovery found them. On every platform manifest, so `lade inspect` and `lade run` can tell
 * which nodes cannot run what.
 */
export const PLATFORM_GAPS_ANNOTATION = "lade.image.platform-gaps";

export interface ImagePlatformGap extends PlatformGap {
  /** Where discovery found the image: the workloads that use it, or the image list that names it. */
  readonly usedBy: readonly ImageSource[];
}

export function parsePlatformGaps(annotations: Readonly<Record<string, string>> | undefined): ImagePlatformGap[] {
  return parseJsonAnnotation<ImagePlatformGap[]>(annotations, PLATFORM_GAPS_ANNOTATION) ?? [];
}

/** The gaps that concern nodes of one platform ("linux/arm64"). */
export function gapsOfPlatform(gaps: readonly ImagePlatformGap[], platform: string): ImagePlatformGap[] {
  return gaps.filter((gap) => gap.missing.includes(platform));
}

/** The gaps of the base and of this build, one per image (this build's entry wins). */
export function mergePlatformGaps(inherited: readonly ImagePlatformGap[], own: readonly ImagePlatformGap[]): ImagePlatformGap[] {
  const byImage = new Map<string, ImagePlatformGap>();
  for (const gap of [...inherited, ...own]) byImage.set(gap.image, gap);
  return [...byImage.values()].sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
}

/** `image X has no linux/arm64: arm64 nodes cannot run it (used by DaemonSet/agent (manifests/agent.yaml:4))`. */
export function describeImageGap(gap: ImagePlatformGap, platform?: string): string {
  const text = describeGap(platform ? { image: gap.image, missing: [platform] } : gap);
  const users = [...new Set(gap.usedBy.map(describeImageUser))];
  return users.length > 0 ? `${text} (used by ${users.join(", ")})` : text;
}
