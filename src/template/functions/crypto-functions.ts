import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, generateKeyPairSync, scryptSync, type KeyObject } from "node:crypto";
import { GoStruct, type GoValue } from "../go-value.ts";
import type { FunctionMap } from "../template-function.ts";
import { define, fail, int } from "./define.ts";
import { base64Decode, base64Encode } from "./encoding-functions.ts";
import { decodeUtf8, utf8 } from "./go-string.ts";
import { children, createCertificate, integer, pemDecode, pemEncode, readCertificate, readNode, seq, type Issuer } from "./x509-certificate.ts";

/** sprig's `certificate` struct: `.Cert` and `.Key`, both PEM. */
export class GoCertificate extends GoStruct {
  readonly goTypeName = "sprig.certificate";
  constructor(
    readonly Cert: string,
    readonly Key: string,
  ) {
    super();
  }
}

function hexDigest(algorithm: string, s: string): string {
  return createHash(algorithm).update(utf8(s)).digest("hex");
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** bcrypt at Go's default cost 10, "$2a$" like golang.org/x/crypto (which reads 72 bytes at most). */
function bcrypt(input: string): string {
  const bytes = utf8(input).subarray(0, 72);
  return Bun.password.hashSync(bytes, { algorithm: "bcrypt", cost: 10 }).replace(/^\$2b\$/, "$2a$");
}

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: "CvcvnoCvcvCvcv CvcvCvcvnoCvcv CvcvCvcvCvcvno CvccnoCvcvCvcv CvccCvcvnoCvcv CvccCvcvCvcvno CvcvnoCvccCvcv CvcvCvccnoCvcv CvcvCvccCvcvno CvcvnoCvcvCvcc CvcvCvcvnoCvcc CvcvCvcvCvccno CvccnoCvccCvcv CvccCvccnoCvcv CvccCvccCvcvno CvcvnoCvccCvcc CvcvCvccnoCvcc CvcvCvccCvccno CvccnoCvcvCvcc CvccCvcvnoCvcc CvccCvcvCvccno".split(" "),
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};
const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

function uint32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

/** sprig's derivePassword: the Master Password algorithm (scrypt N=32768 r=8 p=2, HMAC-SHA256). */
function derivePassword(counter: number, passwordType: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const seed = utf8("com.lyndir.masterpassword");
  const userBytes = utf8(user);
  const siteBytes = utf8(site);
  const salt = Buffer.concat([seed, uint32(userBytes.length), userBytes]);
  const key = scryptSync(utf8(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const message = Buffer.concat([seed, uint32(siteBytes.length), siteBytes, uint32(counter)]);
  const hmac = createHmac("sha256", key).update(message).digest();
  const template = templates[hmac[0]! % templates.length]!;
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const chars = TEMPLATE_CHARACTERS[template[i]!]!;
    out += chars[hmac[i + 1]! % chars.length];
  }
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

/** The PEM of a private key the way sprig's pemBlockForKey writes it. */
function privateKeyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return key.export({ type: "pkcs1", format: "pem" }).toString();
    case "ec":
      return key.export({ type: "sec1", format: "pem" }).toString();
    case "dsa": {
      const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
      const [, algorithm, privateKey] = children(readNode(pkcs8, 0));
      const [p, q, g] = children(children(algorithm!)[1]!).map((n) => bigintOf(n.content));
      const x = bigintOf(readNode(privateKey!.content, 0).content);
      const y = modPow(g!, x, p!);
      return pemEncode("DSA PRIVATE KEY", seq(integer(0n), integer(p!), integer(q!), integer(g!), integer(y), integer(x)));
    }
  }
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

function generatePrivateKey(type: string): string {
  switch (type) {
    case "":
    case "rsa":
      return privateKeyPem(generateKeyPairSync("rsa", { modulusLength: 4096 }).privateKey);
    case "dsa":
      return privateKeyPem(generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 }).privateKey);
    case "ecdsa":
      return privateKeyPem(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
    case "ed25519":
      return privateKeyPem(generateKeyPairSync("ed25519").privateKey);
  }
  return `Unknown type ${type}`;
}

