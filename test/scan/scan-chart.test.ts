import { describe, expect, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

const CHART = join(import.meta.dir, "..", "fixtures", "scan", "app");

async function scanJson(...args: string[]) {
  const result = await runLade(["scan", "--json", ...args]);
  expect(result.exitCode).toBe(0);
  const report = JSON.parse(result.stdout);
  return {
    images: report.images.map((entry: { image: string }) => entry.image),
    candidates: report.candidates.map((entry: { image: string; sources: { rule: string }[] }) => [entry.image, entry.sources[0]!.rule]),
    report,
  };
}

describe("lade scan on Helm charts", () => {
  test("renders with the defaults and reports switched-off, annotated and values-only images as candidates", async () => {
    const { images, candidates, report } = await scanJson(CHART, "--kube-version", "v1.27.0");
    expect(images).toEqual(["quay.io/acme/app:1.0"]);
    expect(report.images[0].sources[0]).toMatchObject({ kind: "Deployment", path: "spec.template.spec.containers[0].image", rule: "pod-spec", line: 13 });
    expect(candidates).toEqual([
      ["docker.io/acme/sidecar:2", "chart-values"],
      ["docker.io/library/postgres:16", "chart-condition"],
      ["quay.io/acme/migrator:1.0", "chart-annotation"],
    ]);
  });

  test("--set and --values per chart switch parts on; --kube-version changes what renders", async () => {
    const withDb = await scanJson(CHART, "--set", "app.db.enabled=true", "--kube-version", "v1.27.0");
    expect(withDb.images).toEqual(["docker.io/library/postgres:16", "quay.io/acme/app:1.0"]);
    const values = join(tempDir(), "v.yaml");
    await Bun.write(values, "image:\n  registry: registry.local:5000\n  tag: '2.0'\n");
    const custom = await scanJson(CHART, "--values", `app=${values}`, "--kube-version", "v1.27.0");
    expect(custom.images).toEqual(["registry.local:5000/acme/app:2.0"]);
    const modern = await scanJson(CHART, "--kube-version", "v1.30.0");
    expect(modern.images).toEqual(["quay.io/acme/app:1.0", "quay.io/acme/modern-helper:1"]);
  });

  test("reads a packaged .tgz chart like the folder", async () => {
    const dir = tempDir();
    cpSync(CHART, join(dir, "app"), { recursive: true });
    const archive = join(dir, "app-1.0.0.tgz");
    expect(Bun.spawnSync(["tar", "-czf", archive, "-C", dir, "app"]).exitCode).toBe(0);
    const packed = await scanJson(archive, "--kube-version", "v1.27.0");
    expect(packed.images).toEqual(["quay.io/acme/app:1.0"]);
    expect(packed.candidates.map((entry: string[]) => entry[0])).toEqual(["docker.io/acme/sidecar:2", "docker.io/library/postgres:16", "quay.io/acme/migrator:1.0"]);
  });

  test("never takes an image from a template that is not rendered", async () => {
    const { images, candidates } = await scanJson(CHART);
    expect([...images, ...candidates.map((entry: string[]) => entry[0])]).not.toContain("quay.io/acme/never-rendered:1");
    expect(images).not.toContain("docker.io/library/not/this:1");
  });
});
