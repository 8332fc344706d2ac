/** What lade's exit status means; scripts rely on these. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** Done, but not all of it: what was asked to be left out when it failed (--skip-missing) was left out. */
export const EXIT_PARTIAL = 3;

/** End the command with EXIT_PARTIAL, saying why on stderr (its output stays as it is). */
export function exitPartial(reason: string): void {
  process.stderr.write(`lade: partial: ${reason} (exit status ${EXIT_PARTIAL})\n`);
  process.exitCode = EXIT_PARTIAL;
}