/** sprig's parsePrivateKeyPEM, with its error messages. */
function parsePrivateKeyPem(text: string): KeyObject {
  const block = pemDecode(text);
  if (!block) throw new Error("no PEM data in input");
  if (block.type !== "PRIVATE KEY" && !block.type.endsWith(" PRIVATE KEY")) {
    throw new Error(`no private key data in PEM block of type ${block.type}`);
  }
  const kind = block.type.slice(0, -" PRIVATE KEY".length);
  if (block.type !== "PRIVATE KEY" && !["RSA", "EC", "DSA"].includes(kind)) throw new Error(`invalid private key type ${block.type}`);
  try {
    return createPrivateKey({ key: pemEncode(block.type, block.bytes), format: "pem" });
  } catch (error) {
    const what = block.type === "PRIVATE KEY" ? "decoding PEM as PKCS#8" : `parsing ${kind} private key from PEM`;
    throw new Error(`${what}: ${(error as Error).message}`);
  }
}

function ipBytes(value: GoValue): Uint8Array {
  if (typeof value !== "string") fail(`error parsing ip: ${String(value)} is not a string`);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4 && v4.slice(1).every((part) => Number(part) <= 255 && !/^0\d/.test(part))) {
    return Uint8Array.from(v4.slice(1).map(Number));
  }
  if (value.includes(":") && /^[0-9a-fA-F:.]+$/.test(value)) {
    const [head = "", tail] = value.split("::");
    const hextets = (s: string) => (s === "" ? [] : s.split(":"));
    const left = hextets(head);
    const right = tail === undefined ? [] : hextets(tail);
    const fill = 8 - left.length - right.length;
    const groups = tail === undefined ? left : [...left, ...new Array(fill).fill("0"), ...right];
    if (groups.length === 8 && groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) && (tail === undefined ? true : fill >= 1)) {
      return Uint8Array.from(groups.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]));
    }
  }
  fail(`error parsing ip: ${value}`);
}

function dnsNames(values: readonly GoValue[] | null): string[] {
  return (values ?? []).map((v) => (typeof v === "string" ? v : fail(`error processing alternate dns name: ${String(v)} is not a string`)));
}

function issue(
  cn: string,
  ips: readonly GoValue[] | null,
  dns: readonly GoValue[] | null,
  days: bigint,
  isCA: boolean,
  key: KeyObject,
  issuer: Issuer | null,
): GoCertificate {
  const template = { commonName: cn, ips: (ips ?? []).map(ipBytes), dnsNames: dnsNames(dns), daysValid: int(days), isCA };
  let der: Uint8Array;
  try {
    der = createCertificate(template, key, issuer, new Date());
  } catch (error) {
    fail(`error creating certificate: ${(error as Error).message}`);
  }
  return new GoCertificate(pemEncode("CERTIFICATE", der), privateKeyPem(key));
}

function keyFromPem(pem: string): KeyObject {
  try {
    return parsePrivateKeyPem(pem);
  } catch (error) {
    fail(`parsing private key: ${(error as Error).message}`);
  }
}

