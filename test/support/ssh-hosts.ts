import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * "Hosts" for lade's SSH paths: a real sshd per loopback address (random port, own host key),
 * each with SetEnv LADE_NODE_ROOT=<its folder> (the remote commands put their data below it) and
 * a PATH whose first folders hold the test's stand-ins. One client key reaches them all; the
 * known_hosts file has every host key.
 */
export const SSHD = "/usr/sbin/sshd";

export interface SshHostSpec {
  readonly ip: string;
  readonly root: string;
  /** Folders put first on the host's PATH (stand-ins for kubeadm, kubectl, systemctl …). */
  readonly path: readonly string[];
}

export interface SshHost extends SshHostSpec {
  readonly port: number;
}

export interface SshHosts {
  readonly hosts: readonly SshHost[];
  readonly clientKey: string;
  readonly knownHosts: string;
  stop(): void;
}

export function hasSshd(): boolean {
  return existsSync(SSHD);
}

/** With `samePort`, every sshd listens on one port (each on its own address): for options that give one --ssh-port for all hosts. */
export async function startSshHosts(work: string, specs: readonly SshHostSpec[], options: { samePort?: boolean } = {}): Promise<SshHosts> {
  const clientKey = join(work, "client");
  await sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey);
  mkdirSync("/run/sshd", { recursive: true });
  const daemons: ReturnType<typeof Bun.spawn>[] = [];
  const hosts: SshHost[] = [];
  const known: string[] = [];
  let shared = 0;
  for (const spec of specs) {
    mkdirSync(spec.root, { recursive: true });
    const hostKey = join(spec.root, "hostkey");
    await sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey);
    const config = join(spec.root, "sshd_config");
    let port = 0;
    for (let attempt = 0; attempt < 5 && port === 0; attempt++) {
      const candidate = shared || 20000 + Math.floor(Math.random() * 20000);
      writeFileSync(
        config,
        [
          `ListenAddress ${spec.ip}`,
          `Port ${candidate}`,
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${clientKey}.pub`,
          "PidFile none",
          "StrictModes no",
          "UsePAM no",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "PermitRootLogin prohibit-password",
          `SetEnv LADE_NODE_ROOT=${spec.root} PATH=${[...spec.path, "/usr/local/bin", "/usr/bin", "/bin"].join(":")}`,
          "",
        ].join("\n"),
      );
      const daemon = Bun.spawn([SSHD, "-D", "-e", "-f", config], { stdout: "ignore", stderr: "pipe" });
      await Bun.sleep(300);
      if (daemon.exitCode === null) {
        daemons.push(daemon);
        port = candidate;
      }
    }
    if (port === 0) throw new Error(`sshd did not start on ${spec.ip}`);
    if (options.samePort) shared = port;
    hosts.push({ ...spec, port });
    known.push(`[${spec.ip}]:${port} ${readFileSync(`${hostKey}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}`);
  }
  const knownHosts = join(work, "known_hosts");
  writeFileSync(knownHosts, `${known.join("\n")}\n`);
  return {
    hosts,
    clientKey,
    knownHosts,
    stop: () => {
      for (const daemon of daemons) daemon.kill();
    },
  };
}

/** Write a file (its folders made), with MODE. */
export function writeFile(path: string, text: string, mode = 0o644): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

async function sh(...command: string[]): Promise<string> {
  const child = Bun.spawn(command, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`${command.join(" ")}: ${err}`);
  return out;
}
