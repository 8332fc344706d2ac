import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** Unpack an image from an OCI layout with umoci, an independent implementation of the spec. */
export async function umociUnpack(layout: string, refName: string, target: string): Promise<string> {
  const child = Bun.spawn(["umoci", "unpack", "--rootless", "--image", `${layout}:${refName}`, target], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = await new Response(child.stderr).text();
  if ((await child.exited) !== 0) throw new Error(`umoci unpack failed: ${stderr}`);
  return join(target, "rootfs");
}

export function hasUmoci(): boolean {
  return Bun.which("umoci") !== null;
}

/** path → "dir 755" | "file 644 <content>" | "link -> target", for whole-tree comparisons. */
export function describeTree(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const info = lstatSync(join(root, path));
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) result[path] = `link -> ${readlinkSync(join(root, path))}`;
      else if (info.isDirectory()) {
        result[path] = `dir ${mode}`;
        walk(path);
      } else result[path] = `file ${mode} ${readFileSync(join(root, path), "utf8")}`;
    }
  };
  walk("");
  return result;
}

/** umoci cannot pick a platform from an index: name one platform's manifest and unpack that. */
export async function umociUnpackManifest(layout: string, manifestDigest: string, target: string): Promise<string> {
  const { OciStore } = await import("../../src/store/oci-store.ts");
  const store = await OciStore.open(layout);
  const digest = manifestDigest as `sha256:${string}`;
  const name = `docker.io/library/unpack-${digest.slice(7, 19)}:1`;
  await store.tag(name, { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: (await store.blobSize(digest))! });
  return umociUnpack(layout, name, target);
}