function issuerOf(ca: GoValue): Issuer {
  if (!(ca instanceof GoCertificate)) fail(`wrong type for value; expected sprig.certificate; got ${typeof ca}`);
  const block = pemDecode(ca.Cert);
  if (!block) fail("unable to decode certificate");
  let parsed: ReturnType<typeof readCertificate>;
  try {
    parsed = readCertificate(block.bytes);
  } catch (error) {
    fail(`error parsing certificate: decodedSignerCert.Bytes: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = parsePrivateKeyPem(ca.Key);
  } catch (error) {
    fail(`error parsing private key: ${(error as Error).message}`);
  }
  return { subject: parsed.subject, subjectKeyId: parsed.subjectKeyId, key };
}

const rsa2048 = () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

function aesKey(password: string): Uint8Array {
  const key = new Uint8Array(32);
  key.set(utf8(password).subarray(0, 32));
  return key;
}

/**
 * sprig's crypto.go: digests, bcrypt/htpasswd (Bun.password; salted, so random), derivePassword,
 * key and certificate generation (node:crypto plus a small DER writer; random keys and serials),
 * AES-256-CBC encryptAES/decryptAES. sha512sum comes from sprig 3.3.
 */
export const cryptoFunctions: FunctionMap = {
  sha1sum: define(["string"], (s) => hexDigest("sha1", s)),
  sha256sum: define(["string"], (s) => hexDigest("sha256", s)),
  sha512sum: define(["string"], (s) => hexDigest("sha512", s)),
  adler32sum: define(["string"], (s) => String(adler32(utf8(s)))),
  bcrypt: define(["string"], (s) => bcrypt(s)),
  htpasswd: define(["string", "string"], (user, password) =>
    user.includes(":") ? `invalid username: ${user}` : `${user}:${bcrypt(password)}`,
  ),
  derivePassword: define(["int", "string", "string", "string", "string"], (counter, type, password, user, site) =>
    derivePassword(Number(BigInt.asUintN(32, counter)), type, password, user, site),
  ),
  genPrivateKey: define(["string"], (type) => generatePrivateKey(type)),
  buildCustomCert: define(["string", "string"], (b64cert, b64key) => {
    const cert = base64Decode(b64cert);
    if (typeof cert === "string") fail("unable to decode base64 certificate");
    const key = base64Decode(b64key);
    if (typeof key === "string") fail("unable to decode base64 private key");
    const certText = decodeUtf8(cert);
    const block = pemDecode(certText);
    if (!block) fail("unable to decode certificate");
    try {
      readCertificate(block.bytes);
    } catch (error) {
      fail(`error parsing certificate: decodedCert.Bytes: ${(error as Error).message}`);
    }
    const keyText = decodeUtf8(key);
    try {
      parsePrivateKeyPem(keyText);
    } catch (error) {
      fail(`error parsing private key: ${(error as Error).message}`);
    }
    return new GoCertificate(certText, keyText);
  }),
  genCA: define(["string", "int"], (cn, days) => issue(cn, null, null, days, true, rsa2048(), null)),
  genCAWithKey: define(["string", "int", "string"], (cn, days, pem) => issue(cn, null, null, days, true, keyFromPem(pem), null)),
  genSelfSignedCert: define(["string", "slice", "slice", "int"], (cn, ips, dns, days) => issue(cn, ips, dns, days, false, rsa2048(), null)),
  genSelfSignedCertWithKey: define(["string", "slice", "slice", "int", "string"], (cn, ips, dns, days, pem) =>
    issue(cn, ips, dns, days, false, keyFromPem(pem), null),
  ),
  genSignedCert: define(["string", "slice", "slice", "int", "any"], (cn, ips, dns, days, ca) =>
    issue(cn, ips, dns, days, false, rsa2048(), issuerOf(ca)),
  ),
  genSignedCertWithKey: define(["string", "slice", "slice", "int", "any", "string"], (cn, ips, dns, days, ca, pem) =>
    issue(cn, ips, dns, days, false, keyFromPem(pem), issuerOf(ca)),
  ),
  encryptAES: define(["string", "string"], (password, plaintext) => {
    if (plaintext === "") return "";
    const iv = new Uint8Array(16);
    crypto.getRandomValues(iv);
    const cipher = createCipheriv("aes-256-cbc", aesKey(password), iv);
    const body = Buffer.concat([cipher.update(utf8(plaintext)), cipher.final()]);
    return base64Encode(Buffer.concat([iv, body]));
  }),
  decryptAES: define(["string", "string"], (password, crypt64) => {
    if (crypt64 === "") return "";
    const crypt = base64Decode(crypt64);
    if (typeof crypt === "string") fail(crypt);
    if (crypt.length < 16) fail(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
    const body = crypt.subarray(16);
    if (body.length % 16 !== 0) fail("crypto/cipher: input not full blocks");
    if (body.length === 0) fail("runtime error: index out of range [-1]");
    const decipher = createDecipheriv("aes-256-cbc", aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
    const plain = new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
    const padding = plain[plain.length - 1]!;
    if (padding > plain.length) fail(`runtime error: slice bounds out of range [:${plain.length - padding}]`);
    return decodeUtf8(plain.subarray(0, plain.length - padding));
  }),
};
