import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostAliasesScript, hostAliasProblems, REMOVE_HOST_ALIASES_SCRIPT } from "../../src/run/host-aliases.ts";
import { tempDir } from "../support/temp-dir.ts";

/** Runs a script with a host root of its own, as the node scripts run in the lab. */
async function onHost(root: string, script: string): Promise<void> {
  const child = Bun.spawn(["bash", "-c", script], { env: { ...process.env, LADE_NODE_ROOT: root }, stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect(code, err).toBe(0);
}

describe("hostAliases in /etc/hosts", () => {
  const original = "127.0.0.1\tlocalhost\n\n# the team's own\n10.9.9.9 harbor.corp other.corp # keep\n192.168.1.5 sea.hub\n";

  test("each alias is written once, wins over a line naming its hostname, and the clean gives the file back byte for byte", async () => {
    const root = tempDir("lade-aliases-");
    mkdirSync(join(root, "etc"));
    const hosts = join(root, "etc", "hosts");
    writeFileSync(hosts, original, { mode: 0o644 });
    const inode = statSync(hosts).ino;
    const aliases = [
      { ip: "10.0.0.10", hostnames: ["harbor.corp", "registry.corp"] },
      { ip: "fd00::1", hostnames: ["v6.corp"] },
    ];
    await onHost(root, hostAliasesScript(aliases));
    const written = readFileSync(hosts, "utf8");
    expect(written).toBe(
      "127.0.0.1\tlocalhost\n\n# the team's own\n#lade-hostAliases-shadowed# 10.9.9.9 harbor.corp other.corp # keep\n192.168.1.5 sea.hub\n" +
        "10.0.0.10 harbor.corp registry.corp # lade hostAliases\nfd00::1 v6.corp # lade hostAliases\n",
    );
    // a rerun (a resumed install) changes nothing
    await onHost(root, hostAliasesScript(aliases));
    expect(readFileSync(hosts, "utf8")).toBe(written);
    expect(statSync(hosts).ino).toBe(inode);
    await onHost(root, REMOVE_HOST_ALIASES_SCRIPT);
    expect(readFileSync(hosts, "utf8")).toBe(original);
    // nothing to take back: the file stays as it is
    await onHost(root, REMOVE_HOST_ALIASES_SCRIPT);
    expect(readFileSync(hosts, "utf8")).toBe(original);
  });

  test("a host without /etc/hosts gets one with the aliases", async () => {
    const root = tempDir("lade-aliases-");
    mkdirSync(join(root, "etc"));
    await onHost(root, hostAliasesScript([{ ip: "10.0.0.10", hostnames: ["a.corp"] }]));
    expect(readFileSync(join(root, "etc", "hosts"), "utf8")).toBe("10.0.0.10 a.corp # lade hostAliases\n");
  });

  test("hostnames are checked with their place", () => {
    const at = (path: readonly (string | number)[]) => `Clusterfile:spec.hostAliases.${path.join(".")}`;
    expect(hostAliasProblems([{ ip: "10.0.0.1", hostnames: [] }, { ip: "10.0.0.2", hostnames: ["ok.corp", "bad name", "-x"] }], at)).toEqual([
      "Clusterfile:spec.hostAliases.0.hostnames: the host alias of 10.0.0.1 needs hostnames",
      'Clusterfile:spec.hostAliases.1.hostnames.1: "bad name" is not a hostname (letters, digits, "-", "_" and dots)',
      'Clusterfile:spec.hostAliases.1.hostnames.2: "-x" is not a hostname (letters, digits, "-", "_" and dots)',
    ]);
  });
});
