/** What `lade rootfs` tells its user while it works (the CLI prints it; tests collect it). */
export interface RootfsReporter {
  log(message: string): void;
  warn(message: string): void;
  /** A download starts; `bytes` is 0 when the server sends no length. */
  downloadStarted(name: string, bytes: number): void;
  downloadProgress(name: string, bytes: number): void;
  downloadDone(name: string): void;
}

export const silentRootfsReporter: RootfsReporter = {
  log() {},
  warn() {},
  downloadStarted() {},
  downloadProgress() {},
  downloadDone() {},
};
