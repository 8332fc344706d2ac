/**
 * Seeding shared by the benchmarks: multi-arch images (odd ones OCI indexes, even ones Docker
 * manifest lists) of random, incompressible layers, written as an OCI layout and pushed to a
 * registry with skopeo; then what the registry holds is read back (the v2s2 conversion gives
 * new digests).
 */
import { join } from "node:path";
import { imageManifest, MEDIA, OciLayoutWriter, type BlobRef } from "./_oci-layout.ts";
import { inParallel, log, MiB, removeTree, run, type NumberOption } from "./_support.ts";

export const PLATFORMS = ["amd64", "arm64"] as const;
/** Every seeded platform, as `lade mirror --platform` takes them. */
export const PLATFORM_LIST = PLATFORMS.map((arch) => `linux/${arch}`).join(",");

export const ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(", ");

/** How much to seed: the total payload, the number of images, the layers per platform image. */
export interface SeedSize {
  readonly sizeMib: number;
  readonly images: number;
  readonly layers: number;
}

/** --size-mib, --images and --layers, the same in every benchmark that seeds with seedBenchImages. */
export function seedSizeOptions(minImages: number): Record<keyof SeedSize, NumberOption> {
  return {
    sizeMib: { default: 1024, min: 1 },
    images: { default: 10, min: minImages },
    layers: { default: 3, min: 1 },
  };
}

/** One image as seeded, and what the registry says it consists of. */
export interface SeededImage {
  readonly name: string;
  readonly kind: "oci-index" | "docker-list";
  topDigest: string;
  readonly manifests: Map<string, number>;
  readonly blobs: Map<string, number>;
}

export interface ManifestJson {
  mediaType?: string;
  manifests?: { digest: string }[];
  config?: { digest: string; size: number };
  layers?: { digest: string; size: number }[];
}

export async function seedBenchImages(work: string, host: string, options: SeedSize): Promise<SeededImage[]> {
  const layout = new OciLayoutWriter(join(work, "seed-layout"));
  // One payload (config and layers) per image and platform, all of the same size.
  const payloads = options.images * PLATFORMS.length;
  const perPayload = Math.floor((options.sizeMib * MiB) / payloads);
  const weights = Array.from({ length: options.layers }, (_, index) => options.layers - index);
  const weightSum = weights.reduce((a, b) => a + b, 0);

  const putPlatformImage = (name: string, arch: string): BlobRef => {
    const layers = weights.map((weight, index) => layout.putRandomLayer(`${name}/${arch}/layer${index}`, Math.floor((perPayload * weight) / weightSum)));
    const config = layout.putJson({
      architecture: arch,
      os: "linux",
      config: { Env: ["PATH=/usr/bin:/bin"], Labels: { "lade.bench": `${name}/${arch}` } },
      rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.diffId) },
      history: layers.map(() => ({ created_by: "scripts/bench" })),
    });
    return layout.putJson(imageManifest(config, layers.map((layer) => ({ ...layer, mediaType: MEDIA.ociLayerGzip }))));
  };

  const images: SeededImage[] = [];
  for (let number = 1; number <= options.images; number++) {
    const name = `bench/img${number}`;
    const kind: SeededImage["kind"] = number % 2 === 1 ? "oci-index" : "docker-list";
    const children = PLATFORMS.map((arch) => ({ arch, manifest: putPlatformImage(name, arch) }));
    const index = layout.putJson({
      schemaVersion: 2,
      mediaType: MEDIA.ociIndex,
      manifests: children.map(({ arch, manifest }) => ({ mediaType: MEDIA.ociManifest, ...manifest, platform: { os: "linux", architecture: arch } })),
    });
    layout.addRef(`img${number}`, MEDIA.ociIndex, index);
    images.push({ name, kind, topDigest: "", manifests: new Map(), blobs: new Map() });
  }
  layout.finish();
  log(`wrote the seed layout (${options.images} images), pushing with skopeo`);

  await inParallel(images, 2, async (image) => {
    const args = ["skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false"];
    if (image.kind === "docker-list") args.push("--format", "v2s2"); // converts the index into a manifest list
    await run([...args, `oci:${layout.dir}:${image.name.split("/")[1]}`, `docker://${host}/${image.name}:v1`]);
  });
  removeTree(layout.dir); // the registry has its own copy

  for (const image of images) {
    const top = await getManifest(host, image.name, "v1");
    image.topDigest = top.digest;
    image.manifests.set(top.digest, top.bytes.length);
    const expectedType = image.kind === "oci-index" ? MEDIA.ociIndex : MEDIA.dockerList;
    if (top.mediaType !== expectedType) throw new Error(`${image.name}: the registry holds a ${top.mediaType}, expected ${expectedType}`);
    const children = top.json.manifests ? top.json.manifests.map((child) => child.digest) : [];
    for (const manifest of children.length > 0 ? await Promise.all(children.map((digest) => getManifest(host, image.name, digest))) : [top]) {
      image.manifests.set(manifest.digest, manifest.bytes.length);
      for (const blob of [manifest.json.config!, ...manifest.json.layers!]) image.blobs.set(blob.digest, blob.size);
    }
  }
  return images;
}

export async function getManifest(host: string, repository: string, reference: string): Promise<{ digest: string; mediaType: string; bytes: Uint8Array; json: ManifestJson }> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, { headers: { Accept: ACCEPT } });
  if (!response.ok) throw new Error(`GET manifest ${repository}:${reference} answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
  const json = JSON.parse(new TextDecoder().decode(bytes)) as ManifestJson;
  return { digest, mediaType: response.headers.get("content-type") ?? json.mediaType ?? "", bytes, json };
}

/** One GET of a pull: a path and the bytes it must give. */
export interface PullFetch {
  readonly path: string;
  readonly size: number;
  readonly digest?: string;
}

/** What a full pull of every image GETs: the tag, every manifest by digest, every blob. */
export function pullPlan(images: readonly SeededImage[]): PullFetch[] {
  const plan: PullFetch[] = [];
  for (const image of images) {
    plan.push({ path: `/v2/${image.name}/manifests/v1`, size: image.manifests.get(image.topDigest)!, digest: image.topDigest });
    for (const [digest, size] of image.manifests) plan.push({ path: `/v2/${image.name}/manifests/${digest}`, size, digest });
    for (const [digest, size] of image.blobs) plan.push({ path: `/v2/${image.name}/blobs/${digest}`, size, digest });
  }
  // largest first, so the last requests are not one big blob alone
  return plan.sort((a, b) => b.size - a.size);
}
