import { formatCommand, planLaunch, shellQuote, type RunFacts, type Step } from "./plan-run.ts";

/** How to reach one host over SSH (the system `ssh`, never a password). */
export interface SshTarget {
  readonly address: string;
  readonly user: string;
  readonly port: number;
  /** Private key file (`ssh -i`); without it ssh's own identities/agent are used. */
  readonly key?: string;
  /** The known_hosts file the host keys are checked against. */
  readonly knownHosts: string;
  /** StrictHostKeyChecking=accept-new instead of yes: unknown host keys are added, changed ones still refused. */
  readonly acceptNewHostKeys: boolean;
}

export type HostRole = "master0" | "master" | "node";

export interface ClusterHostTarget {
  readonly ip: string;
  readonly role: HostRole;
  readonly ssh: SshTarget;
}

/** Steps of one host, run in order; `record: false` steps are run each time they are reached (join credentials). */
export interface Lane {
  readonly host: string;
  readonly steps: readonly Step[];
  readonly record?: boolean;
}

/** Lanes run side by side (parallel) or one after the other; a phase starts when the one before it finished. */
export interface Phase {
  readonly name: string;
  readonly parallel: boolean;
  readonly lanes: readonly Lane[];
}

/** The host's data folder in remote shell scripts: DATA_DIR, below LADE_NODE_ROOT when the host sets it. */
export function remoteDataDir(dataDir: string): string {
  return `D="\${LADE_NODE_ROOT:-}"${shellQuote(dataDir)}`;
}

/** A shell script for a host: fail on the first error, with $D the host's data folder. */
export function remoteScript(dataDir: string, body: string): string {
  return `set -e; ${remoteDataDir(dataDir)}; ${body}`;
}

export function sshOptions(target: SshTarget): string[] {
  return [
    "-o", "BatchMode=yes",
    "-o", `StrictHostKeyChecking=${target.acceptNewHostKeys ? "accept-new" : "yes"}`,
    "-o", `UserKnownHostsFile=${target.knownHosts}`,
    "-o", "ConnectTimeout=15",
    ...(target.key ? ["-o", "IdentitiesOnly=yes", "-i", target.key] : []),
    "-p", String(target.port),
  ];
}

/** `ssh … user@host -- SCRIPT`: the script runs in the user's shell on the host. */
export function sshCommand(target: SshTarget, script: string): string[] {
  return ["ssh", ...sshOptions(target), `${target.user}@${target.address}`, "--", script];
}

export const REMOTE_CHECK_SCRIPT = "uname -s -m; cat /proc/swaps 2>/dev/null || true";
export const JOIN_COMMAND_SCRIPT = "kubeadm token create --print-join-command";
export const UPLOAD_CERTS_SCRIPT = "kubeadm init phase upload-certs --upload-certs";

/** The scripts `copy-rootfs` runs on a host: read the checksum there, then receive, verify and unpack the tar. */
export function copyRootfsScripts(dataDir: string, sha256: string): { check: string; receive: string } {
  return {
    check: remoteScript(dataDir, 'cat "$D/rootfs.sha256" 2>/dev/null || true'),
    receive: remoteScript(
      dataDir,
      'mkdir -p "$D"; rm -rf "$D/rootfs.partial" "$D/rootfs.tar.partial"; cat > "$D/rootfs.tar.partial"; ' +
        `echo "${sha256}  $D/rootfs.tar.partial" | sha256sum -c --quiet -; ` +
        'mkdir "$D/rootfs.partial"; tar -C "$D/rootfs.partial" -xf "$D/rootfs.tar.partial"; ' +
        `rm -rf "$D/rootfs"; mv "$D/rootfs.partial" "$D/rootfs"; rm -f "$D/rootfs.tar.partial"; echo ${sha256} > "$D/rootfs.sha256"`,
    ),
  };
}

export const RENDERED_FILES_SCRIPT = (dataDir: string) => remoteScript(dataDir, 'tar -C "$D/rootfs" -xf -');
export const KUBEADM_CONFIG_SCRIPT = (dataDir: string) => remoteScript(dataDir, 'mkdir -p "$D"; umask 077; cat > "$D/kubeadm.yaml"');

const ROOTFS_MARK = "/LADE_REMOTE_ROOTFS";

export interface HostsFacts extends Omit<RunFacts, "rootfs"> {
  readonly hosts: readonly ClusterHostTarget[];
}

/**
 * The steps of `lade run` on several hosts over SSH: every host checked, given its rootfs, its
 * rendered templates and init.sh (in parallel); kubeadm init on master0; the join credentials
 * read on master0; the other masters joined one by one, the nodes in parallel; launch on master0.
 */
