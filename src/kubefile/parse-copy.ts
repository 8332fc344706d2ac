import type { CopyInstruction } from "./instruction.ts";
import {
  expandRequired,
  failAt,
  failAtKeyword,
  listArguments,
  located,
  type InstructionContext,
} from "./instruction-context.ts";

const FLAG = /^--[^\s=]*/;

/** COPY and ADD: `<src>... <dest>` or `["<src>", ..., "<dest>"]`; every source is kept. */
export function parseCopy(context: InstructionContext): CopyInstruction {
  const kind = context.keyword === "ADD" ? "ADD" : "COPY";
  const flag = FLAG.exec(context.args);
  if (flag) {
    // Silently dropping --chown or --from would build something else than what was asked.
    failAt(context, 0, `Unsupported flag "${flag[0]}" for ${kind}: flags are not supported in a Kubefile`);
  }

  const words = listArguments(context);
  const destination = words.at(-1);
  if (words.length < 2 || !destination) {
    failAtKeyword(context, `${kind} requires at least one source and a destination`);
  }
  return {
    kind,
    sources: words.slice(0, -1).map((word) => expandRequired(context, word, "Source")),
    destination: expandRequired(context, destination, "Destination"),
    ...located(context),
  };
}
