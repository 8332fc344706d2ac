/** How a mirror tells the outside world about its progress; only the CLI renders it. */
export interface MirrorReporter {
  /** An image's manifests are known: how many bytes of blobs it still needs. */
  imageResolved(image: string, bytesToFetch: number): void;
  /** New bytes arrived for an image. */
  progress(image: string, bytes: number): void;
  imageDone(image: string): void;
  log(message: string): void;
}

export const silentMirrorReporter: MirrorReporter = {
  imageResolved() {},
  progress() {},
  imageDone() {},
  log() {},
};
