import { describeHostAliases, hostAliasesScript, REMOVE_HOST_ALIASES_SCRIPT } from "./host-aliases.ts";
import { describeNodeMarks, nodeMarksScript } from "./node-labels.ts";
import type { NodeMarks } from "../sealer/node-marks.ts";
import type { RunFacts, Step } from "./plan-run.ts";

/**
 * The steps of the Clusterfile's settings for hosts and nodes (hostAliases; labels and taints),
 * for lade run on this machine and over SSH alike: RUN turns a script into the step's command.
 */
/** The step writing the Clusterfile's hostAliases into the host's /etc/hosts (none when it has none). */
export function hostAliasSteps(facts: Pick<RunFacts, "hostAliases">, run: (script: string) => readonly string[]): Step[] {
  const aliases = facts.hostAliases ?? [];
  return aliases.length > 0 ? [{ id: "host-aliases", description: describeHostAliases(aliases), commands: [run(hostAliasesScript(aliases))] }] : [];
}

/** The step taking the hostAliases out of the host's /etc/hosts again, when lade run wrote some. */
export function removeHostAliasSteps(wrote: boolean | undefined, run: (script: string) => readonly string[]): Step[] {
  return wrote ? [{ id: "remove-host-aliases", description: "Take the Clusterfile's hostAliases out of /etc/hosts (the lines they shadowed come back)", commands: [run(REMOVE_HOST_ALIASES_SCRIPT)] }] : [];
}

/** The step, run where the admin kubeconfig is, that labels and taints the node at IP. */
export function nodeMarksStep(ip: string, marks: NodeMarks, run: (script: string) => readonly string[]): Step {
  return { id: `label-node-${ip}`, description: describeNodeMarks(ip, marks), commands: [run(nodeMarksScript(ip, marks))] };
}

