import { describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeMarksScript } from "../../src/run/node-labels.ts";
import { nodeMarksProblems, parseTaint } from "../../src/sealer/node-marks.ts";
import { tempDir } from "../support/temp-dir.ts";

describe("sealer's taint spellings", () => {
  test("the ones that add a taint, as kubectl taint reads them", () => {
    expect(parseTaint("dedicated=gpu:NoSchedule")).toEqual({ remove: false, argument: "dedicated=gpu:NoSchedule" });
    expect(parseTaint(" example.com/spot:PreferNoSchedule ")).toEqual({ remove: false, argument: "example.com/spot:PreferNoSchedule" });
    expect(parseTaint("key1=:NoExecute")).toEqual({ remove: false, argument: "key1:NoExecute" });
  });

  test("the ones that remove one", () => {
    expect(parseTaint("node-role.kubernetes.io/master-")).toEqual({ remove: true, argument: "node-role.kubernetes.io/master-" });
    expect(parseTaint("node-role.kubernetes.io/control-plane:NoSchedule-")).toEqual({ remove: true, argument: "node-role.kubernetes.io/control-plane:NoSchedule-" });
  });

  test("the wrong ones say why", () => {
    expect(parseTaint("dedicated=gpu")).toBe('"dedicated=gpu" names no effect (NoSchedule, PreferNoSchedule or NoExecute): write key=value:Effect or key:Effect (to remove a taint: key- or key:Effect-)');
    expect(parseTaint("a=b:NoScheduled")).toBe('"a=b:NoScheduled": the effect "NoScheduled" is not one of NoSchedule, PreferNoSchedule, NoExecute');
    expect(parseTaint("a=b:NoSchedule-")).toBe('"a=b:NoSchedule-": a taint to remove is key- or key:Effect- (no value)');
    expect(parseTaint("a=b=c:NoSchedule")).toBe('"a=b=c:NoSchedule": it has more than one "="');
    expect(parseTaint("Bad_Prefix/x:NoSchedule")).toBe('"Bad_Prefix/x:NoSchedule": the prefix "Bad_Prefix" is not a DNS subdomain (lower-case letters, digits, "-" and ".")');
  });

  test("labels and taints are checked with their place", () => {
    const at = (path: readonly (string | number)[]) => `Clusterfile:${path.join(".")}`;
    expect(nodeMarksProblems({ labels: { "disk/type": "ssd", "a b": "1", ok: "x".repeat(64) }, taints: ["x:NoSchedule", "y"] }, at)).toEqual([
      'Clusterfile:labels.a b: the label a b=1 cannot be set: "a b" is not a name: at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit',
      `Clusterfile:labels.ok: the label ok=${"x".repeat(64)} cannot be set: the value "${"x".repeat(64)}" is not one: at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit`,
      'Clusterfile:taints.1: the taint "y" names no effect (NoSchedule, PreferNoSchedule or NoExecute): write key=value:Effect or key:Effect (to remove a taint: key- or key:Effect-)',
    ]);
  });
});

describe("the script that labels and taints a node on master0", () => {
  /** A kubectl stand-in: logs its calls; the cluster has node-a (10.0.0.1) and node-b (10.0.0.2); removing taint gone- fails as kubectl does. */
  function kubectlStandIn(): { bin: string; log: string } {
    const dir = tempDir("lade-kubectl-");
    const log = join(dir, "log");
    writeFileSync(
      join(dir, "kubectl"),
      [
        "#!/bin/sh",
        `printf '%s\\n' "$*" >> ${log}`,
        'case "$*" in',
        '  *"get nodes"*) printf "node-a 10.0.0.1\\nnode-b 10.0.0.2\\n" ;;',
        '  *"taint node node-b gone-"*) echo \'error: taint "gone" not found\' >&2; exit 1 ;;',
        '  *"taint node node-b broken-"*) echo "error: the server is down" >&2; exit 1 ;;',
        "esac",
        "",
      ].join("\n"),
    );
    chmodSync(join(dir, "kubectl"), 0o755);
    return { bin: dir, log };
  }

  async function run(script: string, bin: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const child = Bun.spawn(["bash", "-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { code, stdout, stderr };
  }

  test("finds the node by its address, merges the labels, applies the taints in order; a taint that is not there is not an error", async () => {
    const { bin, log } = kubectlStandIn();
    const script = nodeMarksScript("10.0.0.2", { labels: { "disk/type": "ssd", zone: "east" }, taints: ["dedicated=gpu:NoSchedule", "gone-", "node-role.kubernetes.io/master:NoSchedule-"] });
    const result = await run(script, bin);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('error: taint "gone" not found: nothing to remove\n');
    const k = "--kubeconfig /etc/kubernetes/admin.conf";
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toEqual([
      `${k} get nodes -o jsonpath={range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}`,
      `${k} label node node-b --overwrite disk/type=ssd zone=east`,
      `${k} taint node node-b --overwrite dedicated=gpu:NoSchedule`,
      `${k} taint node node-b gone-`,
      `${k} taint node node-b node-role.kubernetes.io/master:NoSchedule-`,
    ]);
  });

  test("any other kubectl failure fails the step", async () => {
    const { bin } = kubectlStandIn();
    const result = await run(nodeMarksScript("10.0.0.2", { labels: {}, taints: ["broken-"] }), bin);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: the server is down\n");
  });

  test("a node that never registers fails the step, naming its address", async () => {
    const { bin, log } = kubectlStandIn();
    const result = await run(nodeMarksScript("10.0.0.9", { labels: { a: "b" }, taints: [] }, 2), bin);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("no node of the cluster has the address 10.0.0.9 (kubectl get nodes): its kubelet did not register\n");
    expect(readFileSync(log, "utf8").split("\n").filter((line) => line.includes("get nodes"))).toHaveLength(2);
  });
});
