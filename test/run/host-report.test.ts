import { describe, expect, test } from "bun:test";
import { formatClusterEnvFile } from "../../src/run/cluster-env-file.ts";
import { HOST_CHECK_SCRIPT, judgeHost, parseHostReport } from "../../src/run/host-report.ts";
import { askpassEnv, createPasswordFile, removePasswordFiles } from "../../src/run/ssh-password.ts";
import { statSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

const REPORT = [
  "Linux aarch64",
  "--uid",
  "1000",
  "--swaps",
  "/swapfile file 1048572 0 -2",
  "--listening",
  "00000000:2710",
  "0100007F:1F90",
  "00000000000000000000000000000000:192B",
  "--modules",
  "overlay yes",
  "br_netfilter no",
  "",
].join("\n");

describe("the host check", () => {
  test("reads uname, swap, listening ports (IPv4 and IPv6) and modules", () => {
    const report = parseHostReport(REPORT);
    expect(report).toMatchObject({ os: "Linux", machine: "aarch64", uid: 1000, swapOn: true });
    expect([...report.listening].sort((a, b) => a - b)).toEqual([6443, 8080, 10000]);
    expect([...report.modules]).toEqual([["overlay", true], ["br_netfilter", false]]);
  });

  test("says every problem at once: platform, busy ports of the role, missing modules", () => {
    const verdict = judgeHost(parseHostReport(REPORT), { role: "master", registryPort: 10000, architectures: ["amd64"] });
    expect(verdict.arch).toBeUndefined();
    expect(verdict.problems).toEqual([
      "it is aarch64 and the image has no linux/arm64 platform: it has linux/amd64",
      "the commands run as user id 1000, not root: log in as root (the node scripts install system files and services)",
      "ports 6443, 10000 are in use (something listens there already; kubeadm and the registry need them)",
      "the kernel modules br_netfilter are neither loaded, built in nor loadable with modprobe",
    ]);
    // a node needs only the kubelet's port; 6443 there is someone else's business
    const node = judgeHost(parseHostReport(REPORT.replace("br_netfilter no", "br_netfilter yes").replace("1000", "0")), { role: "node", architectures: ["arm64"] });
    expect(node).toMatchObject({ arch: "arm64", problems: [] });
    expect(node.notes).toContain("swap on (init.sh turns it off: the kubelet needs it off)");
    expect(judgeHost(parseHostReport("Darwin arm64\n"), { role: "node", architectures: ["arm64"] }).problems).toEqual([
      "it runs Darwin: lade installs Kubernetes on Linux only",
    ]);
  });

  test("the script run on this machine sees a port this test listens on", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const child = Bun.spawn(["sh", "-c", HOST_CHECK_SCRIPT], { stdout: "pipe", stderr: "pipe" });
      const report = parseHostReport(await new Response(child.stdout).text());
      expect(await child.exited).toBe(0);
      expect(report.os).toBe("Linux");
      expect(report.uid).toBe(process.getuid!());
      expect(report.listening.has(server.port)).toBe(true);
      expect([...report.modules.keys()]).toEqual(["overlay", "br_netfilter"]);
    } finally {
      server.stop(true);
    }
  });
});

describe("the cluster env file", () => {
  test("quotes values for the shell, joins lists, leaves out names a shell cannot take and reserved ones", async () => {
    const text = formatClusterEnvFile({ PodCIDR: "10.1.0.0/16", Note: "it's $HOME", SANs: ["a", "b"], PATH: "/evil", "bad-name": "x" });
    expect(text.split("\n").slice(1)).toEqual(["Note='it'\\''s $HOME'", "PodCIDR=10.1.0.0/16", "SANs='a b'", ""]);
    // what the node scripts get: the values exactly, PATH untouched
    const file = join(dirname(createPasswordFile("unused")), "cluster.env");
    await Bun.write(file, text);
    const child = Bun.spawn(["bash", "-c", `set -a; . ${file}; set +a; bash -c 'printf "%s|%s|%s|%s" "$Note" "$PodCIDR" "$SANs" "$PATH"'`], { stdout: "pipe" });
    expect(await new Response(child.stdout).text()).toBe(`it's $HOME|10.1.0.0/16|a b|${process.env.PATH}`);
    removePasswordFiles();
  });
});

describe("SSH passwords", () => {
  test("live in a private file that the askpass script prints; ssh gets only paths", async () => {
    const file = createPasswordFile("s3cret 'x'");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const env = askpassEnv({ passwordFile: file });
    expect(env).toEqual(["env", `SSH_ASKPASS=${join(dirname(file), "askpass")}`, "SSH_ASKPASS_REQUIRE=force", `LADE_SSH_PASSWORD_FILE=${file}`]);
    expect(env.join(" ")).not.toContain("s3cret");
    const child = Bun.spawn([...env, join(dirname(file), "askpass"), "root@host's password:"], { stdout: "pipe" });
    expect(await new Response(child.stdout).text()).toBe("s3cret 'x'\n");
    expect(readFileSync(file, "utf8")).toBe("s3cret 'x'\n");
    expect(askpassEnv({})).toEqual([]);
    // hosts sharing a password share its file
    expect(createPasswordFile("s3cret 'x'")).toBe(file);
    expect(createPasswordFile("other")).not.toBe(file);
    removePasswordFiles();
    expect(existsSync(file)).toBe(false);
  });
});
