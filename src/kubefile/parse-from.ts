import type { FromInstruction } from "./instruction.ts";
import {
  argumentWords,
  expandRequired,
  failAt,
  failAtKeyword,
  located,
  type Argument,
  type InstructionContext,
} from "./instruction-context.ts";
import { splitKeyValue } from "./split-key-value.ts";

/** `FROM [--platform=<platform>] <image>`; one stage only, so no `AS <name>`. */
export function parseFrom(context: InstructionContext): FromInstruction {
  const words = argumentWords(context);
  const flags = leadingFlags(words);
  const platform = parsePlatformFlags(context, flags);
  const [image, ...extra] = words.slice(flags.length);
  if (!image) failAtKeyword(context, 'FROM requires an image or "scratch"');
  const [unexpected] = extra;
  if (unexpected) {
    const message =
      unexpected.written.toUpperCase() === "AS"
        ? 'Cannot name the stage with "AS": a Kubefile has exactly one stage'
        : `Unexpected argument "${unexpected.written}": FROM takes one image`;
    failAt(context, unexpected.start, message);
  }
  return {
    kind: "FROM",
    image: expandRequired(context, image, "Image"),
    ...(platform === undefined ? {} : { platform }),
    ...located(context),
  };
}

function leadingFlags(words: readonly Argument[]): readonly Argument[] {
  const firstOther = words.findIndex((word) => !word.written.startsWith("--"));
  return firstOther < 0 ? words : words.slice(0, firstOther);
}

function parsePlatformFlags(context: InstructionContext, flags: readonly Argument[]): string | undefined {
  let platform: string | undefined;
  for (const flag of flags) {
    const name = flag.written.split("=", 1)[0];
    if (name !== "--platform") {
      failAt(context, flag.start, `Unsupported flag "${name}" for FROM: only "--platform" is allowed`);
    }
    const pair = splitKeyValue(flag.parts);
    if (!pair) failAt(context, flag.start, 'Missing value for flag "--platform": write --platform=<os>/<arch>');
    platform = expandRequired(context, { ...flag, parts: pair.value }, "Platform");
  }
  return platform;
}
