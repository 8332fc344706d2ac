import { UsageError } from "./global-options.ts";

/** Values of an option that may be given several times (citty keeps only the last one). */
export function repeatedOption(rawArgs: readonly string[], name: string, ...aliases: string[]): string[] {
  const values: string[] = [];
  const longNames = [name, ...aliases.filter((alias) => alias.length > 1)];
  const flags = [...longNames.map((long) => `--${long}`), ...aliases.filter((alias) => alias.length === 1).map((short) => `-${short}`)];
  for (let index = 0; index < rawArgs.length; index++) {
    const arg = rawArgs[index]!;
    if (arg === "--") break;
    if (flags.includes(arg)) {
      const value = rawArgs[++index];
      if (value === undefined) throw new UsageError(`Option "${arg}" needs a value`);
      values.push(value);
    } else {
      const long = longNames.find((candidate) => arg.startsWith(`--${candidate}=`));
      if (long) values.push(arg.slice(long.length + 3));
    }
  }
  return values;
}

/** Parse repeated KEY=VALUE options into a record; later ones win. */
export function keyValueOptions(rawArgs: readonly string[], name: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of repeatedOption(rawArgs, name)) {
    const equals = value.indexOf("=");
    if (equals <= 0) throw new UsageError(`Option "--${name}" needs KEY=VALUE: got "${value}"`);
    result[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return result;
}
