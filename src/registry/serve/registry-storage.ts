/**
 * Read access to distribution's filesystem storage (`docker/registry/v2/…`), whether it is a
 * folder or the registry folder inside a cluster image. Paths are relative to `docker/registry/v2`.
 */
export interface RegistryStorage {
  /** A small file's bytes (links, manifests), or undefined when it is not there. */
  readSmall(path: string): Promise<Uint8Array | undefined>;
  size(path: string): Promise<number | undefined>;
  /** The bytes from `start` up to `end` (exclusive), streamed; never buffered whole. */
  body(path: string, start: number, end: number): Blob;
  /** Names in a folder, or undefined when the folder is not there. */
  list(path: string): Promise<string[] | undefined>;
}
