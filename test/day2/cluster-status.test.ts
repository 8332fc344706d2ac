import { describe, expect, test } from "bun:test";
import { clusterStatus, formatClusterStatus } from "../../src/day2/cluster-status.ts";
import { remoteScript, selectHosts } from "../../src/day2/exec-hosts.ts";
import type { MultiHostState } from "../../src/run/install-hosts.ts";

const ssh = (address: string) => ({ address, user: "root", port: 22, knownHosts: "/k", acceptNewHostKeys: false });
const STATE: MultiHostState = {
  image: "docker.io/library/c:1",
  done: [],
  hostDir: "/var/lib/lade/node",
  registryHosts: ["10.0.0.2"],
  hosts: {
    "10.0.0.2": { role: "master0", ssh: ssh("10.0.0.2"), arch: "amd64", done: ["check-host", "kubeadm-init"] },
    "10.0.0.3": { role: "master", ssh: ssh("10.0.0.3"), arch: "amd64", done: ["check-host"] },
    "10.0.0.4": { role: "node", ssh: { ...ssh("10.0.0.4"), passwordFile: "/gone" }, done: [] },
  },
};

describe("lade status, from the run state", () => {
  test("a run that stopped is installing, and says that lade run goes on; one lade delete began on is deleting", () => {
    const status = clusterStatus(STATE);
    expect(status.phase).toBe("installing");
    expect(formatClusterStatus(status, "/d")).toEqual([
      "Cluster of /d: installing",
      "  image     docker.io/library/c:1",
      "  host dir  /var/lib/lade/node",
      "  registry  10.0.0.2",
      "  hosts:",
      "    10.0.0.2  master0, registry  amd64  2 steps done, last kubeadm-init",
      "    10.0.0.3  master  amd64  1 steps done, last check-host",
      "    10.0.0.4  node  ?  0 steps done",
    ]);
    expect(clusterStatus({ ...STATE, installedAt: "2026-12-07T00:00:00.000Z" }).phase).toBe("installed");
    expect(clusterStatus({ ...STATE, hosts: { ...STATE.hosts, "10.0.0.4": { ...STATE.hosts!["10.0.0.4"]!, deleted: ["kubeadm-reset"] } } }).phase).toBe("deleting");
    expect(formatClusterStatus(clusterStatus({ done: ["unpack-rootfs"], image: "x:1" }), "/d")[0]).toBe("Cluster of /d: installing (stopped after unpack-rootfs: lade run again goes on)");
  });

  test("the Kubernetes version, and an upgrade that stopped, with the command that goes on", () => {
    const upgrading: MultiHostState = { ...STATE, kubeVersion: "v1.27.3", upgrade: { image: "docker.io/library/c:2", digest: "sha256:2", from: "v1.27.3", to: "v1.28.15", hosts: {} } };
    expect(formatClusterStatus(clusterStatus(upgrading), "/d").slice(1, 4)).toEqual([
      "  image     docker.io/library/c:1",
      "  version   Kubernetes v1.27.3",
      "  upgrade   to v1.28.15 (docker.io/library/c:2) not finished: lade upgrade docker.io/library/c:2 goes on",
    ]);
  });
});

describe("lade exec, choosing hosts", () => {
  test("roles: master is master0 and the other masters; --hosts narrows; a password host needs the password again", () => {
    expect(selectHosts(STATE, { roles: ["master"] }).map((target) => target.ip)).toEqual(["10.0.0.2", "10.0.0.3"]);
    expect(selectHosts(STATE, { roles: ["master"], hosts: ["10.0.0.3"] }).map((target) => target.ip)).toEqual(["10.0.0.3"]);
    expect(() => selectHosts(STATE, { roles: ["node"] })).toThrow("10.0.0.4 was reached with a password: give it again with --ssh-password-stdin");
    expect(selectHosts(STATE, { roles: ["node"] }, "/tmp/pw")[0]!.ssh.passwordFile).toBe("/tmp/pw");
    expect(() => selectHosts(STATE, { roles: ["worker"] })).toThrow('Unknown role "worker": use master or node');
    expect(() => selectHosts({ done: [] }, {})).toThrow("this cluster was installed on this machine, not over SSH");
  });

  test("one word is a script; several are a command, each word quoted", () => {
    expect(remoteScript(["systemctl restart kubelet && echo ok"])).toBe("systemctl restart kubelet && echo ok");
    expect(remoteScript(["printf", "%s", "a b", "$HOME"])).toBe("printf %s 'a b' '$HOME'");
    expect(() => remoteScript([])).toThrow("Give the command after --");
  });
});

describe("lade cert --alt-names, the configuration", () => {
  test("names are added once, after those the cluster has; each master's config names its own address", async () => {
    const { withAltNames, masterCertConfig } = await import("../../src/day2/certificates.ts");
    const updated = withAltNames("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  certSANs: [a.example.com]\n", ["b.example.com", "a.example.com", "b.example.com"]);
    expect(updated.added).toEqual(["b.example.com"]);
    expect(masterCertConfig(updated, "10.0.0.3")).toBe(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.3\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  certSANs:\n    - a.example.com\n    - b.example.com\n",
    );
    expect(() => withAltNames("", ["x"])).toThrow("the cluster's kubeadm-config ConfigMap holds no ClusterConfiguration");
  });
});

describe("lade apply's plan", () => {
  const cluster = (hosts: { ips: string[]; roles: string[] }[]) => ({ hosts: hosts.map((host) => ({ ...host, ssh: {} })) }) as never;
  test("joins what the Clusterfile adds, deletes what it leaves out; master0 stays first and no host changes its role", async () => {
    const { planApply } = await import("../../src/day2/apply-plan.ts");
    expect(planApply(STATE, cluster([{ ips: ["10.0.0.2", "10.0.0.3"], roles: ["master"] }, { ips: ["10.0.0.9"], roles: ["node"] }]))).toEqual({ join: ["10.0.0.9"], remove: ["10.0.0.4"], keep: ["10.0.0.2", "10.0.0.3"] });
    expect(() => planApply(STATE, cluster([{ ips: ["10.0.0.3", "10.0.0.2"], roles: ["master"] }]))).toThrow("The Clusterfile's first master is 10.0.0.3, but this cluster's master0 is 10.0.0.2: keep it first");
    expect(() => planApply(STATE, cluster([{ ips: ["10.0.0.2"], roles: ["master"] }, { ips: ["10.0.0.3"], roles: ["node"] }]))).toThrow("10.0.0.3 is a master of this cluster and a node in the Clusterfile");
    expect(() => planApply({ done: [] }, cluster([]))).toThrow("installed on this machine, not over SSH");
  });
});
