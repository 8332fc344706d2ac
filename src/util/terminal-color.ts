/**
 * Whether output to STREAM may carry colour: FORCE_COLOR (not "0") says yes, NO_COLOR (any value,
 * as no-color.org has it) says no, else only a terminal gets it — so `lade build --help | less`
 * shows text, not escape codes.
 */
export function colorWanted(stream: { readonly isTTY?: boolean }, env: Record<string, string | undefined> = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return Boolean(stream.isTTY);
}

/** TEXT without its ANSI colour and style sequences. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
