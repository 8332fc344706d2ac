import type { SealerPlugin } from "../sealer/plugins.ts";
import { mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { formatCommand, type Step, type StepAction } from "./plan-run.ts";
import { LOCAL_HOST, stepTeller, type RunEvents } from "./run-events.ts";

/** What DATA_DIR/state.json records: the image installed and the steps that succeeded. */
export interface RunState {
  image?: string;
  digest?: string;
  platform?: string;
  done: string[];
  /** The `lade delete` steps that succeeded. */
  deleted?: string[];
  /** The topmost folder of DATA_DIR that lade run made; lade delete removes up to it. */
  madeFrom?: string;
  /** The sealer plugins lade run found that run at lade delete (before and after a host is cleaned). */
  cleanPlugins?: SealerPlugin[];
  /** This machine's address, for a clean plugin's IP selector (lade run on this machine). */
  hostIp?: string;
  /** lade run wrote the Clusterfile's hostAliases into the hosts' /etc/hosts (kept once set: lade delete takes them out). */
  hostAliases?: boolean;
  /** When lade run finished every step (ISO time); absent while an install is unfinished. */
  installedAt?: string;
  /** The image's Kubernetes version and container runtime (its labels). */
  kubeVersion?: string;
  cri?: string;
}

export class StepFailedError extends Error {
  override name = "StepFailedError";
}

export type OutputSink = (line: string, stream: "stdout" | "stderr") => void;

export interface ExecuteOptions {
  readonly statePath: string;
  readonly state: RunState;
  /** Which list of the state the steps are recorded in. */
  readonly record: "done" | "deleted";
  readonly dryRun: boolean;
  readonly handlers: Partial<Record<StepAction, () => Promise<void>>>;
  readonly output: OutputSink;
  /** Told when each step starts and ends (not in a dry run). */
  readonly events?: RunEvents;
}

export async function readState(statePath: string): Promise<RunState | undefined> {
  const file = Bun.file(statePath);
  if (!(await file.exists())) return undefined;
  const state = (await file.json()) as RunState;
  return { ...state, done: state.done ?? [] };
}

export async function writeState(statePath: string, state: RunState): Promise<void> {
  await mkdir(dirname(statePath), { recursive: true });
  const partial = `${statePath}.partial`;
  await Bun.write(partial, `${JSON.stringify(state, null, 2)}\n`);
  await rename(partial, statePath);
}

/**
 * Run the steps in order; those the state lists as done are skipped, each that succeeds is
 * recorded at once, and the first failure stops the run (the state keeps what was done).
 * With dryRun every step is printed with its commands and nothing is changed.
 */
export async function executeSteps(steps: readonly Step[], options: ExecuteOptions): Promise<{ ran: string[]; skipped: string[] }> {
  const { state, output } = options;
  const recorded = (state[options.record] ??= []);
  const ran: string[] = [];
  const skipped: string[] = [];
  for (const [index, step] of steps.entries()) {
    const done = recorded.includes(step.id);
    const header = `[${index + 1}/${steps.length}] ${step.id}: ${step.description}`;
    if (options.dryRun) {
      output(`${header}${done ? " (done already)" : ""}`, "stdout");
      if (step.action) output(`    (lade) ${step.action}`, "stdout");
      for (const command of step.shows ?? []) output(`    (lade) ${command}`, "stdout");
      for (const command of step.commands) output(`    ${step.cwd ? `(cd ${step.cwd}) ` : ""}${formatCommand(command, step.env)}`, "stdout");
      continue;
    }
    const tell = stepTeller(options.events, LOCAL_HOST, step, index + 1, steps.length);
    if (done) {
      output(`${header}: done already, skipped`, "stdout");
      tell("skipped");
      skipped.push(step.id);
      continue;
    }
    output(header, "stdout");
    tell("start");
    try {
      if (step.onlyIfExists === undefined || (await Bun.file(step.onlyIfExists).exists())) {
        if (step.action) {
          const handler = options.handlers[step.action];
          if (!handler) throw new StepFailedError(`Step "${step.id}" failed: nothing does "${step.action}"`);
          try {
            await handler();
          } catch (error) {
            throw new StepFailedError(`Step "${step.id}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
        }
        for (const command of step.commands) await runCommand(step, command, output);
      } else {
        output(`[${step.id}] ${step.onlyIfExists} does not exist: nothing to do`, "stdout");
      }
    } catch (error) {
      tell("failed", error);
      throw error;
    }
    tell("done");
    recorded.push(step.id);
    if (step.action !== "remove-data-dir") await writeState(options.statePath, state);
    ran.push(step.id);
  }
  return { ran, skipped };
}

export async function runCommand(step: Step, command: readonly string[], output: OutputSink): Promise<void> {
  const shown = formatCommand(command, step.env);
  output(`[${step.id}] $ ${shown}`, "stdout");
  let child;
  try {
    child = Bun.spawn([...command], {
      env: { ...process.env, ...step.env },
      ...(step.cwd ? { cwd: step.cwd } : {}),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
  } catch (error) {
    throw new StepFailedError(`Step "${step.id}" failed: cannot run \`${shown}\`: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [, , exitCode] = await Promise.all([
    streamLines(child.stdout, (line) => output(`[${step.id}] ${hideJoinSecrets(line)}`, "stdout")),
    streamLines(child.stderr, (line) => output(`[${step.id}] ${hideJoinSecrets(line)}`, "stderr")),
    child.exited,
  ]);
  if (exitCode !== 0) throw new StepFailedError(`Step "${step.id}" failed: \`${shown}\` exited with code ${exitCode}`);
}

/**
 * kubeadm init prints the join command with its bootstrap token and certificate key; lade's output
 * ends up in logs, so those values are hidden (lade reads fresh ones on master0 when it needs them).
 */
export function hideJoinSecrets(line: string): string {
  return line.replace(/(--token|--certificate-key)(\s+|=)\S+/g, "$1$2<hidden>").replace(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, "<hidden token>");
}

export async function streamLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  }
  pending += decoder.decode();
  if (pending) onLine(pending);
}
