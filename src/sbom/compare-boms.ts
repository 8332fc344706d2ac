import { flattenComponents, type CycloneDxBom, type CycloneDxComponent } from "./cyclonedx.ts";

/** What differs between two SBOMs, component by component (by bom-ref: platform, kind, path or reference). Pure. */
export interface BomChanges {
  readonly added: readonly BomEntry[];
  readonly removed: readonly BomEntry[];
  readonly changed: readonly { readonly ref: string; readonly old: string; readonly new: string; readonly type: CycloneDxComponent["type"] }[];
}

export interface BomEntry {
  readonly ref: string;
  readonly type: CycloneDxComponent["type"];
  /** "kubeadm v1.28.15 sha256:0a1b2c3d4e5f", as the changes print it. */
  readonly summary: string;
}

export function compareBoms(older: CycloneDxBom, newer: CycloneDxBom): BomChanges {
  const before = flattenComponents([older.metadata.component, ...older.components]);
  const after = flattenComponents([newer.metadata.component, ...newer.components]);
  const entry = (ref: string, component: CycloneDxComponent): BomEntry => ({ ref, type: component.type, summary: summarize(component) });
  const added = [...after].filter(([ref]) => !before.has(ref)).map(([ref, component]) => entry(ref, component));
  const removed = [...before].filter(([ref]) => !after.has(ref)).map(([ref, component]) => entry(ref, component));
  const changed = [];
  for (const [ref, component] of after) {
    const old = before.get(ref);
    if (old && JSON.stringify(old) !== JSON.stringify(component)) changed.push({ ref, type: component.type, old: summarize(old), new: summarize(component) });
  }
  return { added, removed, changed };
}

export function hasChanges(changes: BomChanges): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length > 0;
}

function summarize(component: CycloneDxComponent): string {
  const hash = component.hashes?.[0]?.content;
  const extra = (component.properties ?? []).filter((property) => property.name === "lade:platform").map((property) => property.value);
  return [component.name, component.version, hash ? `sha256:${hash.slice(0, 12)}` : undefined, extra.length > 0 ? `(${extra.join(", ")})` : undefined].filter(Boolean).join(" ");
}
