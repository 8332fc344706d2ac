import { describe, expect, test } from "bun:test";
import { emptyFindings } from "../../src/scan/image-source.ts";
import { mergeFindings } from "../../src/scan/merge-findings.ts";
import { scanManifestText } from "../../src/scan/scan-manifest-text.ts";
import { parseUserRule } from "../../src/scan/user-rule.ts";
import { createIgnoreImage } from "../../src/scan/ignore-pattern.ts";

function scan(text: string, options: Parameters<typeof scanManifestText>[3] = {}) {
  const findings = emptyFindings();
  scanManifestText(text, "m.yaml", findings, options);
  const report = mergeFindings(findings);
  return {
    images: report.images.map((entry) => entry.image),
    candidates: report.candidates.map((entry) => entry.image),
    report,
  };
}

const podSpec = (image: string) => `{containers: [{name: c, image: "${image}"}]}`;

describe("scanManifestText()", () => {
  test.each([
    ["Pod", `apiVersion: v1\nkind: Pod\nspec: ${podSpec("a:1")}`],
    ["PodTemplate", `apiVersion: v1\nkind: PodTemplate\ntemplate:\n  spec: ${podSpec("a:1")}`],
    ["ReplicationController", `apiVersion: v1\nkind: ReplicationController\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["Deployment", `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["ReplicaSet", `apiVersion: apps/v1\nkind: ReplicaSet\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["StatefulSet", `apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["DaemonSet", `apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["Job", `apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["CronJob", `apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: ${podSpec("a:1")}`],
    ["Argo Rollout", `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["Knative Service", `apiVersion: serving.knative.dev/v1\nkind: Service\nspec:\n  template:\n    spec: ${podSpec("a:1")}`],
    ["Prometheus", `apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nspec:\n  image: a:1`],
    ["Alertmanager", `apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nspec:\n  image: a:1`],
    ["ThanosRuler", `apiVersion: monitoring.coreos.com/v1\nkind: ThanosRuler\nspec:\n  image: a:1`],
    ["Tekton Task", `apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps: [{name: s, image: "a:1"}]`],
    ["Argo Workflow", `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates: [{name: t, container: {image: "a:1"}}]`],
  ])("finds the image of a %s", (_kind, text) => {
    expect(scan(text).images).toEqual(["docker.io/library/a:1"]);
  });

  test("reads init, ephemeral containers and image volumes, with path, line and rule", () => {
    const { report } = scan(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: i
    image: init:1
  ephemeralContainers:
  - {name: e, image: "debug:1"}
  volumes:
  - name: data
    image: {reference: "quay.io/data/set:v2", pullPolicy: IfNotPresent}
`);
    expect(report.images).toEqual([
      { image: "docker.io/library/debug:1", sources: [{ file: "m.yaml", document: 0, kind: "Pod", name: "p", path: "spec.ephemeralContainers[0].image", line: 9, rule: "pod-spec" }] },
      { image: "docker.io/library/init:1", sources: [{ file: "m.yaml", document: 0, kind: "Pod", name: "p", path: "spec.initContainers[0].image", line: 7, rule: "pod-spec" }] },
      { image: "quay.io/data/set:v2", sources: [{ file: "m.yaml", document: 0, kind: "Pod", name: "p", path: "spec.volumes[0].image.reference", line: 12, rule: "image-volume" }] },
    ]);
  });

  test("handles several documents, JSON, flow style, anchors, aliases and block scalars", () => {
    const text = `---
kind: Pod
apiVersion: v1
spec:
  containers:
  - name: a
    image: &shared registry.local:5000/team/app:1.2
  - name: b
    image: *shared
  - name: c
    image: >-
      quay.io/prometheus/node-exporter:v1.8.0
---
{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "j", "image": "ghcr.io/x/json:2"}]}}
---
# only a comment: image: commented/out:1
`;
    expect(scan(text).images).toEqual(["ghcr.io/x/json:2", "quay.io/prometheus/node-exporter:v1.8.0", "registry.local:5000/team/app:1.2"]);
  });

  test("walks List kinds and keeps digests and tag@digest", () => {
    const digest = `sha256:${"b".repeat(64)}`;
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  spec: ${podSpec(`nginx@${digest}`)}
- apiVersion: apps/v1
  kind: DeploymentList
  items:
  - kind: Deployment
    apiVersion: apps/v1
    spec: {template: {spec: ${podSpec(`quay.io/a/b:v1@${digest}`)}}}
`;
    expect(scan(text).images).toEqual([`docker.io/library/nginx@${digest}`, `quay.io/a/b:v1@${digest}`]);
  });

  test("takes nothing from comments, descriptions, CRD schemas or template fragments", () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    description: "image: nginx:1.0 is used here"
spec:
  containers:
  - name: t
    image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}" # image: fake:1
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  versions:
  - schema:
      openAPIV3Schema:
        properties:
          image: {type: string, default: "example/default:1"}
---
apiVersion: example.com/v1
kind: Widget
spec:
  image: "\${IMAGE}"
  text: "pull image busybox:1.36 first"
  baseImage: parameter.image
  image2: string
  runnerImage: string
`;
    const result = scan(text);
    expect(result.images).toEqual([]);
    expect(result.candidates).toEqual([]);
  });

  test("reads any field named image or ending in Image in unknown kinds", () => {
    const text = `apiVersion: example.com/v1
kind: Widget
spec:
  image: registry.example.com/widget:1
  sidecarImage: docker.io/library/redis:7
  nested: [{helperImage: "busybox:1.36"}]
  imagePullPolicy: Always
  imageTag: "1.0"
`;
    expect(scan(text).images).toEqual(["docker.io/library/busybox:1.36", "docker.io/library/redis:7", "registry.example.com/widget:1"]);
  });

  test("lists flags, env values, split image fields and manifests in ConfigMaps as candidates", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
      - name: operator
        image: operator:1
        args: ["--prometheus-config-reloader=quay.io/prometheus-operator/config-reloader:v0.75.0", "--log-level=debug"]
        command: ["run", "--sidecar-image=gcr.io/x/sidecar:2"]
        env:
        - {name: HELPER_IMAGE, value: "docker.io/openebs/linux-utils:3.5.0"}
        - {name: DEBUG, value: "true"}
        - {name: NAME, value: "nginx"}
---
apiVersion: example.com/v1
kind: Widget
spec:
  image: {registry: quay.io, repository: calico/node, tag: v3.27.0}
---
apiVersion: v1
kind: ConfigMap
data:
  job.yaml: |
    apiVersion: batch/v1
    kind: Job
    spec:
      template:
        spec:
          containers: [{name: j, image: "docker.io/bitnami/kubectl:1.30"}]
  setting: "image: not/a-document:1"
`;
    const result = scan(text);
    expect(result.images).toEqual(["docker.io/library/operator:1"]);
    expect(result.candidates).toEqual([
      "docker.io/bitnami/kubectl:1.30",
      "docker.io/openebs/linux-utils:3.5.0",
      "gcr.io/x/sidecar:2",
      "quay.io/calico/node:v3.27.0",
      "quay.io/prometheus-operator/config-reloader:v0.75.0",
    ]);
  });

  test("applies user rules, including split registry/repository/tag fields", () => {
    const text = `apiVersion: example.com/v1
kind: Gadget
spec:
  engine: {host: quay.io, repo: acme/engine, version: "2.1"}
  plugins: ["acme/plugin-a:1", "acme/plugin-b:2"]
`;
    const rules = [parseUserRule("Gadget=spec.engine{registry=host,repository=repo,tag=version}"), parseUserRule("Gadget={.spec.plugins[*]}")];
    const { report } = scan(text, { userRules: rules });
    expect(report.images.map((entry) => [entry.image, entry.sources[0]!.path, entry.sources[0]!.rule])).toEqual([
      ["docker.io/acme/plugin-a:1", "spec.plugins[0]", "user-rule"],
      ["docker.io/acme/plugin-b:2", "spec.plugins[1]", "user-rule"],
      ["quay.io/acme/engine:2.1", "spec.engine", "user-rule"],
    ]);
  });

  test("fails with FILE:LINE:COL on YAML that does not parse", () => {
    expect(() => scan("kind: Pod\nspec:\n  containers: [\n")).toThrow(/^m\.yaml:4:1: Cannot parse YAML/);
  });
});

describe("createIgnoreImage()", () => {
  test.each([
    ["busybox*", "docker.io/library/busybox:1.36", true],
    ["busybox", "docker.io/library/busybox:latest", true],
    ["quay.io/prometheus/*", "quay.io/prometheus/node-exporter:v1", true],
    ["docker.io/library/nginx:1.25", "docker.io/library/nginx:1.25", true],
    ["nginx:1.25", "docker.io/library/nginx:1.26", false],
    ["quay.io/*", "docker.io/quay.io:1", false],
  ])("%s on %s is %p", (pattern, image, ignored) => {
    expect(createIgnoreImage([pattern])(image)).toBe(ignored);
  });
});
