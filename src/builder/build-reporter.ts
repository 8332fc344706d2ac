/** How the build tells the outside world what it is doing; only the CLI prints. */
export interface BuildReporter {
  /** A build step or notable event, one line. */
  log(message: string): void;
  /** Output of a RUN command, as it comes. */
  output(text: string): void;
  /**
   * Bytes of layer `key` written so far, of about how many (its tar); done === total at its end.
   * Several layers may be written at once (the registry's blob layers).
   */
  layerBytes?(key: string, done: number, total: number): void;
}

export const silentReporter: BuildReporter = { log() {}, output() {} };
