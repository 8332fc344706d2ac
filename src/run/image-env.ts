import { parseImageExtension } from "../builder/image-extension.ts";
import type { PlatformImage } from "../store/read-image.ts";

/**
 * The image's env as a map: its config's `Env` (Kubefile ENV, `K=V` split at the first `=`) over
 * the extension's `env`, where a sealer image keeps it.
 */
export function imageEnvOf(platform: PlatformImage): Record<string, string> {
  return {
    ...parseImageExtension(platform.manifest.annotations)?.env,
    ...Object.fromEntries((platform.config.config.Env ?? []).map((variable) => [variable.slice(0, variable.indexOf("=")), variable.slice(variable.indexOf("=") + 1)])),
  };
}
