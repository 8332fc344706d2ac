import { HOST_CHECK_SCRIPT } from "./host-report.ts";
import {
  ADMIN_KUBECONFIG,
  CLUSTER_ENV_FILE,
  formatCommand,
  KUBEADM_RESET,
  planLaunch,
  retryingKubeadm,
  shellQuote,
  withClusterEnv,
  type RunFacts,
  type Step,
} from "./plan-run.ts";
import { askpassEnv } from "./ssh-password.ts";
import type { PluginPoint, SealerPlugin } from "../sealer/plugins.ts";
import { pluginSteps } from "./plugin-steps.ts";
import { KUBECTL, nodeNameOf } from "./kubectl.ts";
import { hasNodeMarks, type NodeMarks } from "../sealer/node-marks.ts";
import { hostAliasSteps, nodeMarksStep, removeHostAliasSteps } from "./host-setting-steps.ts";

/** How to reach one host over SSH (the system `ssh`). */
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
  /** A file holding the password, handed to ssh by an askpass script next to it (see ssh-password.ts). */
  readonly passwordFile?: string;
}

/**
 * SSH as state.json keeps it for a host, with this run's password file when the host was reached
 * with a password (its own from PER_HOST, else FOR_ALL): the files of an earlier run are gone.
 */
export function withPasswordFile(ssh: SshTarget, perHost: ReadonlyMap<string, string> | undefined, forAll: string | undefined): SshTarget {
  if (!ssh.passwordFile) return ssh;
  const file = perHost?.get(ssh.address) ?? forAll;
  if (!file) throw new Error(`${ssh.address} was reached with a password: give it again with --ssh-password-stdin (or -f with the Clusterfile)`);
  return { ...ssh, passwordFile: file };
}

export type HostRole = "master0" | "master" | "node";

export interface ClusterHostTarget {
  readonly ip: string;
  readonly role: HostRole;
  readonly ssh: SshTarget;
  /** The Clusterfile's labels and taints for its node. */
  readonly marks?: NodeMarks;
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
    // BatchMode would turn password authentication off: with a password, one prompt, answered by askpass
    ...(target.passwordFile ? ["-o", "BatchMode=no", "-o", "NumberOfPasswordPrompts=1"] : ["-o", "BatchMode=yes"]),
    "-o", `StrictHostKeyChecking=${target.acceptNewHostKeys ? "accept-new" : "yes"}`,
    // ssh reads this option as a list of files: a path with spaces must be quoted for ssh itself
    "-o", `UserKnownHostsFile=${/\s/.test(target.knownHosts) ? `"${target.knownHosts}"` : target.knownHosts}`,
    "-o", "ConnectTimeout=15",
    // init.sh and kubeadm run for minutes: a host that went away is noticed within two minutes
    "-o", "ServerAliveInterval=30",
    ...(target.key ? ["-o", "IdentitiesOnly=yes", "-i", target.key] : []),
    "-p", String(target.port),
  ];
}

/** `ssh … user@host -- SCRIPT`: the script runs in the user's shell on the host. */
export function sshCommand(target: SshTarget, script: string): string[] {
  return [...askpassEnv(target), "ssh", ...sshOptions(target), `${target.user}@${target.address}`, "--", script];
}

export const JOIN_COMMAND_SCRIPT = "kubeadm token create --print-join-command";
export const UPLOAD_CERTS_SCRIPT = "kubeadm init phase upload-certs --upload-certs";

/**
 * Creates $D and notes in $D/.lade-created the topmost folder that made, so that `lade delete`
 * removes the folders lade created and no other; an existing $D must be empty (or lade's).
 */
const MAKE_HOST_DIR =
  'if [ ! -d "$D" ]; then top="$D"; while [ ! -d "$(dirname "$top")" ]; do top="$(dirname "$top")"; done; mkdir -p "$D"; echo "$top" > "$D/.lade-created"; fi; ' +
  // lade delete removes the folder whole: never one that held something else before
  'if [ ! -e "$D/.lade-created" ] && [ ! -e "$D/.lade-host-dir" ] && [ -n "$(ls -A "$D")" ]; then echo "$D holds other files: give an empty or new --host-data-dir" >&2; exit 1; fi; touch "$D/.lade-host-dir";';
