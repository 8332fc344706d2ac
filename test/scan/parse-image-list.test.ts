import { describe, expect, test } from "bun:test";
import { parseImageList } from "../../src/scan/parse-image-list.ts";

describe("parseImageList()", () => {
  test("skips blank lines and comments, trims spaces and quotes, keeps tags and digests", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    const text = `\uFEFF# kubernetes
registry.k8s.io/pause:3.9

  "quay.io/calico/node:v3.27.0"  
'nginx'   # the web server
localhost:5000/team/app@${digest}
busybox:1.36@${digest}\r
`;
    expect(parseImageList(text, "imageList")).toEqual([
      { image: "registry.k8s.io/pause:3.9", line: 2 },
      { image: "quay.io/calico/node:v3.27.0", line: 4 },
      { image: "docker.io/library/nginx:latest", line: 5 },
      { image: `localhost:5000/team/app@${digest}`, line: 6 },
      { image: `docker.io/library/busybox:1.36@${digest}`, line: 7 },
    ]);
  });

  test.each([
    ["library/Nginx:1", 1],
    ["ok:1\n\n  bad image with spaces", 3],
    ["ok:1\nrepo:tag:extra", 2],
  ])("fails at FILE:LINE on %p", (text, line) => {
    expect(() => parseImageList(text, "list.txt")).toThrow(new RegExp(`^list\\.txt:${line}:\\d+: Cannot parse image reference`));
  });
});
