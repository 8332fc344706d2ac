import { getConfigValue, isConfigObject, type ConfigObject, type ConfigPath, type ConfigValue } from "./config-value.ts";
import { ipToBigInt, parseIpAddress } from "./ip-address.ts";
import { featureGateProblem } from "./kubeadm-feature-gates.ts";

/**
 * What kubeadm's own validation (cmd/kubeadm/app/apis/kubeadm/validation) would refuse and lade
 * can tell from the config alone, checked before any host changes: subnets (syntax, dual-stack,
 * sizes, the node mask, and pods and services apart), endpoints and ports, certificate names,
 * tokens, the certificate key, the CRI socket's scheme, absolute paths, image repositories, and
 * feature gates the Kubernetes version's kubeadm does not have.
 * An empty string is a value kubeadm fills in with its default, as it does before validating.
 */
export interface RuleViolation {
  readonly kind: string;
  readonly path: ConfigPath;
  readonly message: string;
}

/** kubeadm's constants: MinimumAddressesInServiceSubnet, …InPodSubnet, MaximumBitsForServiceSubnet, PodSubnetNodeMaskMaxDiff. */
const MIN_SERVICE_ADDRESSES = 10n;
const MIN_POD_ADDRESSES = 14n;
const MAX_SERVICE_BITS = 20;
const NODE_MASK_MAX_DIFF = 16;
const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const WILDCARD_SUBDOMAIN = new RegExp(`^\\*\\.${DNS_LABEL}(\\.${DNS_LABEL})*$`);
/** distribution's reference grammar, for `REPOSITORY/name:tag`. */
const IMAGE_REPOSITORY = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$/;

interface Subnet {
  readonly text: string;
  readonly family: 4 | 6;
  readonly prefix: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** Every violation in the merged documents, by kind. */
export function kubeadmRuleViolations(documents: ReadonlyMap<string, ConfigObject>): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const cluster = documents.get("ClusterConfiguration");
  if (cluster) violations.push(...clusterViolations(cluster));
  const init = documents.get("InitConfiguration");
  if (init) violations.push(...initViolations(init));
  const join = documents.get("JoinConfiguration");
  if (join) violations.push(...joinViolations(join));
  return violations;
}

function clusterViolations(body: ConfigObject): RuleViolation[] {
  const out: RuleViolation[] = [];
  const add = (path: ConfigPath, message: string) => out.push({ kind: "ClusterConfiguration", path, message });
  const text = (path: ConfigPath) => stringAt(body, path);

  const dnsDomain = text(["networking", "dnsDomain"]);
  if (dnsDomain && !DNS_SUBDOMAIN.test(dnsDomain)) add(["networking", "dnsDomain"], `"${dnsDomain}" is not a DNS name (lower-case letters, digits, "-" and ".")`);

  const services = subnetsAt(body, ["networking", "serviceSubnet"], MIN_SERVICE_ADDRESSES, add);
  for (const subnet of services ?? []) {
    const width = subnet.family === 4 ? 32 : 128;
    if (width - subnet.prefix > MAX_SERVICE_BITS) {
      add(["networking", "serviceSubnet"], `${subnet.text} is too large for a service subnet: for ${width}-bit addresses the mask must be /${width - MAX_SERVICE_BITS} or longer`);
    }
  }
  const pods = subnetsAt(body, ["networking", "podSubnet"], MIN_POD_ADDRESSES, add);
  if (pods && argument(body, "controllerManager", "allocate-node-cidrs") !== "false") {
    for (const subnet of pods) {
      const flag = subnet.family === 4 ? "node-cidr-mask-size-ipv4" : "node-cidr-mask-size-ipv6";
      const given = argument(body, "controllerManager", flag);
      const nodeMask = given === undefined ? (subnet.family === 4 ? 24 : 64) : Number(given);
      if (!Number.isInteger(nodeMask)) add(["controllerManager", "extraArgs"], `the controller manager's ${flag} "${given}" is not a whole number`);
      else if (subnet.prefix > nodeMask) add(["networking", "podSubnet"], `${subnet.text} is smaller than one node's pod range (/${nodeMask}): make it /${nodeMask} or larger, or set the controller manager's ${flag}`);
      else if (nodeMask - subnet.prefix > NODE_MASK_MAX_DIFF) add(["networking", "podSubnet"], `${subnet.text} holds more than 2^${NODE_MASK_MAX_DIFF} node ranges of /${nodeMask}: kubeadm refuses a mask difference over ${NODE_MASK_MAX_DIFF}`);
    }
  }
  for (const pod of pods ?? []) {
    for (const service of services ?? []) {
      if (pod.family === service.family && pod.start <= service.end && service.start <= pod.end) {
        add(["networking", "podSubnet"], `the pod subnet ${pod.text} overlaps the service subnet ${service.text}: pods and services need ranges apart`);
      }
    }
  }

  const gates = getConfigValue(body, ["featureGates"]);
  if (isConfigObject(gates)) {
    const minor = /^v?1\.(\d+)(?:\.|$)/.exec(text(["kubernetesVersion"]) ?? "")?.[1];
    for (const name of Object.keys(gates)) {
      const problem = featureGateProblem(name, minor === undefined ? undefined : Number(minor));
      if (problem) add(["featureGates", name], problem);
    }
  }

  const endpoint = text(["controlPlaneEndpoint"]);
  if (endpoint) {
    const problem = hostPortProblem(endpoint, false);
    if (problem) add(["controlPlaneEndpoint"], `"${endpoint}" is not HOST or HOST:PORT: ${problem}`);
  }
  for (const path of [["apiServer", "certSANs"], ["etcd", "local", "serverCertSANs"], ["etcd", "local", "peerCertSANs"]] as const) {
    listAt(body, path).forEach((name, index) => {
      if (typeof name === "string" && !isCertName(name)) add([...path, index], `"${name}" is not an IP address, a DNS name or a wildcard DNS name (*.example.com)`);
    });
  }
  for (const path of [["certificatesDir"], ["etcd", "local", "dataDir"]] as const) {
    const value = text(path);
    if (value && !value.startsWith("/")) add(path, `"${value}" must be an absolute path`);
  }
  for (const path of [["imageRepository"], ["dns", "imageRepository"], ["etcd", "local", "imageRepository"]] as const) {
    const value = text(path);
    if (value && !IMAGE_REPOSITORY.test(`${value}/name`)) add(path, `"${value}" is not an image repository (e.g. sea.hub:5000 or registry.example.com/k8s)`);
  }
  return out;
}

