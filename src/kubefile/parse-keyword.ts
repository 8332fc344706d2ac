import type { SourceLocation } from "../util/source-location.ts";
import { KubefileSyntaxError } from "./kubefile-syntax-error.ts";

const KEYWORDS = [
  "FROM",
  "COPY",
  "ADD",
  "RUN",
  "ARG",
  "ENV",
  "LABEL",
  "MAINTAINER",
  "APP",
  "APPCMDS",
  "APPENV",
  "CNI",
  "CSI",
  "KUBEVERSION",
  "LAUNCH",
  "CMDS",
  "CMD",
] as const;

/** A Kubefile instruction keyword, upper-case. */
export type Keyword = (typeof KEYWORDS)[number];

/** Dockerfile instructions that mean nothing for a cluster image; named so the error can say so. */
const DOCKERFILE_ONLY = new Set([
  "WORKDIR",
  "USER",
  "ENTRYPOINT",
  "EXPOSE",
  "VOLUME",
  "SHELL",
  "HEALTHCHECK",
  "ONBUILD",
  "STOPSIGNAL",
]);

/**
 * Recognizes an instruction keyword, in any letter case.
 *
 * @throws {KubefileSyntaxError} for Dockerfile-only instructions and unknown words
 */
export function parseKeyword(word: string, location: SourceLocation): Keyword {
  const upper = word.toUpperCase();
  const keyword = KEYWORDS.find((candidate) => candidate === upper);
  if (keyword) return keyword;
  if (DOCKERFILE_ONLY.has(upper)) {
    throw new KubefileSyntaxError(location, `Instruction "${upper}" is not supported in a Kubefile`);
  }
  throw new KubefileSyntaxError(location, `Unknown instruction "${word}"`);
}
