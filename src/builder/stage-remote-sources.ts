import { mkdir } from "node:fs/promises";
import { join, posix } from "node:path";
import * as tar from "tar";
import { detectCompression } from "../util/open-decompressed.ts";
import type { SourceLocation } from "../util/source-location.ts";
import { BuildError } from "./build-error.ts";

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Download `url` into `directory`, named after the last path segment; fails on any non-2xx answer. */
export async function downloadSource(url: string, directory: string, location: SourceLocation): Promise<string> {
  const name = posix.basename(new URL(url).pathname) || "download";
  await mkdir(directory, { recursive: true });
  const target = join(directory, name);
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow" });
  } catch (error) {
    throw new BuildError(location, `Cannot download "${url}": ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new BuildError(location, `Cannot download "${url}": the server answered ${response.status} ${response.statusText}`);
  }
  await Bun.write(target, response);
  return name;
}

/** Whether a file is a tar archive (plain or gzip-compressed) that ADD unpacks. */
export async function isTarArchive(path: string): Promise<boolean> {
  const head = await Bun.file(path).slice(0, 512).bytes();
  if (detectCompression(head) === "gzip") return true;
  return new TextDecoder().decode(head.subarray(257, 262)) === "ustar";
}

/** Unpack an archive for ADD; node-tar already refuses absolute paths and "..". */
export async function extractArchive(archive: string, directory: string, location: SourceLocation): Promise<void> {
  await mkdir(directory, { recursive: true });
  try {
    await tar.x({ file: archive, cwd: directory, chmod: true, processUmask: 0, strict: true });
  } catch (error) {
    throw new BuildError(location, `Cannot unpack "${posix.basename(archive)}": ${(error as Error).message}`, { cause: error });
  }
}
