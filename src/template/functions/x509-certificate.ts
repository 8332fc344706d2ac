import { createHash, createPublicKey, sign, type KeyObject } from "node:crypto";

/**
 * Just enough ASN.1 DER and X.509 to do what Go's x509.CreateCertificate does for sprig's genCA,
 * genSelfSignedCert and genSignedCert: v3 certificates with a CN subject, key usage, extended key
 * usage (server and client auth), basic constraints, subject/authority key ids and SANs, signed
 * with SHA-256 (RSA PKCS#1 v1.5 or ECDSA) or Ed25519.
 */
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = [0x80 | bytes.length, ...bytes];
  }
  return concat([new Uint8Array([tag, ...length]), content]);
}

export const seq = (...items: Uint8Array[]) => tlv(0x30, concat(items));
const set = (...items: Uint8Array[]) => tlv(0x31, concat(items));
const explicit = (n: number, item: Uint8Array) => tlv(0xa0 | n, item);
const octets = (bytes: Uint8Array) => tlv(0x04, bytes);
const bool = (value: boolean) => tlv(0x01, new Uint8Array([value ? 0xff : 0]));
const nullValue = () => new Uint8Array([0x05, 0x00]);
const bitString = (bytes: Uint8Array, unused = 0) => tlv(0x03, concat([new Uint8Array([unused]), bytes]));

