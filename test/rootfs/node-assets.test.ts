import { describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { rootfsAssets } from "../../src/rootfs/assets.ts";
import { tempDir } from "../support/temp-dir.ts";
import { generateContext, listFiles, MATRIX_VERSIONS, plan, RUNTIMES } from "./rootfs-fixtures.ts";

const ASSETS = join(import.meta.dir, "..", "..", "src", "rootfs", "assets");
const hasShellcheck = Bun.which("shellcheck") !== null;
const hasSystemdAnalyze = Bun.which("systemd-analyze") !== null && existsSync("/lib/systemd/system");
const hasContainerd = Bun.which("containerd") !== null;

function run(command: readonly string[], cwd?: string): { code: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync([...command], { cwd, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const COMBINATIONS = MATRIX_VERSIONS.flatMap((version) => RUNTIMES.map((runtime) => [version, runtime] as const));

describe("node-side assets", () => {
  test("assets.ts embeds every file under src/rootfs/assets, and nothing else", () => {
    expect(Object.keys(rootfsAssets).sort()).toEqual(listFiles(ASSETS));
    for (const name of listFiles(ASSETS)) expect(rootfsAssets[name as keyof typeof rootfsAssets]).toBe(readFileSync(join(ASSETS, name), "utf8"));
  });

  test("every script is bash with `set -euo pipefail` (lib.sh is sourced)", () => {
    for (const name of Object.keys(rootfsAssets).filter((name) => name.endsWith(".sh"))) {
      const text = rootfsAssets[name as keyof typeof rootfsAssets];
      if (name === "scripts/lib.sh") {
        expect(text.startsWith("# shellcheck shell=bash\n")).toBe(true);
        continue;
      }
      expect(text.startsWith("#!/usr/bin/env bash\n"), name).toBe(true);
      expect(text, name).toContain("\nset -euo pipefail\n");
    }
  });

  test("every script passes bash -n", () => {
    for (const name of readdirSync(join(ASSETS, "scripts"))) {
      const result = run(["bash", "-n", join(ASSETS, "scripts", name)]);
      expect(result.stderr, name).toBe("");
      expect(result.code, name).toBe(0);
    }
  });

  test.skipIf(!hasShellcheck)("every script in the source tree passes shellcheck (exclusions are commented in place)", () => {
    const scripts = readdirSync(join(ASSETS, "scripts")).map((name) => join("scripts", name));
    // -x follows lib.sh and the env file it sources
    const result = run(["shellcheck", "-x", "--severity=style", ...scripts], ASSETS);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const name of scripts) {
      for (const line of readFileSync(join(ASSETS, name), "utf8").split("\n")) {
        // every disable says why: "# shellcheck disable=SCxxxx # reason"
        if (/#\s*shellcheck\s+disable=/.test(line) && !/shell=bash/.test(line)) expect(line, `${name}: ${line}`).toMatch(/disable=SC\d+(,SC\d+)*\s+#\s+\S/);
      }
    }
  });

  test.skipIf(!hasShellcheck).each(COMBINATIONS)("%s %s: the generated scripts are the checked ones, and the rendered env file passes shellcheck", async (version, runtime) => {
    const { dir } = await generateContext(plan(version, runtime, ["amd64"]), { skipBinaries: true });
    const scripts = readdirSync(join(dir, "rootfs", "scripts"));
    expect(scripts).toContain(`${runtime}.sh`);
    // scripts are copied as they are: what shellcheck passed above is what ships
    for (const name of scripts) expect(readFileSync(join(dir, "rootfs", "scripts", name), "utf8"), name).toBe(rootfsAssets[`scripts/${name}` as keyof typeof rootfsAssets]);
    // the one rendered shell file, read by lib.sh
    const env = join(dir, "rootfs", "etc", "lade-rootfs.env");
    const result = run(["shellcheck", "--severity=style", env]);
    expect(result.stdout + result.stderr).toBe("");
    for (const script of [...scripts.map((name) => join(dir, "rootfs", "scripts", name)), env]) expect(run(["bash", "-n", script]).code, script).toBe(0);
    // the rendered values are plain words: sourcing the env file defines them all
    const sourced = run(["bash", "-c", `set -u; source ${env}; echo "$LADE_K8S_VERSION $LADE_CRI $LADE_PAUSE_IMAGE"`]);
    expect(sourced.stdout.trim()).toMatch(new RegExp(`^${version.replaceAll(".", "\\.")} ${runtime} sea\\.hub:5000/pause:\\S+$`));
  });

  test.skipIf(!hasSystemdAnalyze).each(COMBINATIONS)("%s %s: every unit passes systemd-analyze verify with nothing on stderr", async (version, runtime) => {
    const { dir } = await generateContext(plan(version, runtime, ["amd64"]), { skipBinaries: true });
    const root = fakeSystemdRoot();
    const units = readdirSync(join(dir, "rootfs", "etc", "systemd")).filter((name) => /\.(service|socket)$/.test(name));
    const system = join(root, "etc", "systemd", "system");
    for (const unit of units) {
      copyFileSync(join(dir, "rootfs", "etc", "systemd", unit), join(system, unit));
      stubExecutables(root, readFileSync(join(system, unit), "utf8"));
    }
    // installed the way init-kube.sh installs it
    mkdirSync(join(system, "kubelet.service.d"), { recursive: true });
    copyFileSync(join(dir, "rootfs", "etc", "systemd", "10-kubeadm.conf"), join(system, "kubelet.service.d", "10-kubeadm.conf"));
    stubExecutables(root, readFileSync(join(system, "kubelet.service.d", "10-kubeadm.conf"), "utf8"));
    const expected = runtime === "containerd" ? ["containerd.service"] : version >= "v1.24" ? ["cri-docker.service", "cri-docker.socket", "docker.service"] : ["docker.service"];
    expect(units.sort()).toEqual(["kubelet.service", "lade-registry.service", ...expected].sort());
    const result = run(["systemd-analyze", "verify", "--man=no", `--root=${root}`, ...units.map((unit) => join(system, unit))]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test.skipIf(!hasSystemdAnalyze)("systemd-analyze verify does catch a broken unit (the check above is not blind)", async () => {
    const { dir } = await generateContext(plan("v1.27.3", "containerd", ["amd64"]), { skipBinaries: true });
    const root = fakeSystemdRoot();
    const unit = join(root, "etc", "systemd", "system", "kubelet.service");
    writeFileSync(unit, readFileSync(join(dir, "rootfs", "etc", "systemd", "kubelet.service"), "utf8").replace("Restart=always", "Restar=always"));
    stubExecutables(root, readFileSync(unit, "utf8"));
    const result = run(["systemd-analyze", "verify", "--man=no", `--root=${root}`, unit]);
    expect(result.stderr).toContain("Unknown key 'Restar'");
  });

  test.skipIf(!hasContainerd)("containerd reads the generated v2 configuration (sandbox image, systemd cgroups, config_path)", async () => {
    const { dir } = await generateContext(plan("v1.27.3", "containerd", ["amd64"]), { skipBinaries: true });
    const result = run(["containerd", "--config", join(dir, "rootfs", "etc", "containerd", "config.toml"), "config", "dump"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sandbox_image = "sea.hub:5000/pause:3.9"');
    expect(result.stdout).toContain('config_path = "/etc/containerd/certs.d"');
    expect(result.stdout).toMatch(/\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\][^[]*SystemdCgroup = true/);
  });
});

/** A root for `systemd-analyze verify --root`: the system's own units (targets…), no stubs yet. */
function fakeSystemdRoot(): string {
  const root = tempDir("lade-systemd-root-");
  mkdirSync(join(root, "lib", "systemd"), { recursive: true });
  cpSync("/lib/systemd/system", join(root, "lib", "systemd", "system"), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(root, "etc", "systemd", "system"), { recursive: true });
  return root;
}

/** An executable stub in `root` for every absolute program an Exec*= line of `unit` runs. */
function stubExecutables(root: string, unit: string): void {
  for (const match of unit.matchAll(/^Exec\w*=[-@:+!]*(\/\S+)/gm)) {
    const path = join(root, match[1]!);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, 0o755);
  }
}