/** Removes $D, then its parents up to the topmost one lade created (each only when empty). */
const REMOVE_HOST_DIR =
  'top="$(cat "$D/.lade-created" 2>/dev/null || echo "$D")"; rm -rf "$D"; d="$D"; ' +
  'while [ "$d" != "$top" ] && [ "${d#"$top"/}" != "$d" ]; do d="$(dirname "$d")"; rmdir "$d" 2>/dev/null || break; done';

/**
 * The scripts `copy-rootfs` runs on a host. `check` prints the sha256 of the rootfs there (a blank
 * line when none) and how many bytes of a copy of this tar an interrupted run left there
 * (rootfs.tar.partial, named by rootfs.tar.partial.sha256). `receive(offset)` appends stdin to that
 * partial copy from OFFSET on (0: a fresh copy); a copy shorter than SIZE is kept for the next run,
 * a whole one is checked with sha256sum and unpacked, or removed when it does not check out.
 */
export function copyRootfsScripts(hostDir: string, sha256: string, size: number | string): { check: string; receive: (offset: number | string) => string } {
  const partial = '"$D/rootfs.tar.partial"';
  return {
    check: remoteScript(
      hostDir,
      `cat "$D/rootfs.sha256" 2>/dev/null || echo; ` +
        `if [ "$(cat "$D/rootfs.tar.partial.sha256" 2>/dev/null)" = ${sha256} ] && [ -f ${partial} ]; then stat -c %s ${partial}; else echo 0; fi`,
    ),
    receive: (offset) =>
      remoteScript(
        hostDir,
        `${MAKE_HOST_DIR} rm -rf "$D/rootfs.partial"; ` +
          `if [ ${offset} = 0 ]; then rm -f ${partial}; echo ${sha256} > "$D/rootfs.tar.partial.sha256"; fi; ` +
          `if [ "$(stat -c %s ${partial} 2>/dev/null || echo 0)" != ${offset} ]; then rm -f ${partial}; echo "the partial copy there changed meanwhile: removed, run again" >&2; exit 1; fi; ` +
          `cat >> ${partial}; ` +
          // stdin ends early when the connection drops: the part that came stays for the next run
          `if [ "$(stat -c %s ${partial})" -lt ${size} ]; then echo "the copy stopped after $(stat -c %s ${partial}) of ${size} bytes: run again to continue" >&2; exit 1; fi; ` +
          `if ! echo "${sha256}  $D/rootfs.tar.partial" | sha256sum -c --quiet - >/dev/null 2>&1; then rm -f ${partial} "$D/rootfs.tar.partial.sha256"; echo "the copy does not have sha256 ${sha256}: removed, run again" >&2; exit 1; fi; ` +
          'mkdir "$D/rootfs.partial"; tar -C "$D/rootfs.partial" -xf "$D/rootfs.tar.partial"; ' +
          `rm -rf "$D/rootfs"; mv "$D/rootfs.partial" "$D/rootfs"; rm -f ${partial} "$D/rootfs.tar.partial.sha256"; echo ${sha256} > "$D/rootfs.sha256"`,
      ),
  };
}

export const RENDERED_FILES_SCRIPT = (hostDir: string) => remoteScript(hostDir, 'tar -C "$D/rootfs" -xf -');
export const KUBEADM_CONFIG_SCRIPT = (hostDir: string) => remoteScript(hostDir, 'mkdir -p "$D"; umask 077; cat > "$D/kubeadm.yaml"');
/** The registry's certificate on the registry host (written by the rootfs's init-registry.sh). */
export const READ_REGISTRY_CA_SCRIPT = 'cat "${LADE_NODE_ROOT:-}/etc/lade/registry/ca.crt" 2>/dev/null || true';
/** The registry's certificate and key, one after the other (both PEM), on the first registry host. */
export const READ_REGISTRY_CERTIFICATE_SCRIPT = 'cat "${LADE_NODE_ROOT:-}/etc/lade/registry/tls.crt" "${LADE_NODE_ROOT:-}/etc/lade/registry/tls.key"';
/** Splits the PEM on stdin into the rootfs's etc/registry/tls.crt and tls.key (which init-registry.sh installs). */
export const REGISTRY_CERTIFICATE_SCRIPT = (hostDir: string) =>
  remoteScript(
    hostDir,
    'umask 077; mkdir -p "$D/rootfs/etc/registry"; cat > "$D/registry-pem.partial"; ' +
      "awk -v crt=\"$D/rootfs/etc/registry/tls.crt\" -v key=\"$D/rootfs/etc/registry/tls.key\" '/-----BEGIN/ { out = ($0 ~ /PRIVATE KEY/) ? key : crt } { print > out }' \"$D/registry-pem.partial\"; " +
      'rm -f "$D/registry-pem.partial"; chmod 644 "$D/rootfs/etc/registry/tls.crt"',
  );
