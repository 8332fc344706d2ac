import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildFixture } from "../support/build-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, umociUnpack } from "../support/unpack-image.ts";
import { writeTree, type TreeSpec } from "../support/write-tree.ts";

async function unpackedTree(spec: TreeSpec): Promise<Record<string, string>> {
  const storeRoot = tempDir();
  await buildFixture(storeRoot, writeTree(join(tempDir(), "ctx"), spec));
  return describeTree(await umociUnpack(storeRoot, "docker.io/library/fixture:1", join(tempDir(), "bundle")));
}

describe("COPY into sealer's CloudRootfs folders", () => {
  test("a CloudRootfs folder name is a folder even before it exists: plugins/, images/, bin/, manifests/", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY shell.yaml plugins\nCOPY mysql.tar images\nCOPY helm /bin\nCOPY imageList manifests\nCOPY a.txt other\n",
      "shell.yaml": "kind: Plugin\n",
      "mysql.tar": "tar",
      helm: { content: "#!/bin/sh\n", mode: 0o755 },
      imageList: "nginx:1\n",
      "a.txt": "a",
    });
    expect(tree["plugins"]).toBe("dir 755");
    expect(tree["plugins/shell.yaml"]).toBe("file 644 kind: Plugin\n");
    expect(tree["images/mysql.tar"]).toBe("file 644 tar");
    expect(tree["bin/helm"]).toBe("file 755 #!/bin/sh\n");
    expect(tree["manifests/imageList"]).toBe("file 644 nginx:1\n");
    // any other name keeps Docker's rule: a new file of that name
    expect(tree["other"]).toBe("file 644 a");
  });

  test("folders COPY creates are 0755, also over a file of that name from an older layer", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY notes.txt data\nCOPY redis.tar data/\n",
      "notes.txt": "n",
      "redis.tar": "r",
    });
    expect(tree["data"]).toBe("dir 755");
    expect(tree["data/redis.tar"]).toBe("file 644 r");
  });

  test("sealer's example verbatim: `COPY apollo charts` keeps the chart's name, charts/apollo/", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY imageList manifests\nCOPY apollo charts\nCOPY helm /bin\nCMD helm install charts/apollo\nCOPY recommended.yaml manifests\nCMD kubectl apply -f manifests/recommended.yaml\n",
      imageList: "",
      "apollo/Chart.yaml": "apiVersion: v2\nname: apollo\nversion: 0.1.0\n",
      "apollo/values.yaml": "{}\n",
      "apollo/templates/cm.yaml": "kind: ConfigMap\n",
      helm: { content: "#!/bin/sh\n", mode: 0o755 },
      "recommended.yaml": "kind: List\nitems: []\n",
    });
    expect(tree["charts/apollo/Chart.yaml"]).toStartWith("file 644 apiVersion: v2");
    expect(tree["charts/apollo/templates/cm.yaml"]).toBe("file 644 kind: ConfigMap\n");
    expect(tree["charts/Chart.yaml"]).toBeUndefined();
    expect(tree["manifests/recommended.yaml"]).toBeDefined();
    // a folder that is not a chart is copied by content, as Docker does
    const other = await unpackedTree({ Kubefile: "FROM scratch\nCOPY values charts\n", "values/app.values.yaml": "a: 1\n" });
    expect(other["charts/app.values.yaml"]).toBe("file 644 a: 1\n");
  });
});
