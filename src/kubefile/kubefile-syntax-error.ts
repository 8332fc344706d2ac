import { UserInputError } from "../util/source-location.ts";

/** A Kubefile that cannot be parsed; the message starts with `file:line:column: `. */
export class KubefileSyntaxError extends UserInputError {
  override name = "KubefileSyntaxError";
}
