/** An OCI platform. lade images are always os "linux". */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: "amd64", aarch64: "arm64", x64: "amd64" };

/** Parse "linux/arm64", "linux/arm64/v8" or "arm64" (os defaults to linux). */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split("/");
  if (parts.length === 1 && parts[0]) parts.unshift("linux");
  const [os, architecture, variant, ...rest] = parts;
  if (!os || !architecture || rest.length > 0 || variant === "") {
    throw new TypeError(`Cannot parse platform "${text}": expected OS/ARCH[/VARIANT]`);
  }
  return normalizePlatform({ os, architecture, variant });
}

/** Docker's normalization: arm64 has no variant but "v8"; amd64's "v1" is dropped. */
export function normalizePlatform(platform: Platform): Platform {
  const architecture = ARCH_ALIASES[platform.architecture] ?? platform.architecture;
  let variant = platform.variant;
  if (architecture === "arm64" && variant === "v8") variant = undefined;
  if (architecture === "amd64" && variant === "v1") variant = undefined;
  return variant ? { os: platform.os, architecture, variant } : { os: platform.os, architecture };
}

export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${platform.architecture}`;
  return platform.variant ? `${base}/${platform.variant}` : base;
}

export function platformsEqual(a: Platform, b: Platform): boolean {
  return formatPlatform(normalizePlatform(a)) === formatPlatform(normalizePlatform(b));
}

/** Comma-separated list, de-duplicated, order kept. */
export function parsePlatformList(text: string): Platform[] {
  const seen = new Set<string>();
  const platforms: Platform[] = [];
  for (const item of text.split(",")) {
    if (!item.trim()) continue;
    const platform = parsePlatform(item);
    const key = formatPlatform(platform);
    if (!seen.has(key)) {
      seen.add(key);
      platforms.push(platform);
    }
  }
  if (platforms.length === 0) throw new TypeError(`Cannot parse platform list "${text}": it is empty`);
  return platforms;
}

/** The platform of the running lade binary. */
export function hostPlatform(): Platform {
  return normalizePlatform({ os: "linux", architecture: process.arch });
}
