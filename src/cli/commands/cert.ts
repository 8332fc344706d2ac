import { defineCommand } from "citty";
import { join } from "node:path";
import { CERT_CHECK_SCRIPT, CERT_RENEW_SCRIPT } from "../../day2/certificates.ts";
import { execOnHosts, ExecSelectionError, selectHosts, type ExecTarget } from "../../day2/exec-hosts.ts";
import { readState } from "../../run/execute-steps.ts";
import type { MultiHostState } from "../../run/install-hosts.ts";
import { DEFAULT_DATA_DIR } from "../../run/install-cluster.ts";
import { createPasswordFile } from "../../run/ssh-password.ts";
import { UsageError } from "../global-options.ts";
import { readPasswordFromStdin } from "../read-password-stdin.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";

export const certCommand = defineCommand({
  meta: {
    name: "cert",
    description:
      "kubeadm's certificates on every master of the cluster lade run installed over SSH. --check prints the expiry of each " +
      "certificate and CA per master (kubeadm certs check-expiration, all masters at once). --renew renews every certificate " +
      "(kubeadm certs renew all) and restarts the control plane to load them, one master at a time, stopping at the first failure.",
  },
  args: {
    "data-dir": { type: "string", description: "The folder lade run used", default: DEFAULT_DATA_DIR },
    check: { type: "boolean", description: "Print when each certificate expires, per master" },
    renew: { type: "boolean", description: "Renew every kubeadm certificate and restart the control plane, one master at a time" },
    "ssh-password-stdin": { type: "boolean", description: "Read the SSH password from stdin, for hosts lade run reached with a password" },
  },
  async run({ args }) {
    removePasswordsOnSignals();
    if (Boolean(args.check) === Boolean(args.renew)) throw new UsageError('lade cert needs one of --check and --renew: run "lade cert --help"');
    const dataDir = args["data-dir"] as string;
    const state = (await readState(join(dataDir, "state.json"))) as MultiHostState | undefined;
    if (!state) throw new UsageError(`No cluster in ${dataDir}: lade run writes its state.json there (give the folder with --data-dir)`);
    let masters: ExecTarget[];
    try {
      const passwordFile = args["ssh-password-stdin"] ? createPasswordFile(await readPasswordFromStdin()) : undefined;
      masters = selectHosts(state, { roles: ["master"] }, passwordFile);
    } catch (error) {
      if (error instanceof ExecSelectionError) throw new UsageError(error.message);
      throw error;
    }
    const say = (line: string, stream: "stdout" | "stderr") => (stream === "stdout" ? process.stdout : process.stderr).write(`${line}\n`);
    if (args.check) {
      const results = await execOnHosts(masters, CERT_CHECK_SCRIPT, say);
      if (results.some((result) => result.exitCode !== 0)) {
        process.stderr.write(`${results.map((result) => `${result.ip}: ${result.exitCode === 0 ? "ok" : `exit ${result.exitCode}`}`).join(", ")}\n`);
        process.exitCode = 1;
      }
      return;
    }
    // one master at a time: the others keep serving while one restarts
    for (const master of masters) {
      const [result] = await execOnHosts([master], CERT_RENEW_SCRIPT, say);
      if (result!.exitCode !== 0) {
        const left = masters.slice(masters.indexOf(master) + 1).map((target) => target.ip);
        throw new Error(`Renewing the certificates on ${master.ip} failed (exit ${result!.exitCode})${left.length > 0 ? `: not started on ${left.join(", ")}` : ""}`);
      }
    }
    process.stdout.write(`Renewed the certificates of ${masters.map((master) => master.ip).join(", ")}\n`);
  },
});