export function integer(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes: Uint8Array = Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  if (bytes[0]! & 0x80) bytes = concat([new Uint8Array([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(text: string): Uint8Array {
  const parts = text.split(".").map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

function isPrintable(ch: string): boolean {
  return /^[A-Za-z0-9'()+,\-./:=? ]$/.test(ch);
}

function directoryString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return tlv([...text].every(isPrintable) ? 0x13 : 0x0c, bytes);
}

function time(date: Date): Uint8Array {
  const iso = date.toISOString();
  const year = date.getUTCFullYear();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  if (year >= 1950 && year < 2050) return tlv(0x17, new TextEncoder().encode(`${digits.slice(2)}Z`));
  return tlv(0x18, new TextEncoder().encode(`${digits}Z`));
}

/** An RDNSequence with just a common name (empty when `cn` is ""), as pkix.Name marshals it. */
export function commonNameDer(cn: string): Uint8Array {
  if (cn === "") return seq();
  return seq(set(seq(oid("2.5.4.3"), directoryString(cn))));
}

// ---- reading --------------------------------------------------------------------------------

interface Node {
  tag: number;
  /** Whole element (tag, length, content). */
  raw: Uint8Array;
  content: Uint8Array;
}

export function readNode(bytes: Uint8Array, offset: number): Node & { end: number } {
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length || Number.isNaN(length)) throw new Error("asn1: syntax error: data truncated");
  return { tag, raw: bytes.subarray(offset, end), content: bytes.subarray(offset + header, end), end };
}

export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let offset = 0; offset < node.content.length; ) {
    const child = readNode(node.content, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function oidText(content: Uint8Array): string {
  const parts = [Math.floor(content[0]! / 40), content[0]! % 40];
  let v = 0;
  for (const b of content.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

/** The subject Name (raw DER) and subject key id of a DER certificate. */
export function readCertificate(der: Uint8Array): { subject: Uint8Array; subjectKeyId: Uint8Array | null } {
  const cert = readNode(der, 0);
  const tbs = children(cert)[0]!;
  const fields = children(tbs);
  const start = fields[0]!.tag === 0xa0 ? 1 : 0;
  const subject = fields[start + 4]!.raw;
  let subjectKeyId: Uint8Array | null = null;
  const extensions = fields.find((f) => f.tag === 0xa3);
  if (extensions) {
    for (const ext of children(children(extensions)[0]!)) {
      const parts = children(ext);
      if (oidText(parts[0]!.content) === "2.5.29.14") subjectKeyId = readNode(parts.at(-1)!.content, 0).content;
    }
  }
  return { subject, subjectKeyId };
}

/** The subjectPublicKey bits of an SPKI, what Go hashes for a subject key id. */
function publicKeyBits(spki: Uint8Array): Uint8Array {
  const bits = children(readNode(spki, 0))[1]!;
  return bits.content.subarray(1);
}

// ---- writing --------------------------------------------------------------------------------

export interface CertificateTemplate {
  commonName: string;
  ips: Uint8Array[];
  dnsNames: string[];
  daysValid: number;
  isCA: boolean;
}

export interface Issuer {
  /** DER of the issuer's subject Name; the template's own for a self-signed certificate. */
  subject: Uint8Array;
  subjectKeyId: Uint8Array | null;
  key: KeyObject;
}

function signatureAlgorithm(key: KeyObject): { algorithm: Uint8Array; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { algorithm: seq(oid("1.2.840.113549.1.1.11"), nullValue()), digest: "sha256" };
    case "ec":
      return { algorithm: seq(oid("1.2.840.10045.4.3.2")), digest: "sha256" };
    case "ed25519":
      return { algorithm: seq(oid("1.3.101.112")), digest: null };
  }
  throw new Error("x509: only RSA, ECDSA and Ed25519 keys supported");
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** x509.CreateCertificate for sprig's certificate template; returns the DER certificate. */
export function createCertificate(template: CertificateTemplate, subjectKey: KeyObject, issuer: Issuer | null, now: Date): Uint8Array {
  const publicKey = createPublicKey(subjectKey);
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const subject = commonNameDer(template.commonName);
  const signer = issuer ?? { subject, subjectKeyId: null, key: subjectKey };
  const { algorithm, digest } = signatureAlgorithm(signer.key);

  const serialBytes = new Uint8Array(16);
  crypto.getRandomValues(serialBytes);
  const serial = BigInt(`0x${Buffer.from(serialBytes).toString("hex")}`);

  // Key usage: digital signature + key encipherment (+ cert sign for a CA), bits reversed per byte.
  const keyUsage = template.isCA ? bitString(new Uint8Array([0xa4]), 2) : bitString(new Uint8Array([0xa0]), 5);
  const extensions: Uint8Array[] = [
    extension("2.5.29.15", true, keyUsage),
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))),
    extension("2.5.29.19", true, template.isCA ? seq(bool(true)) : seq()),
  ];
  let subjectKeyId: Uint8Array | null = null;
  if (template.isCA) {
    subjectKeyId = new Uint8Array(createHash("sha1").update(publicKeyBits(spki)).digest());
    extensions.push(extension("2.5.29.14", false, octets(subjectKeyId)));
  }
  const sameName = Buffer.compare(Buffer.from(signer.subject), Buffer.from(subject)) === 0;
  if (!sameName && signer.subjectKeyId && signer.subjectKeyId.length > 0) {
    extensions.push(extension("2.5.29.35", false, seq(tlv(0x80, signer.subjectKeyId))));
  }
  if (template.dnsNames.length > 0 || template.ips.length > 0) {
    const names = [
      ...template.dnsNames.map((name) => tlv(0x82, new TextEncoder().encode(name))),
      ...template.ips.map((ip) => tlv(0x87, ip)),
    ];
    extensions.push(extension("2.5.29.17", false, seq(...names)));
  }

  const notAfter = new Date(now.getTime() + template.daysValid * 24 * 3600 * 1000);
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(serial),
    algorithm,
    signer.subject,
    seq(time(now), time(notAfter)),
    subject,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = new Uint8Array(sign(digest, tbs, signer.key));
  return seq(tbs, algorithm, bitString(signature));
}

/** PEM-encodes DER bytes (64-character lines, trailing newline), as encoding/pem does. */
export function pemEncode(type: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${type}-----\n`;
}

/** pem.Decode: the first PEM block's type and bytes, or null. */
export function pemDecode(text: string): { type: string; bytes: Uint8Array } | null {
  const m = /-----BEGIN ([^\n-]*)-----\r?\n((?:[^-][^\n]*\r?\n)*?)-----END \1-----/.exec(text);
  if (!m) return null;
  const body = m[2]!.split(/\r?\n/).filter((line) => line !== "" && !line.includes(":"));
  const base64 = body.join("");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
  return { type: m[1]!, bytes: new Uint8Array(Buffer.from(base64, "base64")) };
}
