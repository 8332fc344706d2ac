import { rootfsAssets, type RootfsAssetName } from "./assets.ts";

const PLACEHOLDER = /@@([A-Z0-9_]+)@@/g;

/**
 * An asset with its `@@NAME@@` placeholders replaced by `values`. Every placeholder must have a
 * value (a forgotten one would ship a broken file), so an unknown one throws. The `@@` syntax
 * leaves `{{ … }}` alone: those are Go template actions rendered at install time.
 */
export function renderAsset(name: RootfsAssetName, values: Readonly<Record<string, string>>): string {
  return rootfsAssets[name].replace(PLACEHOLDER, (_match: string, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Asset ${name} has a placeholder @@${key}@@ with no value`);
    return value;
  });
}
