import { KUBECTL, nodeNameOf } from "../run/kubectl.ts";
import { copyRootfsSteps, initNodeStep, remoteScript, sshCommand, type ClusterHostTarget, type Phase } from "../run/plan-hosts.ts";
import type { Step } from "../run/plan-run.ts";

/** What lade upgrade plans from: the installed cluster's hosts and the new image's version. */
export interface UpgradeFacts {
  readonly dataDir: string;
  readonly hostDir: string;
  /** master0 first, then the other masters, then the nodes (the order they are upgraded in). */
  readonly hosts: readonly ClusterHostTarget[];
  readonly registryHosts: readonly string[];
  /** The version kubeadm upgrades to, e.g. v1.28.15. */
  readonly version: string;
  readonly drainTimeoutSeconds: number;
  /** kubectl drain --force: also evict pods no controller manages (they are lost). */
  readonly force: boolean;
}

/** The local rootfs folders of the new image: DATA_DIR/upgrade-rootfs-<arch>, beside the installed ones. */
export const UPGRADE_ROOTFS_NAME = "upgrade-rootfs";

/** `uname -m` of a host, and whether it has a rootfs of lade's (it is one of the cluster's hosts). */
export const UPGRADE_CHECK_SCRIPT = (hostDir: string) => remoteScript(hostDir, 'uname -m; if [ -d "$D/rootfs" ]; then echo rootfs; else echo none; fi');

/**
 * The phases of `lade upgrade`, as kubeadm's upgrade guide orders them: every host checked; the
 * new rootfs on every host (in parallel; the registry hosts serve its images from then on); on
 * master0 the new kubeadm, `kubeadm upgrade plan` and `apply`; then on every other host, one at a
 * time (the masters first), the new kubeadm and `kubeadm upgrade node`; and each host (master0
 * too) drained on master0, set up again from the new rootfs (runtime, kubelet and kubectl
 * binaries and configs), its kubelet restarted, and uncordoned. Each step is recorded per
 * host, so a failure resumes there.
 */
export function planUpgrade(facts: UpgradeFacts): Phase[] {
  const { hosts, hostDir } = facts;
  const master0 = hosts.find((host) => host.role === "master0");
  if (!master0) throw new Error("planUpgrade needs a master0");
  const onHost = (host: ClusterHostTarget, body: string) => sshCommand(host.ssh, remoteScript(hostDir, body));
  const onMaster0 = (script: string) => sshCommand(master0.ssh, script);
  const step = (id: string, description: string, command: readonly string[]): Step => ({ id, description, commands: [command] });

  const newKubeadm = (host: ClusterHostTarget) =>
    step(
      "upgrade-kubeadm",
      `Install the new kubeadm from ${hostDir}/rootfs/bin on ${host.ip}`,
      onHost(host, `[ -x "$D/rootfs/bin/kubeadm" ] || { echo "$D/rootfs/bin/kubeadm is missing: the image was built without binaries" >&2; exit 1; }; install -D -m 0755 "$D/rootfs/bin/kubeadm" "\${LADE_NODE_ROOT:-}/usr/bin/kubeadm"`),
    );
  const drainFlags = `--ignore-daemonsets --delete-emptydir-data --timeout=${facts.drainTimeoutSeconds}s${facts.force ? " --force" : ""}`;
  const byName = (ip: string, action: string) =>
    `set -e; ${nodeNameOf(ip)}; if [ -z "$name" ]; then echo "no node of the cluster has the address ${ip}" >&2; exit 1; fi; ${KUBECTL} ${action}`;
  const nodeSteps = (host: ClusterHostTarget): Step[] => [
    step("drain", `Drain ${host.ip} on master0 (${master0.ip}): kubectl drain ${drainFlags}`, onMaster0(byName(host.ip, `drain "$name" ${drainFlags}`))),
    { ...initNodeStep(host, hosts, facts.registryHosts, hostDir), id: "init-node", description: `Set up ${host.ip} again from the new rootfs: container runtime, kubelet and kubectl binaries and configs (scripts/init.sh)` },
    step("restart-kubelet", `Restart the kubelet on ${host.ip}`, onHost(host, "systemctl daemon-reload && systemctl restart kubelet")),
    step("uncordon", `Uncordon ${host.ip} on master0`, onMaster0(byName(host.ip, 'uncordon "$name"'))),
  ];

  const phases: Phase[] = [
    {
      name: "check the hosts",
      parallel: true,
      lanes: hosts.map((host) => ({
        host: host.ip,
        record: false,
        steps: [
          {
            id: "check-upgrade",
            description: `Check ${host.ip} (${host.role}): reachable, the architecture lade run found, a rootfs there`,
            action: "check-upgrade",
            commands: [],
            shows: [UPGRADE_CHECK_SCRIPT(hostDir)],
          },
        ],
      })),
    },
    {
      name: "copy the new rootfs",
      parallel: true,
      lanes: hosts.map((host) => ({ host: host.ip, steps: copyRootfsSteps(facts.dataDir, hostDir, host, UPGRADE_ROOTFS_NAME) })),
    },
    {
      name: `upgrade the control plane on master0 (${master0.ip}) to ${facts.version}`,
      parallel: false,
      lanes: [
        {
          host: master0.ip,
          steps: [
            newKubeadm(master0),
            step("upgrade-plan", `kubeadm upgrade plan ${facts.version}: what will change, and whether the cluster can`, onHost(master0, `kubeadm upgrade plan ${facts.version}`)),
            step("upgrade-apply", `kubeadm upgrade apply ${facts.version}: the control plane, etcd, CoreDNS and kube-proxy`, onHost(master0, `kubeadm upgrade apply -y ${facts.version}`)),
            ...nodeSteps(master0),
          ],
        },
      ],
    },
  ];
  // kubeadm's order on every other host: the new kubeadm, `kubeadm upgrade node`, then drained and the rest
  const others = (role: string, name: string): Phase[] => {
    const chosen = hosts.filter((host) => host.role === role);
    if (chosen.length === 0) return [];
    const what = role === "master" ? "its control plane and kubelet config" : "its kubelet config";
    return [
      {
        name,
        parallel: false,
        lanes: chosen.map((host) => ({ host: host.ip, steps: [newKubeadm(host), step("upgrade-node", `kubeadm upgrade node on ${host.ip}: ${what}`, onHost(host, "kubeadm upgrade node")), ...nodeSteps(host)] })),
      },
    ];
  };
  phases.push(...others("master", "upgrade the other masters, one at a time"), ...others("node", "upgrade the nodes, one at a time"));
  return phases;
}