export const REGISTRY_CA_SCRIPT = (hostDir: string) => remoteScript(hostDir, 'mkdir -p "$D"; cat > "$D/registry-ca.crt"');
export const APP_MANIFEST_SCRIPT = (hostDir: string, name: string) => remoteScript(hostDir, `mkdir -p "$D/apps"; cat > "$D/apps/${name}.yaml"`);

const ROOTFS_MARK = "/LADE_REMOTE_ROOTFS";

export interface HostsFacts extends Omit<RunFacts, "rootfs" | "hostIp"> {
  readonly hosts: readonly ClusterHostTarget[];
  /** The data folder on every host (DATA_DIR is the one on this machine). */
  readonly hostDir: string;
  /** The hosts that run the cluster's registry (lade-registry.service), the first one first. */
  readonly registryHosts: readonly string[];
}

/**
 * Which registry each host pulls from: a registry host from itself, the others spread over the
 * registry hosts in turn.
 */
export function registryOf(hosts: readonly ClusterHostTarget[], registryHosts: readonly string[]): Map<string, string> {
  const chosen = new Map<string, string>();
  let next = 0;
  for (const host of hosts) {
    if (registryHosts.includes(host.ip)) chosen.set(host.ip, host.ip);
    else chosen.set(host.ip, registryHosts[next++ % registryHosts.length]!);
  }
  return chosen;
}

/**
 * The rootfs of DATA_DIR/<ROOTFS_NAME>-<arch>.tar copied to HOST (resumed, checked by sha256 there),
 * then its templates rendered here with the host's env and copied over.
 */
export function copyRootfsSteps(dataDir: string, hostDir: string, host: ClusterHostTarget, rootfsName = "rootfs"): Step[] {
  const tar = `${dataDir}/${rootfsName}-<arch>.tar`;
  return [
    {
      id: "copy-rootfs",
      description: `Copy ${tar} (the host's architecture) to ${host.ip}:${hostDir}/rootfs, checked by sha256 there; skipped when ${hostDir}/rootfs.sha256 there matches, continued where an interrupted copy stopped`,
      action: "copy-rootfs",
      commands: [],
      shows: [
        formatCommand(sshCommand(host.ssh, copyRootfsScripts(hostDir, "<sha256>", "<size>").check)),
        `${formatCommand(sshCommand(host.ssh, copyRootfsScripts(hostDir, "<sha256>", "<size>").receive("<offset>")))} < ${tar} from <offset> on`,
      ],
    },
    {
      id: "render-templates",
      description: `Render the *.tmpl files under rootfs/{etc,manifests,charts} and ${CLUSTER_ENV_FILE} with ${host.ip}'s env into ${dataDir}/hosts/${host.ip}/files and copy them over`,
      action: "render-templates",
      commands: [],
      shows: [`${formatCommand(sshCommand(host.ssh, RENDERED_FILES_SCRIPT(hostDir)))} < ${dataDir}/hosts/${host.ip}/files.tar`],
    },
  ];
}

/**
 * scripts/init.sh of the rootfs on HOST with the cluster env and the registry settings of its
 * place in the cluster: the registry it pulls from (its own on a registry host), the other
 * registries as mirrors, the peers a push is sent on to; a host without a registry trusts the
 * registry's certificate copied next to its rootfs. Run again by lade upgrade with a new rootfs.
 */
