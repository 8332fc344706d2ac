import { defineCommand } from "citty";
import { altNamesScript, CERT_CHECK_SCRIPT, CERT_RENEW_SCRIPT, masterCertConfig, READ_CLUSTER_CONFIGURATION_SCRIPT, withAltNames } from "../../day2/certificates.ts";
import { execOnHosts, readFromHost, type ExecTarget } from "../../day2/exec-hosts.ts";
import { isCertName } from "../../kubeadm/kubeadm-rules.ts";
import { UsageError } from "../global-options.ts";
import { exitSummary, installedClusterArgs, installedClusterHosts, printLine } from "../installed-cluster.ts";
import { removePasswordsOnSignals } from "../remove-passwords-on-signals.ts";

export const certCommand = defineCommand({
  meta: {
    name: "cert",
    description:
      "kubeadm's certificates on every master of the cluster lade run installed over SSH. --check prints the expiry of each " +
      "certificate and CA per master (kubeadm certs check-expiration, all masters at once). --renew renews every certificate " +
      "(kubeadm certs renew all) and restarts the control plane to load them, one master at a time, stopping at the first failure. " +
      "--alt-names adds names to the API server certificate of every master (and to the cluster's kubeadm config), one master at a time.",
  },
  args: {
    ...installedClusterArgs,
    check: { type: "boolean", description: "Print when each certificate expires, per master" },
    "alt-names": { type: "string", description: "Add these names (DNS names or IPs, comma-separated) to the API server certificate of every master, and to the cluster's kubeadm config" },
    renew: { type: "boolean", description: "Renew every kubeadm certificate and restart the control plane, one master at a time" },
  },
  async run({ args }) {
    removePasswordsOnSignals();
    const modes = [args.check, args.renew, args["alt-names"]].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('lade cert needs one of --check, --renew and --alt-names: run "lade cert --help"');
    const masters = await installedClusterHosts(args, { roles: ["master"] });
    if (typeof args["alt-names"] === "string") return addAltNames(masters, args["alt-names"]);
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

/**
 * The names go into the ClusterConfiguration kubeadm keeps in the cluster (read on master0), and
 * each master, one at a time, makes its API server certificate again from it and restarts the API
 * server; master0 uploads the new configuration.
 */
async function addAltNames(masters: readonly ExecTarget[], list: string): Promise<void> {
  const names = list.split(",").map((name) => name.trim()).filter(Boolean);
  const invalid = names.filter((name) => !isCertName(name));
  if (names.length === 0 || invalid.length > 0) throw new UsageError(`--alt-names needs DNS names or IP addresses, comma-separated${invalid.length > 0 ? `: not ${invalid.map((name) => `"${name}"`).join(", ")}` : ""}`);
  const master0 = masters.find((master) => master.role === "master0") ?? masters[0]!;
  const updated = withAltNames(await readFromHost(master0, READ_CLUSTER_CONFIGURATION_SCRIPT, printLine), names);
  if (updated.added.length === 0) {
    process.stdout.write(`The API server certificate names ${names.join(", ")} already\n`);
    return;
  }
  const ordered = [master0, ...masters.filter((master) => master !== master0)];
  for (const [index, master] of ordered.entries()) {
    const [result] = await execOnHosts([master], altNamesScript(master === master0), printLine, () => masterCertConfig(updated, master.ip));
    if (result!.exitCode !== 0) {
      const left = ordered.slice(index + 1).map((target) => target.ip);
      throw new Error(`A new API server certificate on ${master.ip} failed (exit ${result!.exitCode}; the old one is back)${left.length > 0 ? `: not started on ${left.join(", ")}` : ""}`);
    }
  }
  process.stdout.write(`The API server certificates of ${ordered.map((master) => master.ip).join(", ")} now also name ${updated.added.join(", ")}\n`);
}
