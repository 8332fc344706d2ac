import type { SourceLocation } from "../util/source-location.ts";

/**
 * The typed form of one Kubefile instruction, after variable expansion.
 * Every instruction remembers where it came from so the build can point at it.
 */
export type Instruction =
  | FromInstruction
  | CopyInstruction
  | RunInstruction
  | ArgInstruction
  | EnvInstruction
  | LabelInstruction
  | MaintainerInstruction
  | AppInstruction
  | AppCmdsInstruction
  | AppEnvInstruction
  | KubeVersionInstruction
  | LaunchInstruction
  | CmdsInstruction
  | CmdInstruction;

interface Located {
  readonly location: SourceLocation;
  /** The instruction as written (continuations joined), used in image history and cache keys. */
  readonly text: string;
}

export interface FromInstruction extends Located {
  readonly kind: "FROM";
  /** "scratch" or an image reference as written (after expansion). */
  readonly image: string;
  readonly platform?: string;
}

/** COPY and ADD: several sources (relative to the context, `${ARCH}` expanded) into one destination. */
export interface CopyInstruction extends Located {
  readonly kind: "COPY" | "ADD";
  readonly sources: readonly string[];
  readonly destination: string;
}

export interface RunInstruction extends Located {
  readonly kind: "RUN";
  /** exec form: argv; shell form: one string run with `/bin/sh -c`. Variables are left for the shell. */
  readonly command: readonly string[] | string;
}

export interface ArgInstruction extends Located {
  readonly kind: "ARG";
  readonly name: string;
  readonly defaultValue?: string;
  /**
   * The value in effect after this declaration: the platform's for built-ins (ARCH, TARGET*),
   * else the --build-arg, else the default, else an earlier declaration's; absent when unset.
   */
  readonly value?: string;
}

export type KeyValue = readonly [key: string, value: string];

export interface EnvInstruction extends Located {
  readonly kind: "ENV";
  readonly variables: readonly KeyValue[];
}

export interface LabelInstruction extends Located {
  readonly kind: "LABEL";
  readonly labels: readonly KeyValue[];
}

export interface MaintainerInstruction extends Located {
  readonly kind: "MAINTAINER";
  readonly maintainer: string;
}

/** APP, CNI and CSI: copy sources into `application/apps/<name>/`. CNI/CSI also add a label. */
export interface AppInstruction extends Located {
  readonly kind: "APP" | "CNI" | "CSI";
  readonly name: string;
  /** `local://path` (relative to the context) or `http(s)://…` URLs, as written after expansion. */
  readonly sources: readonly string[];
}

export interface AppCmdsInstruction extends Located {
  readonly kind: "APPCMDS";
  readonly app: string;
  /** Each element is one shell command, run in order in the app's folder. */
  readonly commands: readonly string[];
}

export interface AppEnvInstruction extends Located {
  readonly kind: "APPENV";
  readonly app: string;
  readonly variables: readonly KeyValue[];
}

export interface KubeVersionInstruction extends Located {
  readonly kind: "KUBEVERSION";
  readonly constraint: string;
}

export interface LaunchInstruction extends Located {
  readonly kind: "LAUNCH";
  readonly apps: readonly string[];
}

export interface CmdsInstruction extends Located {
  readonly kind: "CMDS";
  readonly commands: readonly string[];
}

/** Deprecated sealer CMD: the raw shell text becomes one launch command. */
export interface CmdInstruction extends Located {
  readonly kind: "CMD";
  readonly command: string;
}

/** What the parser needs to expand variables: build args and the target platform. */
export interface KubefileParseOptions {
  /** Name shown in errors, e.g. "Kubefile" or the path given with -f. */
  readonly file: string;
  /** Values from --build-arg; only ARGs declared in the Kubefile take effect (as in Docker). */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Target platform, e.g. { os: "linux", architecture: "arm64", variant: "v8" }. */
  readonly platform: { readonly os: string; readonly architecture: string; readonly variant?: string };
}
