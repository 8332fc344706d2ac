import type { Cluster, RegistryConfig } from "../kubeadm/cluster.ts";
import { registryUrl } from "../kubeadm/cluster-env.ts";
import { parseIpAddress } from "../kubeadm/ip-address.ts";
import type { RegistryYml } from "../sealer/registry-yml.ts";
import { formatLocation, type SourceLocation } from "../util/source-location.ts";

/** What the image says about its registry: the one its nodes were made for, and its accounts. */
export interface ImageRegistry {
  /** From etc/lade-rootfs.env (a base made by `lade rootfs`); unknown for other images. */
  readonly registry?: RegistryConfig;
  /** The text of etc/registry/htpasswd (`lade rootfs --registry-user`), when the image has one. */
  readonly htpasswd?: string;
  /** sealer's etc/registry.yml, when the image has one. */
  readonly yml?: RegistryYml;
}

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * What a Clusterfile's spec.registry asks of the cluster's registry that lade run cannot give as
 * written, each at its place: a registry other than the one the image's nodes were made for, an
 * external registry, an insecure one, extra certificate names that are not names.
 */
export function registryProblems(cluster: Cluster, image: ImageRegistry, at: (path: readonly (string | number)[]) => string): string[] {
  const problems: string[] = [];
  const local = cluster.registry.local;
  const made = image.registry;
  if (local && made) {
    const wanted = { domain: local.domain ?? made.domain, port: local.port ?? made.port };
    if (wanted.domain !== made.domain || wanted.port !== made.port) {
      problems.push(
        `${at(["spec", "registry", "localRegistry", local.domain !== undefined && local.domain !== made.domain ? "domain" : "port"])}: ` +
          `the cluster's registry would be ${registryUrl(wanted)}, but the image's nodes were made for ${registryUrl(made)} (their container runtime's mirror config and pause image name it): ` +
          `make the base with lade rootfs --registry-domain ${wanted.domain} --registry-port ${wanted.port}, or leave localRegistry.domain and port out`,
      );
    }
  }
  if (cluster.registry.external) {
    problems.push(
      `${at(["spec", "registry", "externalRegistry"])}: spec.registry.externalRegistry is not supported by lade run yet: the nodes pull from the cluster's own registry, which serves the image's registry/`,
    );
  }
  if (local?.insecure) {
    problems.push(`${at(["spec", "registry", "localRegistry", "insecure"])}: localRegistry.insecure: lade's cluster registry always serves TLS with its own CA, which every node trusts: leave it out`);
  }
  const names = local?.subjectAltNames;
  names?.dnsNames.forEach((name, index) => {
    if (!DNS_NAME.test(name)) problems.push(`${at(["spec", "registry", "localRegistry", "cert", "subjectAltName", "dnsNames", index])}: "${name}" is not a DNS name`);
  });
  names?.ips.forEach((ip, index) => {
    if (!parseIpAddress(ip)) problems.push(`${at(["spec", "registry", "localRegistry", "cert", "subjectAltName", "ips", index])}: "${ip}" is not an IP address`);
  });
  if ((local?.username !== undefined) !== (local?.password !== undefined)) {
    problems.push(`${at(["spec", "registry", "localRegistry"])}: localRegistry needs both username and password, or neither`);
  }
  return problems;
}

/** The registry account lade run sets up, and where it was asked for. */
export interface RegistryAccount {
  readonly username: string;
  readonly password: string;
  /** Where the username is written. */
  readonly location: SourceLocation;
}

/**
 * What the registry account (the merged Clusterfile's localRegistry, else the image's sealer
 * etc/registry.yml) and certificate names need: cluster env entries for the node scripts, and
 * the account itself when the image has no htpasswd yet (lade run makes one for the registry).
 * An account the image's own htpasswd would refuse fails now, not on the nodes.
 */
export async function registrySettings(
  cluster: Cluster | undefined,
  image: ImageRegistry,
  locate: (path: readonly (string | number)[]) => SourceLocation,
): Promise<{ env: string[]; problems: string[]; newAccount?: RegistryAccount }> {
  const local = cluster?.registry.local;
  const env: string[] = [];
  const problems: string[] = [];
  const account: RegistryAccount | undefined =
    local?.username !== undefined && local.password !== undefined
      ? { username: local.username, password: local.password, location: locate(["spec", "registry", "localRegistry", "username"]) }
      : image.yml?.username !== undefined && image.yml.password !== undefined
        ? { username: image.yml.username, password: image.yml.password, location: image.yml.locate("username") }
        : undefined;
  let newAccount: RegistryAccount | undefined;
  if (account) {
    if (image.htpasswd !== undefined && !(await htpasswdAccepts(image.htpasswd, account.username, account.password))) {
      problems.push(`${formatLocation(account.location)}: the image's etc/registry/htpasswd does not accept the registry user ${account.username} with this password`);
    } else {
      if (image.htpasswd === undefined) newAccount = account;
      env.push(`LADE_REGISTRY_USER=${account.username}`, `LADE_REGISTRY_PASSWORD=${account.password}`);
    }
  }
  const names = local?.subjectAltNames;
  const sans = [...(names?.dnsNames ?? []).map((name) => `DNS:${name}`), ...(names?.ips ?? []).map((ip) => `IP:${ip}`)];
  if (sans.length > 0) env.push(`LADE_REGISTRY_SANS=${sans.join(",")}`);
  return { env, problems, ...(newAccount ? { newAccount } : {}) };
}

async function htpasswdAccepts(text: string, user: string, password: string): Promise<boolean> {
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0 || line.slice(0, colon) !== user) continue;
    if (await Bun.password.verify(password, line.slice(colon + 1).trim()).catch(() => false)) return true;
  }
  return false;
}
