import { describeImageGap, gapsOfPlatform, parsePlatformGaps } from "../builder/platform-gaps.ts";
import { formatPlatform } from "../oci/platform.ts";
import type { PlatformImage } from "../store/read-image.ts";

/** One warning per container image of the cluster image that nodes of this platform cannot run. */
export function platformGapWarnings(image: PlatformImage, where: string): string[] {
  const platform = formatPlatform(image.platform);
  return gapsOfPlatform(parsePlatformGaps(image.manifest.annotations), platform).map(
    (gap) => `warning: ${where}: ${describeImageGap(gap, platform)}`,
  );
}