export function initNodeStep(host: ClusterHostTarget, hosts: readonly ClusterHostTarget[], registryHosts: readonly string[], hostDir: string): Step {
  const pullsFrom = registryOf(hosts, registryHosts).get(host.ip)!;
  const isRegistry = registryHosts.includes(host.ip);
  const settings = [`LADE_REGISTRY_IP=${pullsFrom}`, `LADE_WITH_REGISTRY=${isRegistry ? 1 : 0}`];
  if (registryHosts.length > 1) {
    // the other registries are mirrors after the host's own, so pulls go on when one registry host is gone
    settings.push(`LADE_REGISTRY_MIRRORS=${registryHosts.filter((ip) => ip !== pullsFrom).join(",")}`);
    // a push to one registry host is sent on to the others
    if (isRegistry) settings.push(`LADE_REGISTRY_PEERS=${registryHosts.filter((ip) => ip !== host.ip).join(",")}`);
    // the one certificate every registry serves names every registry host
    if (host.ip === registryHosts[0]) settings.push(`LADE_REGISTRY_SANS=\${LADE_REGISTRY_SANS:+\$LADE_REGISTRY_SANS,}${registryHosts.map((ip) => `IP:${ip}`).join(",")}`);
  }
  // the other hosts trust the registry's certificate, when it has one
  const trustRegistry = isRegistry ? "" : 'if [ -f "$D/registry-ca.crt" ]; then export LADE_REGISTRY_CA="$D/registry-ca.crt"; fi; ';
  return {
    id: "init-node",
    description: `Set up the container runtime${isRegistry ? ", the registry" : ` (pulling from the registry on ${pullsFrom})`} and the kubelet (scripts/init.sh with the cluster env)`,
    commands: [sshCommand(host.ssh, remoteScript(hostDir, `${trustRegistry}${withClusterEnv('"$D"/rootfs', "scripts/init.sh", settings)}`))],
  };
}

/**
 * The steps of `lade run` on several hosts over SSH, phase by phase: every host checked before
 * anything changes; the rootfs for its architecture and its rendered templates copied (in
 * parallel); init.sh on the first registry host, which starts the registry; its certificate and
 * key given to the other registry hosts and init.sh there; its certificate handed to the other
 * hosts and init.sh there (in parallel); kubeadm init on master0; the join credentials
 * read on master0; the other masters joined one by one, the nodes in parallel; launch on master0.
 */
