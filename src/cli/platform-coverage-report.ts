import { describeImageGap, type ImagePlatformGap } from "../builder/platform-gaps.ts";
import type { PlatformCoverage } from "../mirror/platform-coverage.ts";
import { formatTable } from "./output.ts";

/**
 * The end of a mirroring run on stderr: a table (image × requested platform, ✔/✘) of the images
 * that lack a platform, and one warning per such image. Silent when one platform was requested
 * and every image has it.
 */
export function printPlatformCoverage(
  coverage: PlatformCoverage,
  gaps: readonly ImagePlatformGap[] = coverage.gaps.map((gap) => ({ ...gap, usedBy: [] })),
  stream: NodeJS.WritableStream = process.stderr,
): void {
  const { requested, images } = coverage;
  if (images.length === 0) return;
  if (gaps.length === 0) {
    const every = images.length === 1 ? "the image has" : `all ${images.length} images have`;
    if (requested.length > 1) stream.write(`Platforms: ${every} ${requested.join(", ")}\n`);
    return;
  }
  const lacking = new Set(gaps.map((gap) => gap.image));
  const rows = images.filter((image) => lacking.has(image.image)).map((image) => [image.image, ...requested.map((platform) => (image.platforms[platform] ? "✔" : "✘"))]);
  const complete = images.length - rows.length;
  stream.write(`\nPlatforms: ${rows.length} of ${count(images.length, "image")} lack${rows.length === 1 ? "s" : ""} a requested platform\n`);
  stream.write(`${formatTable(["IMAGE", ...requested], rows)}\n`);
  if (complete > 0) stream.write(`(${count(complete, "other image")} ${complete === 1 ? "has" : "have"} every requested platform)\n`);
  for (const gap of gaps) stream.write(`warning: ${describeImageGap(gap)}\n`);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
