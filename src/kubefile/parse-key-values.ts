import type { KeyValue } from "./instruction.ts";
import {
  argumentsAsOneWord,
  argumentWords,
  expand,
  failAt,
  failAtKeyword,
  offsetAfter,
  type Argument,
  type InstructionContext,
} from "./instruction-context.ts";
import { splitKeyValue } from "./split-key-value.ts";

export interface KeyValueOptions {
  /** Where the pairs start in the arguments (APPENV has the app name first). */
  readonly from?: number;
  /** Accept Docker's legacy `KEY value with spaces` when the first word has no `=` (ENV, LABEL). */
  readonly legacyForm: boolean;
  /** Message when there are no pairs at all. */
  readonly missingMessage: string;
  /** Rejects a key, after expansion, by throwing. */
  readonly checkKey?: (key: string, argument: Argument) => void;
}

/**
 * `KEY=VALUE ...` with shell quoting and expansion on both sides. All pairs are expanded with
 * the variables from before the instruction, as Docker does (`ENV a=1 b=$a` does not see the new `a`).
 */
export function parseKeyValues(context: InstructionContext, options: KeyValueOptions): KeyValue[] {
  const words = argumentWords(context, { from: options.from });
  const [first] = words;
  if (!first) failAtKeyword(context, options.missingMessage);
  if (options.legacyForm && !splitKeyValue(first.parts)) return [parseLegacyPair(context, first, options)];
  return words.map((word) => parsePair(context, word, options));
}

function parsePair(context: InstructionContext, word: Argument, options: KeyValueOptions): KeyValue {
  const pair = splitKeyValue(word.parts);
  if (!pair) failAt(context, word.start, `Missing "=" in "${word.written}": write KEY=VALUE`);
  const key = expandKey(context, { ...word, parts: pair.key }, options);
  return [key, expand(context, { ...word, parts: pair.value })];
}

/** `KEY value with spaces`: everything after the first word is the value. */
function parseLegacyPair(context: InstructionContext, first: Argument, options: KeyValueOptions): KeyValue {
  const key = expandKey(context, first, options);
  const value = argumentsAsOneWord(context, offsetAfter(context, first));
  if (!value) {
    const example = `${context.keyword} ${first.written}=<value>`;
    failAt(context, first.start, `Missing value for "${first.written}": write ${example}`);
  }
  return [key, expand(context, value)];
}

function expandKey(context: InstructionContext, argument: Argument, options: KeyValueOptions): string {
  const key = expand(context, argument);
  if (key === "") failAt(context, argument.start, `Empty key in "${argument.written}"`);
  options.checkKey?.(key, argument);
  return key;
}
