import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Lab, labUnavailableReason, startLab } from "../support/netns-lab.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * The lab itself: SSH into its hosts, their isolation from the machine and from each other, the
 * fake systemctl, snapshots and the clean-up. Needs root (skipped otherwise).
 */
const PASSWORD = "lab-Password-1";
const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function sha256(path: string): string {
  return new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
}

function sshArgs(lab: Lab, ip: string, script: string): string[] {
  return [
    "ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${lab.knownHosts}`,
    "-i", lab.clientKey, `root@${ip}`, "--", script,
  ];
}

/** Paths whose values differ (or exist on one side only). */
function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

/** curl from the operator namespace, retried while the server comes up. */
async function curlFromOperator(lab: Lab, url: string, attempts = 50): Promise<{ exitCode: number; stdout: string }> {
  let result = { exitCode: -1, stdout: "" };
  for (let attempt = 0; attempt < attempts; attempt++) {
    result = await lab.exec(["curl", "-sf", "--max-time", "2", url]);
    if (result.exitCode === 0) break;
    await Bun.sleep(100);
  }
  return result;
}

// snapshots walk the whole /usr of a host: seconds when the machine is busy with other tests
setDefaultTimeout(60_000);

describe.skipIf(labUnavailableReason() !== undefined)("netns lab", () => {
  const machineShadow = existsSync("/etc/shadow") ? sha256("/etc/shadow") : "";
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab([{}, { password: PASSWORD, env: { LAB_GREETING: "two words" } }]);
  });
  afterAll(() => lab?.stop());

  test("hosts answer SSH from the operator namespace with the client key, PATH and env set", async () => {
    expect(lab.operatorIp).toBe("127.77.0.1");
    expect(lab.hosts.map((host) => host.ip)).toEqual(["127.77.0.11", "127.77.0.12"]);
    expect(readFileSync(lab.knownHosts, "utf8")).toMatch(/^127\.77\.0\.11 ssh-ed25519 AAAA\S+\n127\.77\.0\.12 ssh-ed25519 AAAA\S+\n$/);

    const result = await lab.exec(sshArgs(lab, "127.77.0.11", "echo $PATH; cat /proc/net/dev"));
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    // root's ~/.bashrc may put more in front; the session's PATH comes from sshd's SetEnv.
    expect(result.stdout.split("\n")[0]).toEndWith(HOST_PATH);
    expect(result.stdout).toMatch(/^\s*eth0:/m);

    const second = await lab.exec(sshArgs(lab, "127.77.0.12", 'echo "$LAB_GREETING"; command -v systemctl'));
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe("two words\n/usr/local/sbin/systemctl\n");
  });

  test("host 1 reaches host 2 over TCP", async () => {
    const [one, two] = lab.hosts as [Lab["hosts"][0], Lab["hosts"][0]];
    await two.sh("mkdir -p /var/lib/lab-web && echo from-host-2 > /var/lib/lab-web/marker");
    const pid = (
      await two.sh("setsid python3 -m http.server 8000 --bind 127.77.0.12 --directory /var/lib/lab-web </dev/null >/dev/null 2>&1 & echo $!")
    ).trim();
    try {
      const fetched = await one.sh(
        "for i in $(seq 50); do curl -sf --max-time 2 http://127.77.0.12:8000/marker && exit 0; sleep 0.1; done; exit 1",
      );
      expect(fetched).toBe("from-host-2\n");
    } finally {
      await two.sh(`kill ${pid}; rm -r /var/lib/lab-web`);
    }
  });

  test("files written in a host stay in that host", async () => {
    const [one, two] = lab.hosts as [Lab["hosts"][0], Lab["hosts"][0]];
    await one.sh("echo one > /etc/lab-isolation; echo one > /var/lib/lab-isolation; echo one > /usr/local/lab-isolation");
    try {
      expect(await one.sh("cat /etc/lab-isolation /var/lib/lab-isolation")).toBe("one\none\n");
      for (const path of ["/etc/lab-isolation", "/var/lib/lab-isolation", "/usr/local/lab-isolation"]) expect(existsSync(path)).toBe(false);
      expect(await two.sh("ls /etc/lab-isolation /var/lib/lab-isolation /usr/local/lab-isolation 2>/dev/null || true")).toBe("");
      expect(readFileSync(join(one.dir, "etc-upper", "lab-isolation"), "utf8")).toBe("one\n");
      expect(readFileSync(join(one.dir, "var", "lib", "lab-isolation"), "utf8")).toBe("one\n");
      expect(readFileSync(join(one.dir, "usr-upper", "local", "lab-isolation"), "utf8")).toBe("one\n");
    } finally {
      await one.sh("rm /etc/lab-isolation /var/lib/lab-isolation /usr/local/lab-isolation");
    }
  });

  test("the fake systemctl enables, starts, checks and stops a unit", async () => {
    const [one] = lab.hosts as [Lab["hosts"][0]];
    await one.sh(`mkdir -p /etc/lab
printf '# comment\\n\\nARGS=--bind 127.77.0.11\\nQUOTED="a b"\\n' > /etc/lab/t.env
cat > /etc/systemd/system/t.service <<'EOF'
[Unit]
Description=lab self-test

[Service]
Environment="GREETING=hello world" EMPTY=
EnvironmentFile=/etc/lab/t.env
EnvironmentFile=-/etc/lab/missing.env
ExecStartPre=-/bin/false
ExecStartPre=/bin/sh -c "echo \${GREETING}/\${QUOTED}/$EMPTY/ > /run/t-pre"
ExecStart=/usr/bin/python3 -m http.server 8088 $EMPTY $ARGS

[Install]
WantedBy=multi-user.target
EOF`);
    const wants = "/etc/systemd/system/multi-user.target.wants/t.service";
    try {
      await one.sh("systemctl enable t.service");
      expect((await one.sh(`readlink ${wants}`)).trim()).toBe("/etc/systemd/system/t.service");
      expect(existsSync(wants)).toBe(false);
      expect(await one.sh("systemctl is-enabled t.service")).toBe("enabled\n");

      // Started over SSH: the service outlives the session.
      const started = await lab.exec(sshArgs(lab, one.ip, "systemctl daemon-reload && systemctl start t.service"));
      expect(started.stderr).toBe("");
      expect(started.exitCode).toBe(0);
      expect((await curlFromOperator(lab, "http://127.77.0.11:8088/")).exitCode).toBe(0);
      expect(await one.sh("cat /run/t-pre")).toBe("hello world/a b//\n");
      expect(await one.exec(["systemctl", "is-active", "--quiet", "t.service"])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      expect(await one.sh("systemctl is-active t")).toBe("active\n");

      const pid = Number(await one.sh("cat /run/fake-systemd/t.service.pid"));
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toEqual(["/usr/bin/python3", "-m", "http.server", "8088", "--bind", "127.77.0.11", ""]);
      await one.sh("systemctl stop t.service");
      expect((await one.exec(["systemctl", "is-active", "t.service"])).exitCode).not.toBe(0);
      expect((await lab.exec(["curl", "-sf", "--max-time", "2", "http://127.77.0.11:8088/"])).exitCode).not.toBe(0);
      expect(await one.sh("systemctl stop t.service; ls /run/fake-systemd")).toBe("calls\nt.service.log\n");

      await one.sh("systemctl disable t.service");
      expect(await one.sh(`test -e ${wants} || test -L ${wants} || echo gone`)).toBe("gone\n");
      expect((await one.exec(["systemctl", "is-enabled", "t.service"])).exitCode).not.toBe(0);

      const missing = await one.exec(["systemctl", "start", "nothing.service"]);
      expect(missing.exitCode).not.toBe(0);
      expect(missing.stderr).toContain("nothing.service");
      const unknown = await one.exec(["systemctl", "isolate", "rescue.target"]);
      expect(unknown.exitCode).toBe(1);

      const calls = await one.sh("cat /run/fake-systemd/calls");
      expect(calls).toContain("enable t.service\n");
      expect(calls).toContain("start t.service\n");
      expect(calls).toContain("is-active --quiet t.service\n");
    } finally {
      await one.sh("systemctl stop t.service; rm -rf /etc/lab /etc/systemd/system/t.service /run/t-pre /run/fake-systemd");
    }
  });

  test("a unit whose process dies at once fails to start", async () => {
    const [one] = lab.hosts as [Lab["hosts"][0]];
    await one.sh("printf '[Service]\\nExecStart=/bin/sh -c \"echo bad config; exit 3\"\\n' > /etc/systemd/system/dies.service");
    try {
      const result = await one.exec(["systemctl", "restart", "dies"]);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("bad config");
      expect((await one.exec(["systemctl", "is-active", "dies"])).stdout).toBe("inactive\n");
    } finally {
      await one.sh("rm -rf /etc/systemd/system/dies.service /run/fake-systemd");
    }
  });

  test("root logs in with a password where one was given, only there", async () => {
    const askpass = join(tempDir("lade-lab-askpass-"), "askpass");
    writeFileSync(askpass, `#!/bin/sh\necho '${PASSWORD}'\n`);
    chmodSync(askpass, 0o755);
    const login = (ip: string) =>
      lab.exec(
        [
          "ssh", "-o", "BatchMode=no", "-o", "PubkeyAuthentication=no", "-o", "StrictHostKeyChecking=yes",
          "-o", `UserKnownHostsFile=${lab.knownHosts}`, `root@${ip}`, "--", "echo logged-in",
        ],
        { env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: "force", DISPLAY: undefined } },
      );
    const second = await login("127.77.0.12");
    expect(second.stderr).toBe("");
    expect(second.stdout).toBe("logged-in\n");
    expect((await login("127.77.0.11")).exitCode).toBe(255);
    if (machineShadow) expect(sha256("/etc/shadow")).toBe(machineShadow);
    expect(readFileSync(join(lab.hosts[1]!.dir, "etc-upper", "shadow"), "utf8")).toMatch(/^root:\$/m);
  });

  test("a snapshot shows what a host changed, and equals the first once it is undone", async () => {
    const [one] = lab.hosts as [Lab["hosts"][0]];
    const before = await one.snapshot();
    expect(before.get("/etc")).toBe("d 0755");
    expect(before.get("/etc/passwd")).toBe("f 0644 =");
    expect(before.get("/var/tmp")).toBe("d 1777");
    expect(before.get("/var/run")).toBe("l /run");
    expect(before.get("/usr/local/sbin/systemctl")).toMatch(/^f 0755 [0-9a-f]{64}$/);

    await one.sh(`cp /etc/passwd /run/passwd.saved
echo 'lab:x:4242:4242::/nonexistent:/usr/sbin/nologin' >> /etc/passwd
mkdir -p /opt/lab /var/lib/lab && echo x > /opt/lab/file && echo y > /var/lib/lab/file && ln -s /opt/lab/file /usr/local/lab-link`);
    const during = await one.snapshot();
    expect(differences(before, during)).toEqual([
      "/etc/passwd", "/opt/lab", "/opt/lab/file", "/usr/local/lab-link", "/var/lib/lab", "/var/lib/lab/file",
    ]);
    expect(during.get("/etc/passwd")).toMatch(/^f 0644 [0-9a-f]{64}$/);
    expect(during.get("/opt/lab/file")).toBe(`f 0644 ${new Bun.CryptoHasher("sha256").update("x\n").digest("hex")}`);
    expect(during.get("/usr/local/lab-link")).toBe("l /opt/lab/file");
    const partial = await one.snapshot({ paths: ["/opt", "/var/"], exclude: ["/var/lib/lab"] });
    expect([...partial.keys()].filter((path) => path.includes("lab")).sort()).toEqual(["/opt/lab", "/opt/lab/file"]);

    // Rewritten with the machine's content (copied up all the same): the machine's file again.
    await one.sh("cat /run/passwd.saved > /etc/passwd && rm -r /run/passwd.saved /opt/lab /var/lib/lab /usr/local/lab-link");
    expect(existsSync(join(one.dir, "etc-upper", "passwd"))).toBe(true);
    const after = await one.snapshot();
    expect(differences(before, after)).toEqual([]);
  });

  test("two labs run at once, each with its own hosts on the same addresses", async () => {
    const other = await startLab([{}]);
    try {
      const result = await other.exec(sshArgs(other, "127.77.0.11", "hostname -I"));
      expect(result.stderr).toBe("");
      expect(result.stdout.trim()).toBe("127.77.0.11");
      // The first lab's host key does not match this lab's host at the same address.
      const crossed = await other.exec([...sshArgs(lab, "127.77.0.11", "true")]);
      expect(crossed.exitCode).toBe(255);
    } finally {
      await other.stop();
    }
  });

  test("stop removes the namespaces and every process", async () => {
    // `ip netns identify` reads /run/netns, which another test's namespaces coming and going can
    // make fail for a moment: asked again a few times before it counts
    let namespaces: string[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      namespaces = [
        (await lab.exec(["bash", "-c", "ip netns identify $$"])).stdout.trim(),
        // (a host's own /run hides /run/netns, so ask from here)
        ...lab.hosts.map((host) => Bun.spawnSync(["ip", "netns", "identify", String(host.pid)], { stdout: "pipe" }).stdout.toString().trim()),
      ];
      if (namespaces.every((ns) => ns.startsWith("lade-lab-"))) break;
      await Bun.sleep(200);
    }
    expect(namespaces.every((ns) => ns.startsWith("lade-lab-")), namespaces.join(", ")).toBe(true);
    const [one] = lab.hosts as [Lab["hosts"][0]];
    const service = Number((await one.sh("setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!")).trim());
    const pids = [...lab.hosts.map((host) => host.pid), service];

    await lab.stop();
    await lab.stop();
    const listed = Bun.spawnSync(["ip", "netns", "list"], { stdout: "pipe" }).stdout.toString();
    for (const ns of namespaces) expect(listed).not.toContain(ns);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});

/** Whether a process exists and is not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
