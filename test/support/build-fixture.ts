import { buildImage, type BuildOptions, type BuiltImage } from "../../src/builder/build-image.ts";
import { normalizeImageReference } from "../../src/oci/image-reference.ts";
import { parsePlatform } from "../../src/oci/platform.ts";
import { OciStore } from "../../src/store/oci-store.ts";

export interface FixtureBuild extends BuiltImage {
  readonly logs: string[];
  readonly output: string;
  /** How many steps were answered from the build cache. */
  readonly cacheHits: number;
}

/** Build through the library (no CLI) and keep what the reporter said. */
export async function buildFixture(
  storeRoot: string,
  contextDir: string,
  options: Partial<Omit<BuildOptions, "tags">> & { tag?: string } = {},
): Promise<FixtureBuild> {
  const store = await OciStore.open(storeRoot);
  const logs: string[] = [];
  let output = "";
  const result = await buildImage(
    store,
    {
      contextDir,
      tags: [normalizeImageReference(options.tag ?? "fixture:1")],
      buildArgs: {},
      platforms: [parsePlatform("linux/amd64")],
      labels: {},
      noCache: false,
      sourceDateEpoch: 0,
      imageType: "kube-installer",
      ...options,
    },
    { log: (message) => logs.push(message), output: (text) => (output += text) },
  );
  return { ...result, logs, output, cacheHits: logs.filter((line) => line.includes("Using cache")).length };
}
