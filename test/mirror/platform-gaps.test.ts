import { describe, expect, test } from "bun:test";
import { describeImageGap, gapsOfPlatform, mergePlatformGaps } from "../../src/builder/platform-gaps.ts";
import { describeGap, PlatformGapError } from "../../src/mirror/platform-coverage.ts";

const agent = { image: "docker.io/acme/agent:2", missing: ["linux/arm64", "linux/arm/v7"], available: ["linux/amd64"], usedBy: [] };

describe("platform gaps", () => {
  test("a warning names every missing platform and the architectures that cannot run the image", () => {
    expect(describeGap(agent)).toBe("image docker.io/acme/agent:2 has no linux/arm64, linux/arm/v7: arm64 and arm/v7 nodes cannot run it");
  });

  test("the workloads that use an image are named once each, or the image list line", () => {
    const used = {
      ...agent,
      usedBy: [
        { file: "manifests/agent.yaml", line: 10, kind: "DaemonSet", name: "agent", rule: "pod-spec" },
        { file: "manifests/agent.yaml", line: 10, kind: "DaemonSet", name: "agent", path: "spec.x", rule: "pod-spec" },
        { file: "manifests/imageList", line: 3, rule: "image-list" },
      ],
    };
    expect(describeImageGap(used, "linux/arm64")).toBe(
      "image docker.io/acme/agent:2 has no linux/arm64: arm64 nodes cannot run it (used by DaemonSet/agent (manifests/agent.yaml:10), manifests/imageList:3)",
    );
  });

  test("a platform's gaps, and a child's gaps over its base's (the child's entry wins, sorted)", () => {
    const tool = { image: "quay.io/v/tool:1", missing: ["linux/amd64"], available: ["linux/arm64"], usedBy: [] };
    expect(gapsOfPlatform([agent, tool], "linux/amd64")).toEqual([tool]);
    const newer = { ...agent, missing: ["linux/arm64"] };
    expect(mergePlatformGaps([tool, agent], [newer])).toEqual([newer, tool]);
  });

  test("--strict-platforms lists every gap in one error", () => {
    const error = new PlatformGapError([agent, { image: "x:1", missing: ["linux/amd64"], available: [] }]);
    expect(error.message).toBe(
      "2 images lack a requested platform (--strict-platforms):\n" +
        "  docker.io/acme/agent:2: no linux/arm64, linux/arm/v7 (it has linux/amd64)\n" +
        "  x:1: no linux/amd64 (it has no platform)",
    );
  });
});
