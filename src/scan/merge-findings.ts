import type { FoundImage, ImageSource, ScanFindings } from "./image-source.ts";

/** One image with every place it was found: the JSON shape of `lade scan --json`. */
export interface ScannedImage {
  readonly image: string;
  readonly sources: readonly ImageSource[];
}

export interface ScanReport {
  readonly images: readonly ScannedImage[];
  readonly candidates: readonly ScannedImage[];
}

/**
 * Group findings by image, sorted, sources de-duplicated and sorted; an image that is certain is
 * not also listed as a candidate; ignored images are dropped from both lists.
 */
export function mergeFindings(findings: ScanFindings, isIgnored: (image: string) => boolean = () => false): ScanReport {
  const images = group(findings.images.filter((found) => !isIgnored(found.image)));
  const certain = new Set(images.map((entry) => entry.image));
  const candidates = group(findings.candidates.filter((found) => !certain.has(found.image) && !isIgnored(found.image)));
  return { images, candidates };
}

function group(found: readonly FoundImage[]): ScannedImage[] {
  const byImage = new Map<string, Map<string, ImageSource>>();
  for (const { image, source } of found) {
    let sources = byImage.get(image);
    if (!sources) byImage.set(image, (sources = new Map()));
    sources.set(JSON.stringify(source), source);
  }
  return [...byImage.keys()].sort().map((image) => ({
    image,
    sources: [...byImage.get(image)!.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, source]) => source),
  }));
}
