import type { GoMap } from "../template/go-value.ts";
import { mergeValueMaps, newMap } from "./coalesce-values.ts";
import { parseSetValues, SetValuesError } from "./parse-set-values.ts";
import { parseValuesYaml } from "./parse-values-yaml.ts";

/** What the user gave on the command line, in the order given within each kind. */
export interface UserValueSources {
  /** `-f FILE` contents; `name` is shown in errors. */
  readonly valueFiles?: readonly { readonly name: string; readonly text: string }[];
  readonly setJson?: readonly string[];
  readonly set?: readonly string[];
  readonly setString?: readonly string[];
}

/** A `--set…` option that cannot be parsed, naming the option and its text. */
export class SetOptionError extends SyntaxError {
  override name = "SetOptionError";
}

/**
 * The user's values as Helm builds them (pkg/cli/values.Options.MergeValues): the `-f` files
 * merged in order (later wins, maps merged), then every `--set-json`, then every `--set`, then
 * every `--set-string`, each parsed into the result so far — whatever order the options had.
 *
 * @throws {ValuesError} when a values file is not YAML or not a map
 * @throws {SetOptionError} when a `--set…` option cannot be parsed
 */
export function mergeUserValues(sources: UserValueSources): GoMap {
  let values = newMap();
  for (const file of sources.valueFiles ?? []) values = mergeValueMaps(values, parseValuesYaml(file.text, file.name));
  const apply = (option: string, texts: readonly string[] | undefined, mode: "typed" | "string" | "json") => {
    for (const text of texts ?? []) {
      try {
        parseSetValues(text, values, { mode });
      } catch (error) {
        if (!(error instanceof SetValuesError)) throw error;
        throw new SetOptionError(`Cannot parse ${option} "${text}": ${error.message}`, { cause: error });
      }
    }
  };
  apply("--set-json", sources.setJson, "json");
  apply("--set", sources.set, "typed");
  apply("--set-string", sources.setString, "string");
  return values;
}
