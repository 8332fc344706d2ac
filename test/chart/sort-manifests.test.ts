import { describe, expect, test } from "bun:test";
import { sortManifests, splitManifests } from "../../src/chart/sort-manifests.ts";

describe("splitManifests()", () => {
  test.each<[string, string[]]>([
    ["a: 1", ["a: 1"]],
    ["---\na: 1\n---\nb: 2\n", ["a: 1", "b: 2"]],
    ["a: 1\n---\n---\nb: 2", ["a: 1", "---\nb: 2"]],
    ["a: 1\n  ---\nb: 2", ["a: 1\n  ---\nb: 2"]],
    ["a: 1\n--- # comment\nb: 2", ["a: 1", "# comment\nb: 2"]],
    ["a: 1\n---b: 2", ["a: 1", "b: 2"]],
    ["  \n\n", []],
    ["a: 1\n\n \n---\n\n", ["a: 1"]],
  ])("%j", (text, documents) => {
    expect(splitManifests(text)).toEqual(documents);
  });
});

describe("sortManifests()", () => {
  test("orders by path, then by kind in install order; unknown kinds last by name; hooks apart", () => {
    const rendered = new Map([
      ["c/templates/b.yaml", "kind: Deployment\n---\nkind: Zeta\n---\nkind: Alpha\n"],
      ["c/templates/a.yaml", "kind: Service\n---\nkind: Namespace\n---\n# only a comment\n"],
      ["c/templates/_partial.tpl", "kind: Secret\n"],
      ["c/templates/empty.yaml", " \n\t\n"],
      ["c/templates/hooks.yaml", "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: post-install\n---\nkind: ConfigMap\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install, Pre-Upgrade\n---\nkind: Secret\nmetadata:\n  annotations:\n    helm.sh/hook: not-a-hook\n"],
    ]);
    const { generic, hooks, errors } = sortManifests(rendered);
    expect(generic.map((m) => `${m.path.slice(12)} ${m.kind}`)).toEqual([
      "a.yaml Namespace",
      "a.yaml Service",
      "b.yaml Deployment",
      "a.yaml ",
      "b.yaml Alpha",
      "b.yaml Zeta",
    ]);
    expect(hooks.map((m) => m.kind)).toEqual(["ConfigMap", "Job"]);
    expect(errors).toEqual([]);
  });

  test("reads the head like Go's YAML 1.1 struct decode", () => {
    const rendered = new Map([
      ["c/templates/a.yaml", "kind: 12\nmetadata:\n  name: 1.50\n  annotations:\n    helm.sh/hook: test\n    port: 8080\n"],
      ["c/templates/b.yaml", 'Kind: "Service"\n'],
      ["c/templates/c.yaml", "kind: yes\n"],
      ["c/templates/d.yaml", "metadata: just-a-string\n"],
    ]);
    const { generic, hooks, errors } = sortManifests(rendered);
    expect(hooks.map((m) => [m.kind, m.hook])).toEqual([["12", "test"]]);
    expect(generic.map((m) => m.kind)).toEqual(["Service", "", "true"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("YAML parse error on c/templates/d.yaml");
  });
});