function initViolations(body: ConfigObject): RuleViolation[] {
  const out: RuleViolation[] = [];
  const add = (path: ConfigPath, message: string) => out.push({ kind: "InitConfiguration", path, message });
  listAt(body, ["bootstrapTokens"]).forEach((token, index) => {
    if (!isConfigObject(token)) return;
    checkToken(token.token, ["bootstrapTokens", index, "token"], add);
    if (token.ttl !== undefined && token.ttl !== null && token.expires !== undefined && token.expires !== null) {
      add(["bootstrapTokens", index], "a bootstrap token has ttl or expires, not both");
    }
  });
  checkEndpoint(body, ["localAPIEndpoint"], add);
  checkCertificateKey(body, ["certificateKey"], add);
  checkCriSocket(body, add);
  return out;
}

function joinViolations(body: ConfigObject): RuleViolation[] {
  const out: RuleViolation[] = [];
  const add = (path: ConfigPath, message: string) => out.push({ kind: "JoinConfiguration", path, message });
  checkToken(getConfigValue(body, ["discovery", "bootstrapToken", "token"]), ["discovery", "bootstrapToken", "token"], add);
  checkToken(getConfigValue(body, ["discovery", "tlsBootstrapToken"]), ["discovery", "tlsBootstrapToken"], add);
  const server = stringAt(body, ["discovery", "bootstrapToken", "apiServerEndpoint"]);
  if (server) {
    const problem = hostPortProblem(server, true);
    if (problem) add(["discovery", "bootstrapToken", "apiServerEndpoint"], `"${server}" is not HOST:PORT: ${problem}`);
  }
  checkEndpoint(body, ["controlPlane", "localAPIEndpoint"], add);
  checkCertificateKey(body, ["controlPlane", "certificateKey"], add);
  checkCriSocket(body, add);
  const caCertPath = stringAt(body, ["caCertPath"]);
  if (caCertPath && (!caCertPath.startsWith("/") || !caCertPath.endsWith(".crt"))) add(["caCertPath"], `"${caCertPath}" must be an absolute path to a .crt file`);
  return out;
}

type Add = (path: ConfigPath, message: string) => void;

function checkToken(value: ConfigValue | undefined, path: ConfigPath, add: Add): void {
  if (typeof value === "string" && value !== "" && !TOKEN.test(value)) add(path, `"${value}" is not a bootstrap token: six, a dot, sixteen lower-case letters or digits (abcdef.0123456789abcdef)`);
}

