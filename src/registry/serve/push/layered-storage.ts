import type { RegistryStorage } from "../registry-storage.ts";

/**
 * Storage read through layers, the first one first: what was pushed over what the image holds.
 * A file is the first layer's that has it (a pushed tag shadows the image's of the same name);
 * a folder lists what any layer has in it.
 */
export function layeredStorage(layers: readonly RegistryStorage[]): RegistryStorage {
  const first = async <T>(read: (layer: RegistryStorage) => Promise<T | undefined>): Promise<[RegistryStorage, T] | undefined> => {
    for (const layer of layers) {
      const found = await read(layer);
      if (found !== undefined) return [layer, found];
    }
    return undefined;
  };
  // which layer answered size() for a path, so body() reads that file: the paths are blobs, the
  // same bytes in whichever layer has them, and no layer ever loses one
  const owners = new Map<string, RegistryStorage>();
  return {
    async readSmall(path) {
      return (await first((layer) => layer.readSmall(path)))?.[1];
    },
    async size(path) {
      const found = await first((layer) => layer.size(path));
      if (found) owners.set(path, found[0]);
      return found?.[1];
    },
    body(path, start, end) {
      return (owners.get(path) ?? layers[0]!).body(path, start, end);
    },
    async list(path) {
      const all = await Promise.all(layers.map((layer) => layer.list(path)));
      if (all.every((names) => names === undefined)) return undefined;
      return [...new Set(all.flatMap((names) => names ?? []))];
    },
  };
}
