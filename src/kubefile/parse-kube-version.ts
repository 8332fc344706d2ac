import { validRange } from "semver";
import type { KubeVersionInstruction } from "./instruction.ts";
import {
  argumentsAsOneWord,
  expand,
  failAt,
  failAtKeyword,
  located,
  type InstructionContext,
} from "./instruction-context.ts";

/** `KUBEVERSION <semver range>`, e.g. `>=1.22 <1.28` or `v1.27.3` (semver accepts the "v"). */
export function parseKubeVersion(context: InstructionContext): KubeVersionInstruction {
  const argument = argumentsAsOneWord(context);
  if (!argument) failAtKeyword(context, 'KUBEVERSION requires a version constraint, e.g. ">=1.22"');
  const constraint = expand(context, argument).trim();
  // validRange("") is "*", which would accept an empty or undefined variable silently.
  if (constraint === "" || validRange(constraint) === null) {
    failAt(
      context,
      argument.start,
      `Invalid Kubernetes version constraint "${constraint}": use a semver range such as ">=1.22" or "v1.27.3"`,
    );
  }
  return { kind: "KUBEVERSION", constraint, ...located(context) };
}
