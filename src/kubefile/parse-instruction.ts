import type { Instruction } from "./instruction.ts";
import type { InstructionContext } from "./instruction-context.ts";
import type { Keyword } from "./parse-keyword.ts";
import { parseAppCmds } from "./parse-app-cmds.ts";
import { parseAppEnv } from "./parse-app-env.ts";
import { parseApp } from "./parse-app.ts";
import { parseArg } from "./parse-arg.ts";
import { parseCmd } from "./parse-cmd.ts";
import { parseCmds } from "./parse-cmds.ts";
import { parseCopy } from "./parse-copy.ts";
import { parseEnv } from "./parse-env.ts";
import { parseFrom } from "./parse-from.ts";
import { parseKubeVersion } from "./parse-kube-version.ts";
import { parseLabel } from "./parse-label.ts";
import { parseLaunch } from "./parse-launch.ts";
import { parseMaintainer } from "./parse-maintainer.ts";
import { parseRun } from "./parse-run.ts";

const PARSERS: Readonly<Record<Keyword, (context: InstructionContext) => Instruction | Instruction[]>> = {
  FROM: parseFrom,
  COPY: parseCopy,
  ADD: parseCopy,
  RUN: parseRun,
  ARG: parseArg,
  ENV: parseEnv,
  LABEL: parseLabel,
  MAINTAINER: parseMaintainer,
  APP: parseApp,
  CNI: parseApp,
  CSI: parseApp,
  APPCMDS: parseAppCmds,
  APPENV: parseAppEnv,
  KUBEVERSION: parseKubeVersion,
  LAUNCH: parseLaunch,
  CMDS: parseCmds,
  CMD: parseCmd,
};

/** Parses one instruction's arguments; ARG yields one instruction per declared name. */
export function parseInstruction(context: InstructionContext): Instruction[] {
  return [PARSERS[context.keyword](context)].flat();
}
