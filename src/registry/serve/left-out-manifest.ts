import { isDigest } from "../../oci/digest.ts";
import type { RegistryStorage } from "./registry-storage.ts";

interface IndexChild {
  readonly digest?: string;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
}

/**
 * Why a manifest the repository lacks is asked for: an index kept byte for byte names children
 * of every platform, while only the mirrored ones are stored. When `digest` is such a left-out
 * child, a sentence that says which platform it is and which ones the registry holds; else undefined.
 */
export async function explainLeftOutManifest(storage: RegistryStorage, name: string, digest: string): Promise<string | undefined> {
  const revisions = `repositories/${name}/_manifests/revisions/sha256`;
  for (const hex of (await storage.list(revisions)) ?? []) {
    const indexDigest = `sha256:${hex}`;
    if (!isDigest(indexDigest)) continue;
    const children = await indexChildren(storage, hex);
    const child = children?.find((candidate) => candidate.digest === digest);
    if (!children || !child) continue;
    const held: string[] = [];
    for (const other of children) {
      if (!other.digest || !isDigest(other.digest) || !other.platform) continue;
      if ((await storage.size(`${revisions}/${other.digest.slice("sha256:".length)}/link`)) !== undefined) held.push(platformName(other.platform));
    }
    return (
      `${name}@${digest} is the ${child.platform ? platformName(child.platform) : "unknown-platform"} manifest of index ${indexDigest}; ` +
      `this registry holds that image for ${held.join(", ") || "no platform"} only (the other platforms were not mirrored into it)`
    );
  }
  return undefined;
}

async function indexChildren(storage: RegistryStorage, hex: string): Promise<IndexChild[] | undefined> {
  const bytes = await storage.readSmall(`blobs/sha256/${hex.slice(0, 2)}/${hex}/data`);
  if (!bytes || bytes.length > 4 * 1024 * 1024) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { manifests?: unknown };
    return Array.isArray(parsed.manifests) ? (parsed.manifests as IndexChild[]) : undefined;
  } catch {
    return undefined;
  }
}

function platformName(platform: NonNullable<IndexChild["platform"]>): string {
  return [platform.os ?? "unknown", platform.architecture ?? "unknown", ...(platform.variant ? [platform.variant] : [])].join("/");
}