function checkEndpoint(body: ConfigObject, path: ConfigPath, add: Add): void {
  const address = stringAt(body, [...path, "advertiseAddress"]);
  if (address && !parseIpAddress(address)) add([...path, "advertiseAddress"], `"${address}" is not an IP address`);
  const port = getConfigValue(body, [...path, "bindPort"]);
  if (typeof port === "number" && port !== 0 && !(Number.isInteger(port) && port >= 1 && port <= 65535)) add([...path, "bindPort"], `${port} is not a port (1 to 65535)`);
}

function checkCertificateKey(body: ConfigObject, path: ConfigPath, add: Add): void {
  const key = stringAt(body, path);
  if (key && !/^[0-9a-fA-F]{64}$/.test(key)) add(path, `the certificate key must be 64 hex digits (an AES-256 key, as kubeadm certs certificate-key prints), not "${key}"`);
}

function checkCriSocket(body: ConfigObject, add: Add): void {
  const socket = stringAt(body, ["nodeRegistration", "criSocket"]);
  const scheme = socket === undefined ? undefined : /^([a-z][a-z0-9+.-]*):\/\//.exec(socket)?.[1];
  if (scheme && scheme !== "unix") add(["nodeRegistration", "criSocket"], `only unix:// CRI sockets are supported, not ${scheme}://`);
}

function subnetsAt(body: ConfigObject, path: ConfigPath, minimum: bigint, add: Add): Subnet[] | undefined {
  const text = stringAt(body, path);
  if (!text) return undefined;
  const subnets: Subnet[] = [];
  for (const part of text.split(",")) {
    const subnet = parseSubnet(part.trim());
    if (!subnet) {
      add(path, `"${part.trim()}" is not a CIDR such as 10.96.0.0/12 or fd00::/108`);
      return undefined;
    }
    subnets.push(subnet);
  }
  if (subnets.length > 2 || (subnets.length === 2 && subnets[0]!.family === subnets[1]!.family)) {
    add(path, `"${text}": give one CIDR, or two (one IPv4, one IPv6) for dual-stack`);
    return undefined;
  }
  for (const subnet of subnets) {
    const size = subnet.end - subnet.start + 1n;
    if (size < minimum) add(path, `${subnet.text} has ${size} address(es): kubeadm needs at least ${minimum}`);
  }
  return subnets;
}

function parseSubnet(text: string): Subnet | undefined {
  const [address, bits, extra] = text.split("/");
  const ip = address === undefined ? undefined : parseIpAddress(address);
  const prefix = Number(bits);
  if (!ip || extra !== undefined || !/^\d+$/.test(bits ?? "")) return undefined;
  const width = ip.family === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const value = ipToBigInt(ip);
  const hostBits = BigInt(width - prefix);
  const start = (value >> hostBits) << hostBits;
  return { text, family: ip.family, prefix, start, end: start + (1n << hostBits) - 1n };
}

/** Why `text` is not `host[:port]` (the port required when `needPort`), or undefined when it is. */
function hostPortProblem(text: string, needPort: boolean): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : text.includes(":") && text.indexOf(":") === text.lastIndexOf(":") ? text.split(":") : [text, undefined];
  if (!host || !(parseIpAddress(host) || DNS_SUBDOMAIN.test(host))) return `"${host}" is not an IP address or a DNS name`;
  if (port === undefined) return needPort ? "the port is missing" : undefined;
  const number = Number(port);
  return Number.isInteger(number) && number >= 1 && number <= 65535 ? undefined : `${port} is not a port (1 to 65535)`;
}

/** An IP address, a DNS name or a wildcard DNS name: what kubeadm takes as a certificate name. */
export function isCertName(name: string): boolean {
  return DNS_SUBDOMAIN.test(name) || WILDCARD_SUBDOMAIN.test(name) || parseIpAddress(name) !== undefined;
}

/** A component's extra argument, from a v1beta1–v1beta3 map or a v1beta4 `{name, value}` list (the last wins). */
function argument(body: ConfigObject, component: string, flag: string): string | undefined {
  const args = getConfigValue(body, [component, "extraArgs"]);
  if (isConfigObject(args)) return args[flag] === undefined || args[flag] === null ? undefined : String(args[flag]);
  if (!Array.isArray(args)) return undefined;
  const found = args.filter((item): item is ConfigObject => isConfigObject(item) && item.name === flag).at(-1);
  return found?.value === undefined || found.value === null ? undefined : String(found.value);
}

function stringAt(body: ConfigObject, path: ConfigPath): string | undefined {
  const value = getConfigValue(body, path);
  return typeof value === "string" ? value : undefined;
}

function listAt(body: ConfigObject, path: ConfigPath): ConfigValue[] {
  const value = getConfigValue(body, path);
  return Array.isArray(value) ? value : [];
}
