import { defineCommand } from "citty";
import { CERT_CHECK_SCRIPT, CERT_RENEW_SCRIPT } from "../../day2/certificates.ts";
import { execOnHosts } from "../../day2/exec-hosts.ts";
import { UsageError } from "../global-options.ts";
import { exitSummary, installedClusterArgs, installedClusterHosts, printLine } from "../installed-cluster.ts";
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
    ...installedClusterArgs,
    check: { type: "boolean", description: "Print when each certificate expires, per master" },
    renew: { type: "boolean", description: "Renew every kubeadm certificate and restart the control plane, one master at a time" },
  },
  async run({ args }) {
    removePasswordsOnSignals();
    if (Boolean(args.check) === Boolean(args.renew)) throw new UsageError('lade cert needs one of --check and --renew: run "lade cert --help"');
    const masters = await installedClusterHosts(args, { roles: ["master"] });
    if (args.check) {
      const results = await execOnHosts(masters, CERT_CHECK_SCRIPT, printLine);
      if (results.some((result) => result.exitCode !== 0)) {
        process.stderr.write(`${exitSummary(results)}\n`);
        process.exitCode = 1;
      }
      return;
    }
    // one master at a time: the others keep serving while one restarts
    for (const [index, master] of masters.entries()) {
      const [result] = await execOnHosts([master], CERT_RENEW_SCRIPT, printLine);
      if (result!.exitCode !== 0) {
        const left = masters.slice(index + 1).map((target) => target.ip);
        throw new Error(`Renewing the certificates on ${master.ip} failed (exit ${result!.exitCode})${left.length > 0 ? `: not started on ${left.join(", ")}` : ""}`);
      }
    }
    process.stdout.write(`Renewed the certificates of ${masters.map((master) => master.ip).join(", ")}\n`);
  },
});
