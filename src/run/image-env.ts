import type { PlatformImage } from "../store/read-image.ts";

/** The image's `Env` (Kubefile ENV) as a map: `K=V` entries split at the first `=`. */
export function imageEnvOf(platform: PlatformImage): Record<string, string> {
  return Object.fromEntries(
    (platform.config.config.Env ?? []).map((variable) => [variable.slice(0, variable.indexOf("=")), variable.slice(variable.indexOf("=") + 1)]),
  );
}
