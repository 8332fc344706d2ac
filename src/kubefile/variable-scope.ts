import type { KubefileParseOptions } from "./instruction.ts";

/**
 * The variables visible while parsing: built-ins from the target platform, then ENV, then ARG,
 * which is Docker's precedence (an ENV hides an ARG of the same name).
 */
export class VariableScope {
  readonly #builtins: ReadonlyMap<string, string>;
  readonly #buildArgs: Readonly<Record<string, string>>;
  readonly #args = new Map<string, string>();
  readonly #env = new Map<string, string>();

  constructor(options: Pick<KubefileParseOptions, "buildArgs" | "platform">) {
    this.#builtins = platformVariables(options.platform);
    this.#buildArgs = options.buildArgs ?? {};
  }

  lookup(name: string): string | undefined {
    return this.#builtins.get(name) ?? this.#env.get(name) ?? this.#args.get(name);
  }

  isBuiltin(name: string): boolean {
    return this.#builtins.has(name);
  }

  /**
   * Declares an ARG and returns its value: the platform's for a built-in (neither a default
   * nor a build arg can change ARCH), else the build arg, else the default, else an earlier value.
   */
  declareArg(name: string, defaultValue: string | undefined): string | undefined {
    const builtin = this.#builtins.get(name);
    if (builtin !== undefined) return builtin;
    const value = Object.hasOwn(this.#buildArgs, name) ? this.#buildArgs[name] : (defaultValue ?? this.#args.get(name));
    if (value !== undefined) this.#args.set(name, value);
    return value;
  }

  setEnv(name: string, value: string): void {
    this.#env.set(name, value);
  }
}

function platformVariables(platform: KubefileParseOptions["platform"]): ReadonlyMap<string, string> {
  const variant = platform.variant ?? "";
  const parts = [platform.os, platform.architecture, ...(variant ? [variant] : [])];
  return new Map([
    ["ARCH", platform.architecture],
    ["TARGETARCH", platform.architecture],
    ["TARGETOS", platform.os],
    ["TARGETPLATFORM", parts.join("/")],
    ["TARGETVARIANT", variant],
  ]);
}
