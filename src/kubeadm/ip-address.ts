/** An IP address, normalized (IPv6 compressed and lower-case). */
export interface IpAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parse an IPv4 or IPv6 address; undefined when `text` is neither. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  const v4 = IPV4.exec(trimmed);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((part) => part <= 255) ? { address: parts.join("."), family: 4 } : undefined;
  }
  if (!trimmed.includes(":") || /[^0-9a-fA-F:.]/.test(trimmed)) return undefined;
  try {
    const hostname = new URL(`http://[${trimmed}]/`).hostname;
    return { address: hostname.slice(1, -1), family: 6 };
  } catch {
    return undefined;
  }
}

/** `10.0.0.1:6443`, `[fd00::1]:6443`. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The single-address CIDR of an IP: `/32` or `/128`. */
export function hostCidr(ip: string): string {
  return `${ip}/${ip.includes(":") ? 128 : 32}`;
}

/**
 * The `index`-th address of a CIDR (1 → the kubernetes service IP, 10 → the DNS service IP),
 * or undefined when `cidr` is not a CIDR or too small.
 */
export function addressInCidr(cidr: string, index: number): string | undefined {
  const [base, bitsText] = cidr.trim().split("/");
  const ip = base === undefined ? undefined : parseIpAddress(base);
  const bits = Number(bitsText);
  if (!ip || !Number.isInteger(bits)) return undefined;
  const width = ip.family === 4 ? 32 : 128;
  if (bits < 0 || bits > width || 2n ** BigInt(width - bits) <= BigInt(index)) return undefined;
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - bits)) - 1n);
  const value = (ipToBigInt(ip) & mask) + BigInt(index);
  return fromBigInt(value, ip.family);
}

/** An address as a number (for ranges and masks). */
export function ipToBigInt(ip: IpAddress): bigint {
  if (ip.family === 4) return ip.address.split(".").reduce((sum, part) => (sum << 8n) + BigInt(part), 0n);
  const [head = "", tail = ""] = ip.address.split("::");
  const left = head ? head.split(":") : [];
  const right = ip.address.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((sum, group) => (sum << 16n) + BigInt(`0x${group}`), 0n);
}

function fromBigInt(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, index) => ((value >> BigInt(112 - index * 16)) & 0xffffn).toString(16));
  return parseIpAddress(groups.join(":"))!.address;
}
