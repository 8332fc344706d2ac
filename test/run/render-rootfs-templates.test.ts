import { describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { renderRootfsTemplates } from "../../src/run/rootfs-files.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

const ENV = { HostIP: "10.0.0.5", AuditMaxAge: "30" };

async function render(spec: Parameters<typeof writeTree>[1], shadowed: string[] = []) {
  const rootfs = writeTree(join(tempDir(), "rootfs"), spec);
  const out = join(tempDir(), "out");
  const rendered: string[] = [];
  await renderRootfsTemplates(rootfs, out, ENV, (template, result) => rendered.push(`${template} -> ${result}`), { shadowed: new Set(shadowed) });
  return { out, rendered };
}

describe("the rootfs's templates at install time", () => {
  test("statics/ files are rendered in place with the cluster env, modes kept; *.tmpl under etc/ manifests/ charts/ lose .tmpl", async () => {
    const { out, rendered } = await render({
      "statics/audit-policy.yml": { content: "apiVersion: audit.k8s.io/v1\n# maxage {{ .AuditMaxAge }}\n", mode: 0o600 },
      "etc/extra.conf.tmpl": "host={{ .HostIP }} missing={{ .Nope }}\n",
      "manifests/app.yaml.tmpl": "ip: {{ .HostIP }}\n",
      "scripts/run.sh.tmpl": "not rendered {{ .HostIP }}\n",
    });
    expect(readFileSync(join(out, "statics/audit-policy.yml"), "utf8")).toBe("apiVersion: audit.k8s.io/v1\n# maxage 30\n");
    expect(statSync(join(out, "statics/audit-policy.yml")).mode & 0o777).toBe(0o600);
    // sealer's *.tmpl keep Go's default for a missing key
    expect(readFileSync(join(out, "etc/extra.conf"), "utf8")).toBe("host=10.0.0.5 missing=<no value>\n");
    expect(rendered).toEqual(["etc/extra.conf.tmpl -> etc/extra.conf", "manifests/app.yaml.tmpl -> manifests/app.yaml", "statics/audit-policy.yml -> statics/audit-policy.yml"]);
  });

  test("a missing key in statics/ is an error naming the file and the key, not <no value>", async () => {
    await expect(render({ "statics/audit-policy.yml": "a: 1\nb: {{ .AuditLevel }}\n" })).rejects.toThrow(/statics\/audit-policy\.yml:2.*AuditLevel/);
  });

  test("a template an image's newer file shadows is not rendered over it", async () => {
    const { out, rendered } = await render({ "etc/kubeadm.yml.tmpl": "base {{ .HostIP }}\n", "etc/kubeadm.yml": "child\n" }, ["etc/kubeadm.yml.tmpl"]);
    expect(rendered).toEqual([]);
    expect(Bun.file(join(out, "etc/kubeadm.yml")).size).toBe(0);
  });
});
