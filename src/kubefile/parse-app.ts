import type { AppInstruction } from "./instruction.ts";
import {
  argumentWords,
  expandRequired,
  failAt,
  failAtKeyword,
  located,
  type Argument,
  type InstructionContext,
} from "./instruction-context.ts";
import { expandAppName } from "./expand-app-name.ts";

const LOCAL_SCHEME = "local://";
const REMOTE_SCHEMES = ["http://", "https://"];

/** APP, CNI and CSI: `<name> <source>...` with `local://`, `http://` or `https://` sources. */
export function parseApp(context: InstructionContext): AppInstruction {
  const kind = context.keyword === "CNI" || context.keyword === "CSI" ? context.keyword : "APP";
  const [name, ...sources] = argumentWords(context);
  if (!name || sources.length === 0) failAtKeyword(context, `${kind} requires a name and at least one source`);
  return {
    kind,
    name: expandAppName(context, name),
    sources: sources.map((source) => expandSource(context, source)),
    ...located(context),
  };
}

function expandSource(context: InstructionContext, argument: Argument): string {
  const source = expandRequired(context, argument, "Source");
  const lower = source.toLowerCase();
  if (lower.startsWith(LOCAL_SCHEME)) {
    if (source.length === LOCAL_SCHEME.length) failAt(context, argument.start, `Empty path in source "${source}"`);
  } else if (REMOTE_SCHEMES.some((scheme) => lower.startsWith(scheme))) {
    if (!URL.canParse(source)) failAt(context, argument.start, `Invalid URL "${source}"`);
  } else {
    failAt(context, argument.start, `Unsupported source "${source}": use a "local://", "http://" or "https://" URL`);
  }
  return source;
}
