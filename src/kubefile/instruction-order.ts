import type { SourceLocation } from "../util/source-location.ts";
import { KubefileSyntaxError } from "./kubefile-syntax-error.ts";
import type { Keyword } from "./parse-keyword.ts";

interface Seen {
  readonly keyword: Keyword;
  readonly location: SourceLocation;
}

/**
 * Enforces where instructions may appear: FROM once and first (only ARG before it), LAUNCH or
 * CMDS at most once and last, and never the deprecated CMD together with either.
 */
export class InstructionOrder {
  #first?: Seen;
  #from?: Seen;
  #cmd?: Seen;
  /** The LAUNCH or CMDS seen, after which nothing may come. */
  #last?: Seen;

  /** @throws {KubefileSyntaxError} when `keyword` cannot come at this point */
  check(keyword: Keyword, location: SourceLocation): void {
    const seen = { keyword, location };
    this.#first ??= seen;
    this.#checkNothingAfterLast(seen);
    this.#checkFrom(seen);
    this.#checkLaunch(seen);
  }

  /** @throws {KubefileSyntaxError} when the file has no instructions or no FROM */
  finish(file: string): void {
    if (!this.#first) {
      const start = { file, line: 1, column: 1 };
      throw new KubefileSyntaxError(start, "Empty Kubefile: it needs at least a FROM instruction");
    }
    if (!this.#from) fail(this.#first, "Missing FROM instruction: a Kubefile must have one after its ARG instructions");
  }

  #checkNothingAfterLast(seen: Seen): void {
    if (!this.#last) return;
    const reason = `${this.#last.keyword} must be the last instruction`;
    fail(seen, `Cannot use ${seen.keyword} after ${describe(this.#last)}: ${reason}`);
  }

  #checkFrom(seen: Seen): void {
    if (seen.keyword !== "FROM") {
      if (!this.#from && seen.keyword !== "ARG") {
        fail(seen, `Cannot use ${seen.keyword} before FROM: only ARG may come before FROM`);
      }
      return;
    }
    if (this.#from) {
      fail(seen, `Cannot use a second FROM (first on line ${this.#from.location.line}): multi-stage builds are not supported`);
    }
    this.#from = seen;
  }

  /** LAUNCH and CMDS replace the deprecated CMD lines; mixing them would leave it unclear what runs. */
  #checkLaunch(seen: Seen): void {
    if (seen.keyword === "CMD") this.#cmd ??= seen;
    if (seen.keyword !== "LAUNCH" && seen.keyword !== "CMDS") return;
    if (this.#cmd) {
      fail(seen, `Cannot use ${seen.keyword} together with the deprecated ${describe(this.#cmd)}: use only LAUNCH or CMDS`);
    }
    this.#last = seen;
  }
}

function describe(seen: Seen): string {
  return `${seen.keyword} (line ${seen.location.line})`;
}

function fail(seen: Seen, message: string): never {
  throw new KubefileSyntaxError(seen.location, message);
}