export function planHosts(facts: HostsFacts): Phase[] {
  const { dataDir, hosts } = facts;
  const master0 = hosts.find((host) => host.role === "master0");
  if (!master0) throw new Error("planHosts needs a master0");
  const ssh = (host: ClusterHostTarget, body: string) => sshCommand(host.ssh, remoteScript(dataDir, body));
  const joiners = hosts.filter((host) => host.role !== "master0");
  const phases: Phase[] = [
    {
      name: "prepare the hosts",
      parallel: true,
      lanes: hosts.map((host) => ({
        host: host.ip,
        steps: [
          {
            id: "check-host",
            description: `Check ${host.ip} (${host.role}): OS, architecture, swap`,
            action: "check-host",
            commands: [],
            shows: [formatCommand(sshCommand(host.ssh, REMOTE_CHECK_SCRIPT))],
          },
          {
            id: "copy-rootfs",
            description: `Copy ${dataDir}/rootfs-<arch>.tar (the host's architecture) to ${host.ip}:${dataDir}/rootfs, checked by sha256 there; skipped when ${dataDir}/rootfs.sha256 there matches`,
            action: "copy-rootfs",
            commands: [],
            shows: [
              formatCommand(sshCommand(host.ssh, copyRootfsScripts(dataDir, "<sha256>").check)),
              `${formatCommand(sshCommand(host.ssh, copyRootfsScripts(dataDir, "<sha256>").receive))} < ${dataDir}/rootfs-<arch>.tar`,
            ],
          },
          {
            id: "render-templates",
            description: `Render the *.tmpl files under rootfs/{etc,manifests,charts} with ${host.ip}'s env into ${dataDir}/hosts/${host.ip}/files and copy them over`,
            action: "render-templates",
            commands: [],
            shows: [`${formatCommand(sshCommand(host.ssh, RENDERED_FILES_SCRIPT(dataDir)))} < ${dataDir}/hosts/${host.ip}/files.tar`],
          },
          {
            id: "init-node",
            description: "Set up the container runtime, registry and kubelet (scripts/init.sh)",
            commands: [ssh(host, 'bash "$D/rootfs/scripts/init.sh"')],
          },
        ],
      })),
    },
    {
      name: "initialize the control plane",
      parallel: false,
      lanes: [
        {
          host: master0.ip,
          steps: [
            kubeadmConfigStep(dataDir, master0),
            { id: "kubeadm-init", description: "Initialize the control plane", commands: [ssh(master0, 'kubeadm init --config "$D/kubeadm.yaml" --upload-certs')] },
          ],
        },
      ],
    },
  ];
  if (joiners.length > 0) {
    const masters = joiners.some((host) => host.role === "master");
    phases.push({
      name: "read the join credentials",
      parallel: false,
      lanes: [
        {
          host: master0.ip,
          record: false,
          steps: [
            {
              id: "join-credentials",
              description: `Create a bootstrap token (and ${masters ? "upload the control-plane certificates" : "no certificate key: no other master"}) on master0, when a host still has to join`,
              action: "join-credentials",
              commands: [],
              shows: [JOIN_COMMAND_SCRIPT, ...(masters ? [UPLOAD_CERTS_SCRIPT] : [])].map((script) => formatCommand(sshCommand(master0.ssh, script))),
            },
          ],
        },
      ],
    });
    const joinLane = (host: ClusterHostTarget): Lane => ({
      host: host.ip,
      steps: [
        kubeadmConfigStep(dataDir, host),
        {
          id: "kubeadm-join",
          description: host.role === "master" ? "Join as a control-plane node" : "Join as a worker node",
          commands: [ssh(host, 'kubeadm join --config "$D/kubeadm.yaml"')],
        },
      ],
    });
    const otherMasters = joiners.filter((host) => host.role === "master");
    const nodes = joiners.filter((host) => host.role === "node");
    if (otherMasters.length > 0) phases.push({ name: "join the other masters", parallel: false, lanes: otherMasters.map(joinLane) });
    if (nodes.length > 0) phases.push({ name: "join the nodes", parallel: true, lanes: nodes.map(joinLane) });
  }
  const launch = planLaunch({ ...facts, rootfs: ROOTFS_MARK }).map((step): Step => {
    if (step.description.startsWith("Launch helm app")) {
      return { id: step.id, description: `${step.description}: helm apps are not launched over SSH yet`, commands: [["false"]] };
    }
    return {
      id: step.id,
      description: step.description,
      commands: step.commands.map((command) => {
        const env = Object.entries(step.env ?? {}).map(([key, value]) => `${key}=${shellQuote(value)} `).join("");
        const line = `${step.cwd ? `cd ${shellQuote(step.cwd)} && ` : ""}${env}${command.map(shellQuote).join(" ")}`;
        return ssh(master0, line.replaceAll(ROOTFS_MARK, '"$D"/rootfs'));
      }),
    };
  });
  if (launch.length > 0) phases.push({ name: "launch the apps", parallel: false, lanes: [{ host: master0.ip, steps: launch }] });
  return phases;
}

function kubeadmConfigStep(dataDir: string, host: ClusterHostTarget): Step {
  const what =
    host.role === "master0" ? "the kubeadm init config for master0" : `the JoinConfiguration for a ${host.role === "master" ? "master" : "node"} (with the join credentials)`;
  return {
    id: "kubeadm-config",
    description: `Write ${what} to ${dataDir}/hosts/${host.ip}/kubeadm.yaml and copy it to ${host.ip}:${dataDir}/kubeadm.yaml`,
    action: "write-kubeadm-config",
    commands: [],
    shows: [`${formatCommand(sshCommand(host.ssh, KUBEADM_CONFIG_SCRIPT(dataDir)))} < ${dataDir}/hosts/${host.ip}/kubeadm.yaml`],
  };
}

/** The steps of `lade delete` on one host over SSH. */
export function planHostDelete(dataDir: string, target: SshTarget): Step[] {
  const ssh = (body: string) => sshCommand(target, remoteScript(dataDir, body));
  return [
    { id: "kubeadm-reset", description: "Reset what kubeadm set up", commands: [ssh("kubeadm reset -f")] },
    {
      id: "clean-node",
      description: "Undo the node set-up (scripts/clean.sh, when the rootfs is there)",
      commands: [ssh('if [ -f "$D/rootfs/scripts/clean.sh" ]; then bash "$D/rootfs/scripts/clean.sh"; fi')],
    },
    { id: "remove-data-dir", description: `Remove ${dataDir} on the host`, commands: [ssh('rm -rf "$D"')] },
  ];
}
