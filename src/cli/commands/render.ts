import { defineCommand } from "citty";

/** `lade render template|chart` (and, later, `render kubeadm`): offline rendering, nothing installed. */
export const renderCommand = defineCommand({
  meta: {
    name: "render",
    description: "Render a Go template or a Helm chart offline, exactly like helm template",
  },
  subCommands: {
    template: () => import("./render-template.ts").then((module) => module.renderTemplateCommand),
    chart: () => import("./render-chart.ts").then((module) => module.renderChartCommand),
    kubeadm: () => import("./render-kubeadm.ts").then((module) => module.renderKubeadmCommand),
  },
});