export function planHosts(facts: HostsFacts): Phase[] {
  const { dataDir, hostDir, hosts } = facts;
  const master0 = hosts.find((host) => host.role === "master0");
  if (!master0) throw new Error("planHosts needs a master0");
  const registries = facts.registryHosts.map((ip) => {
    const host = hosts.find((candidate) => candidate.ip === ip);
    if (!host) throw new Error(`the registry host ${ip} is not one of the hosts`);
    return host;
  });
  const registry = registries[0];
  if (!registry) throw new Error("planHosts needs a registry host");
  const ssh = (host: ClusterHostTarget, body: string) => sshCommand(host.ssh, remoteScript(hostDir, body));
  const isRegistry = (host: ClusterHostTarget) => registries.includes(host);
  const initNode = (host: ClusterHostTarget) => initNodeStep(host, hosts, facts.registryHosts, hostDir);
  const plugins = (point: PluginPoint, host: ClusterHostTarget) => pluginSteps(facts.plugins ?? [], point, host, '"$D"/rootfs', (line) => ssh(host, line), CLUSTER_ENV_FILE);
  /** A phase of the plugins that run at POINT, on each host they select (in parallel). */
  const pluginPhase = (point: PluginPoint, name: string): Phase[] => {
    const lanes = hosts.map((host) => ({ host: host.ip, steps: plugins(point, host) })).filter((lane) => lane.steps.length > 0);
    return lanes.length > 0 ? [{ name, parallel: true, lanes }] : [];
  };
  const phases: Phase[] = [
    {
      name: "check the hosts",
      parallel: true,
      lanes: hosts.map((host) => ({
        host: host.ip,
        steps: [
          {
            id: "check-host",
            description: `Check ${host.ip} (${host.role}${isRegistry(host) ? ", registry" : ""}): OS, architecture, swap, ports, kernel modules`,
            action: "check-host",
            commands: [],
            shows: [formatCommand(sshCommand(host.ssh, HOST_CHECK_SCRIPT))],
          },
        ],
      })),
    },
    {
      name: "copy the rootfs",
      parallel: true,
      lanes: hosts.map((host) => ({
        host: host.ip,
        steps: [
          ...hostAliasSteps(facts, (script) => ssh(host, script)),
          ...copyRootfsSteps(dataDir, hostDir, host),
        ],
      })),
    },
    ...pluginPhase("before-node-setup", "plugins before the hosts are set up"),
    {
      name: `start the registry on ${registry.ip}`,
      parallel: false,
      lanes: [{ host: registry.ip, steps: [initNode(registry)] }],
    },
  ];
  if (registries.length > 1) {
    phases.push({
      name: "start the other registries",
      parallel: true,
      lanes: registries.slice(1).map((host) => ({
        host: host.ip,
        steps: [
          {
            id: "registry-certificate",
            description: `Give ${host.ip} the registry certificate and key of ${registry.ip} (as rootfs/etc/registry/tls.crt and tls.key there): every registry is the same sea.hub`,
            action: "registry-certificate",
            commands: [],
            shows: [formatCommand(sshCommand(registry.ssh, READ_REGISTRY_CERTIFICATE_SCRIPT)), `${formatCommand(sshCommand(host.ssh, REGISTRY_CERTIFICATE_SCRIPT(hostDir)))} < the certificate and key`],
          },
          initNode(host),
        ],
      })),
    });
  }
  const others = hosts.filter((host) => !isRegistry(host));
  if (others.length > 0) {
    phases.push({
      name: "prepare the other hosts",
      parallel: true,
      lanes: others.map((host) => ({
        host: host.ip,
        steps: [
          {
            id: "registry-ca",
            description: `Copy the registry's certificate from ${registry.ip} to ${host.ip}:${hostDir}/registry-ca.crt (when the registry has one)`,
            action: "registry-ca",
            commands: [],
            shows: [formatCommand(sshCommand(registry.ssh, READ_REGISTRY_CA_SCRIPT)), `${formatCommand(sshCommand(host.ssh, REGISTRY_CA_SCRIPT(hostDir)))} < the certificate`],
          },
          initNode(host),
        ],
      })),
    });
  }
  phases.push(...pluginPhase("after-node-setup", "plugins after the hosts are set up"));
  phases.push({
    name: "initialize the control plane",
    parallel: false,
    lanes: [
      {
        host: master0.ip,
        steps: [
          kubeadmConfigStep(dataDir, hostDir, master0),
          {
            id: "kubeadm-init",
            description: "Initialize the control plane",
            commands: [ssh(master0, retryingKubeadm('"$D/kubeadm-init.started"', 'kubeadm init --config "$D/kubeadm.yaml" --upload-certs'))],
          },
        ],
      },
    ],
  });
  phases.push(...pluginPhase("after-init", "plugins after kubeadm init"));
  const joiners = hosts.filter((host) => host.role !== "master0");
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
    // the JoinConfiguration is written in the join step itself: a retry gets the fresh credentials
    const joinLane = (host: ClusterHostTarget): Lane => ({
      host: host.ip,
      steps: [
        ...plugins("before-join", host),
        {
          ...kubeadmConfigStep(dataDir, hostDir, host),
          id: "kubeadm-join",
          description: `${host.role === "master" ? "Join as a control-plane node" : "Join as a worker node"}, with the JoinConfiguration (the join credentials) written to ${dataDir}/hosts/${host.ip}/kubeadm.yaml and copied to ${host.ip}:${hostDir}/kubeadm.yaml`,
          commands: [ssh(host, retryingKubeadm('"$D/kubeadm-join.started"', 'kubeadm join --config "$D/kubeadm.yaml"'))],
        },
        ...plugins("after-join", host),
      ],
    });
    const otherMasters = joiners.filter((host) => host.role === "master");
    const nodes = joiners.filter((host) => host.role === "node");
    if (otherMasters.length > 0) phases.push({ name: "join the other masters", parallel: false, lanes: otherMasters.map(joinLane) });
    if (nodes.length > 0) phases.push({ name: "join the nodes", parallel: true, lanes: nodes.map(joinLane) });
  }
  const marked = hosts.filter((host) => hasNodeMarks(host.marks));
  if (marked.length > 0) {
    phases.push({
      name: "label and taint the nodes",
      parallel: false,
      lanes: [{ host: master0.ip, steps: marked.map((host) => nodeMarksStep(host.ip, host.marks!, (script) => sshCommand(master0.ssh, script))) }],
    });
  }
  const launch = planLaunch({ ...facts, rootfs: ROOTFS_MARK }).map((step): Step => {
    const remoteCommand = (command: readonly string[]) => {
      const env = Object.entries(step.env ?? {}).map(([key, value]) => `${key}=${shellQuote(value)} `).join("");
      const line = `${step.cwd ? `cd ${shellQuote(step.cwd)} && ` : ""}${env}${command.map(shellQuote).join(" ")}`;
      return ssh(master0, line.replaceAll(ROOTFS_MARK, '"$D"/rootfs'));
    };
    if (step.helmApp) {
      // the chart is rendered here, where lade is, and the manifests applied on master0
      const manifest = `${dataDir}/hosts/${master0.ip}/apps/${step.helmApp}.yaml`;
      return {
        id: step.id,
        description: `Launch helm app ${step.helmApp}: render its chart here into ${manifest}, copy it to ${master0.ip}:${hostDir}/apps and apply it there`,
        action: "render-helm-app",
        helmApp: step.helmApp,
        shows: [`${formatCommand(sshCommand(master0.ssh, APP_MANIFEST_SCRIPT(hostDir, step.helmApp)))} < ${manifest}`],
        commands: [ssh(master0, `KUBECONFIG=${ADMIN_KUBECONFIG} kubectl apply -f "$D/apps/${step.helmApp}.yaml"`)],
      };
    }
    return { id: step.id, description: step.description, commands: step.commands.map(remoteCommand) };
  });
  phases.push(...pluginPhase("before-launch", "plugins before the apps are launched"));
  if (launch.length > 0) phases.push({ name: "launch the apps", parallel: false, lanes: [{ host: master0.ip, steps: launch }] });
  phases.push(...pluginPhase("after-install", "plugins after the install"));
  return phases;
}

