import type { HostState, MultiHostState } from "../run/install-hosts.ts";
import { streamLines, type OutputSink } from "../run/execute-steps.ts";
import { sshCommand, type SshTarget } from "../run/plan-hosts.ts";
import { shellQuote } from "../run/shell-quote.ts";

/**
 * `lade exec`: one command on the installed cluster's hosts (those of the run state), chosen by
 * role and address, run on all of them at once over SSH, each output line prefixed by its host.
 */
export interface ExecSelection {
  /** "master" (master0 and the other masters) and/or "node". */
  readonly roles?: readonly string[];
  readonly hosts?: readonly string[];
}

export interface ExecTarget {
  readonly ip: string;
  readonly role: string;
  readonly ssh: SshTarget;
}

export class ExecSelectionError extends Error {
  override name = "ExecSelectionError";
}

/** The hosts of the state that the selection names, in the state's order. */
export function selectHosts(state: MultiHostState, selection: ExecSelection, passwordFile?: string): ExecTarget[] {
  const hosts = Object.entries(state.hosts ?? {});
  if (hosts.length === 0) throw new ExecSelectionError("this cluster was installed on this machine, not over SSH: run the command here");
  const known = hosts.map(([ip]) => ip);
  for (const ip of selection.hosts ?? []) {
    if (!known.includes(ip)) throw new ExecSelectionError(`${ip} is not a host of this cluster: its hosts are ${known.join(", ")}`);
  }
  for (const role of selection.roles ?? []) {
    if (role !== "master" && role !== "node") throw new ExecSelectionError(`Unknown role "${role}": use master or node`);
  }
  const roleOf = (host: HostState) => (host.role === "node" ? "node" : "master");
  return hosts
    .filter(([ip, host]) => (!selection.hosts?.length || selection.hosts.includes(ip)) && (!selection.roles?.length || selection.roles.includes(roleOf(host))))
    .map(([ip, host]) => ({ ip, role: host.role, ssh: withPassword(ip, host.ssh, passwordFile) }));
}

function withPassword(ip: string, ssh: SshTarget, passwordFile: string | undefined): SshTarget {
  if (!ssh.passwordFile) return ssh;
  if (!passwordFile) throw new ExecSelectionError(`${ip} was reached with a password: give it again with --ssh-password-stdin`);
  return { ...ssh, passwordFile };
}

/** One argument is a shell script (`"systemctl restart kubelet && echo ok"`); several are a command, each word quoted. */
export function remoteScript(words: readonly string[]): string {
  if (words.length === 0) throw new ExecSelectionError("Give the command after --, e.g. lade exec -- uptime");
  return words.length === 1 ? words[0]! : words.map(shellQuote).join(" ");
}

/** Run SCRIPT on every target at once (with STDIN's text for each, if given); the exit status of each, in the targets' order. */
export async function execOnHosts(
  targets: readonly ExecTarget[],
  script: string,
  output: OutputSink,
  stdin?: (target: ExecTarget) => string,
): Promise<{ ip: string; exitCode: number }[]> {
  return Promise.all(
    targets.map(async (target) => {
      const input = stdin ? new TextEncoder().encode(stdin(target)) : "ignore";
      const child = Bun.spawn(sshCommand(target.ssh, script), { stdin: input, stdout: "pipe", stderr: "pipe" });
      const prefix = (stream: "stdout" | "stderr") => (line: string) => output(`[${target.ip}] ${line}`, stream);
      await Promise.all([streamLines(child.stdout, prefix("stdout")), streamLines(child.stderr, prefix("stderr"))]);
      return { ip: target.ip, exitCode: await child.exited };
    }),
  );
}

/** What SCRIPT prints on TARGET (its stderr goes to OUTPUT, prefixed); throws when it fails. */
export async function readFromHost(target: ExecTarget, script: string, output: OutputSink): Promise<string> {
  const child = Bun.spawn(sshCommand(target.ssh, script), { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [text, , exitCode] = await Promise.all([new Response(child.stdout).text(), streamLines(child.stderr, (line) => output(`[${target.ip}] ${line}`, "stderr")), child.exited]);
  if (exitCode !== 0) throw new Error(`\`${script}\` on ${target.ip} exited with code ${exitCode}`);
  return text;
}
