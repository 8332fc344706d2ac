/** Where kinds that run pods keep their pod spec (API group checked where a kind name is shared). */
export interface PodSpecRule {
  readonly kind: string;
  /** API group prefix of apiVersion ("" for the core group, undefined for any). */
  readonly group?: string;
  readonly podSpecPaths: readonly (readonly string[])[];
  readonly rule: string;
}

const TEMPLATE_SPEC = ["spec", "template", "spec"] as const;

export const POD_SPEC_RULES: readonly PodSpecRule[] = [
  { kind: "Pod", group: "", podSpecPaths: [["spec"]], rule: "pod-spec" },
  { kind: "PodTemplate", group: "", podSpecPaths: [["template", "spec"]], rule: "pod-spec" },
  { kind: "ReplicationController", group: "", podSpecPaths: [TEMPLATE_SPEC], rule: "pod-spec" },
  { kind: "Deployment", podSpecPaths: [TEMPLATE_SPEC], rule: "pod-spec" },
  { kind: "ReplicaSet", podSpecPaths: [TEMPLATE_SPEC], rule: "pod-spec" },
  { kind: "StatefulSet", podSpecPaths: [TEMPLATE_SPEC], rule: "pod-spec" },
  { kind: "DaemonSet", podSpecPaths: [TEMPLATE_SPEC], rule: "pod-spec" },
  { kind: "Job", group: "batch", podSpecPaths: [TEMPLATE_SPEC], rule: "pod-spec" },
  { kind: "CronJob", group: "batch", podSpecPaths: [["spec", "jobTemplate", "spec", "template", "spec"]], rule: "pod-spec" },
  // popular custom resources that embed a pod template
  { kind: "Rollout", group: "argoproj.io", podSpecPaths: [TEMPLATE_SPEC], rule: "crd:argo-rollout" },
  { kind: "Service", group: "serving.knative.dev", podSpecPaths: [TEMPLATE_SPEC], rule: "crd:knative-service" },
  { kind: "Configuration", group: "serving.knative.dev", podSpecPaths: [TEMPLATE_SPEC], rule: "crd:knative-configuration" },
  { kind: "Revision", group: "serving.knative.dev", podSpecPaths: [["spec"]], rule: "crd:knative-revision" },
  { kind: "CloneSet", group: "apps.kruise.io", podSpecPaths: [TEMPLATE_SPEC], rule: "crd:kruise" },
  { kind: "StatefulSet", group: "apps.kruise.io", podSpecPaths: [TEMPLATE_SPEC], rule: "crd:kruise" },
  { kind: "DaemonSet", group: "apps.kruise.io", podSpecPaths: [TEMPLATE_SPEC], rule: "crd:kruise" },
];

/** Custom resources whose images sit in known fields (JSON-path-like, `[*]` for every item). */
export interface FieldRule {
  readonly kind: string;
  readonly group: string;
  readonly paths: readonly string[];
  /** Lists of containers (image, args, env) inside the resource. */
  readonly containerLists?: readonly string[];
  readonly rule: string;
}

export const FIELD_RULES: readonly FieldRule[] = [
  { kind: "Prometheus", group: "monitoring.coreos.com", paths: ["spec.image", "spec.thanos.image"], containerLists: ["spec.containers", "spec.initContainers"], rule: "crd:prometheus" },
  { kind: "PrometheusAgent", group: "monitoring.coreos.com", paths: ["spec.image"], containerLists: ["spec.containers", "spec.initContainers"], rule: "crd:prometheus-agent" },
  { kind: "Alertmanager", group: "monitoring.coreos.com", paths: ["spec.image"], containerLists: ["spec.containers", "spec.initContainers"], rule: "crd:alertmanager" },
  { kind: "ThanosRuler", group: "monitoring.coreos.com", paths: ["spec.image"], containerLists: ["spec.containers", "spec.initContainers"], rule: "crd:thanos-ruler" },
  { kind: "Task", group: "tekton.dev", paths: [], containerLists: ["spec.steps", "spec.sidecars"], rule: "crd:tekton-task" },
  { kind: "ClusterTask", group: "tekton.dev", paths: [], containerLists: ["spec.steps", "spec.sidecars"], rule: "crd:tekton-task" },
  { kind: "Workflow", group: "argoproj.io", paths: ["spec.templates[*].container.image", "spec.templates[*].script.image"], containerLists: ["spec.templates[*].initContainers", "spec.templates[*].sidecars"], rule: "crd:argo-workflow" },
  { kind: "WorkflowTemplate", group: "argoproj.io", paths: ["spec.templates[*].container.image", "spec.templates[*].script.image"], containerLists: ["spec.templates[*].initContainers", "spec.templates[*].sidecars"], rule: "crd:argo-workflow" },
  { kind: "ClusterWorkflowTemplate", group: "argoproj.io", paths: ["spec.templates[*].container.image", "spec.templates[*].script.image"], containerLists: ["spec.templates[*].initContainers", "spec.templates[*].sidecars"], rule: "crd:argo-workflow" },
  { kind: "CronWorkflow", group: "argoproj.io", paths: ["spec.workflowSpec.templates[*].container.image", "spec.workflowSpec.templates[*].script.image"], containerLists: ["spec.workflowSpec.templates[*].initContainers"], rule: "crd:argo-workflow" },
];

export function apiGroup(apiVersion: unknown): string {
  if (typeof apiVersion !== "string") return "";
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