function kubeadmConfigStep(dataDir: string, hostDir: string, host: ClusterHostTarget): Step {
  const what =
    host.role === "master0" ? "the kubeadm init config for master0" : `the JoinConfiguration for a ${host.role === "master" ? "master" : "node"} (with the join credentials)`;
  return {
    id: "kubeadm-config",
    description: `Write ${what} to ${dataDir}/hosts/${host.ip}/kubeadm.yaml and copy it to ${host.ip}:${hostDir}/kubeadm.yaml`,
    action: "write-kubeadm-config",
    commands: [],
    shows: [`${formatCommand(sshCommand(host.ssh, KUBEADM_CONFIG_SCRIPT(hostDir)))} < ${dataDir}/hosts/${host.ip}/kubeadm.yaml`],
  };
}

/**
 * `kubectl delete node` on master0 for a host leaving the cluster: the node whose InternalIP is
 * IP (whatever kubeadm named it), drained first; nothing when no node has that address.
 */
export function removeNodeScript(ip: string): string {
  return (
    `set -e; ${nodeNameOf(ip)}; ` +
    `if [ -n "$name" ]; then ${KUBECTL} drain "$name" --ignore-daemonsets --delete-emptydir-data --force --timeout=120s || true; ${KUBECTL} delete node "$name"; fi`
  );
}

/** The steps of `lade delete` on one host over SSH. */
export function planHostDelete(
  hostDir: string,
  target: SshTarget & { readonly role: string },
  master0?: SshTarget & { readonly ip: string },
  cleanPlugins: readonly SealerPlugin[] = [],
  wroteHostAliases = false,
): { readonly beforeClean: Step[]; readonly clean: Step[] } {
  const ssh = (body: string) => sshCommand(target, remoteScript(hostDir, body));
  const plugins = (point: PluginPoint) => pluginSteps(cleanPlugins, point, { ip: target.address, role: target.role }, '"$D"/rootfs', ssh, CLUSTER_ENV_FILE);
  return {
    // sealer runs every host's PreClean before any host is cleaned
    beforeClean: plugins("before-clean"),
    clean: [
      ...(master0
        ? [{ id: "remove-node", description: `Remove the node from the cluster on master0 (${master0.ip}): kubectl drain and delete node`, commands: [sshCommand(master0, removeNodeScript(target.address))] }]
        : []),
      { id: "kubeadm-reset", description: "Reset what kubeadm set up (when kubeadm is installed)", commands: [ssh(KUBEADM_RESET)] },
      {
        id: "clean-node",
        description: "Undo the node set-up (scripts/clean.sh with the cluster env, when the rootfs is there)",
        commands: [ssh(`if [ -f "$D/rootfs/scripts/clean.sh" ]; then ${withClusterEnv('"$D"/rootfs', "scripts/clean.sh")}; fi`)],
      },
      ...plugins("after-clean"),
      ...removeHostAliasSteps(wroteHostAliases, (script) => sshCommand(target, script)),
      { id: "remove-data-dir", description: `Remove ${hostDir} on the host (and the folders above it that lade made)`, commands: [ssh(REMOVE_HOST_DIR)] },
    ],
  };
}
