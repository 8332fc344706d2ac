import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, sign, verify, type KeyObject } from "node:crypto";
import nacl from "tweetnacl";

/**
 * sigstore/cosign key files: an ECDSA P-256 key pair, the private key PKCS#8 encrypted the way
 * go-securesystemslib's `encrypted` package does (scrypt for the key, NaCl secretbox for the
 * data, JSON in a PEM block), the public key PKIX PEM. cosign, skopeo and lade read each other's.
 */
export const PRIVATE_KEY_PEM_TYPES = ["ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY"] as const;

/** scrypt parameters go-securesystemslib accepts: its legacy (older cosign), standard (cosign's) and OWASP levels. */
const SCRYPT_LEVELS = [32768, 65536, 131072];
const SCRYPT_R = 8;
const SCRYPT_P = 1;

export class KeyError extends Error {
  override name = "KeyError";
}

interface EncryptedKey {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

export function generateKeyPair(passphrase: string): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const salt = randomBytes(32);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const params = { N: 65536, r: SCRYPT_R, p: SCRYPT_P };
  const box = nacl.secretbox(new Uint8Array(pkcs8), new Uint8Array(nonce), deriveKey(passphrase, salt, params.N));
  const encrypted: EncryptedKey = {
    kdf: { name: "scrypt", params, salt: salt.toString("base64") },
    cipher: { name: "nacl/secretbox", nonce: nonce.toString("base64") },
    ciphertext: Buffer.from(box).toString("base64"),
  };
  return {
    privatePem: pem(PRIVATE_KEY_PEM_TYPES[0], Buffer.from(JSON.stringify(encrypted))),
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}

/** The private key of an encrypted cosign/sigstore key file; a wrong passphrase or another format is a KeyError. */
export function readPrivateKey(text: string, passphrase: string, file: string): KeyObject {
  const block = PRIVATE_KEY_PEM_TYPES.map((type) => pemBlock(text, type)).find(Boolean);
  if (!block) throw new KeyError(`${file} is not a cosign/sigstore private key (no "-----BEGIN ${PRIVATE_KEY_PEM_TYPES[0]}-----" block)`);
  let encrypted: EncryptedKey;
  try {
    encrypted = JSON.parse(block.toString("utf8")) as EncryptedKey;
  } catch {
    throw new KeyError(`${file}: the key block is not the JSON of an encrypted key`);
  }
  const { kdf, cipher } = encrypted;
  if (kdf?.name !== "scrypt" || !SCRYPT_LEVELS.includes(kdf.params?.N) || kdf.params.r !== SCRYPT_R || kdf.params.p !== SCRYPT_P) {
    throw new KeyError(`${file}: unsupported key derivation ${JSON.stringify(kdf)}`);
  }
  if (cipher?.name !== "nacl/secretbox") throw new KeyError(`${file}: unsupported cipher ${JSON.stringify(cipher?.name)}`);
  const opened = nacl.secretbox.open(
    new Uint8Array(Buffer.from(encrypted.ciphertext, "base64")),
    new Uint8Array(Buffer.from(cipher.nonce, "base64")),
    deriveKey(passphrase, Buffer.from(kdf.salt, "base64"), kdf.params.N),
  );
  if (!opened) throw new KeyError(`${file}: wrong passphrase (the key does not decrypt with it)`);
  const key = createPrivateKey({ key: Buffer.from(opened), format: "der", type: "pkcs8" });
  if (key.asymmetricKeyType !== "ec") throw new KeyError(`${file} holds a ${key.asymmetricKeyType} key: lade signs with ECDSA P-256`);
  return key;
}

export function readPublicKey(text: string, file: string): KeyObject {
  try {
    return createPublicKey({ key: text, format: "pem" });
  } catch (error) {
    throw new KeyError(`${file} is not a PEM public key: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The base64 ECDSA-SHA256 signature (ASN.1 DER) of PAYLOAD, as cosign writes it. */
export function signPayload(payload: Uint8Array, key: KeyObject): string {
  return sign("sha256", payload, key).toString("base64");
}

export function verifyPayload(payload: Uint8Array, signature: string, key: KeyObject): boolean {
  try {
    return verify("sha256", payload, key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** The SHA-256 of the public key's DER: how lade names a key in messages. */
export function keyId(key: KeyObject): string {
  const der = key.export({ format: "der", type: "spki" });
  return new Bun.CryptoHasher("sha256").update(der).digest("hex").slice(0, 16);
}

function deriveKey(passphrase: string, salt: Uint8Array, n: number): Uint8Array {
  return new Uint8Array(scryptSync(passphrase, salt, 32, { N: n, r: SCRYPT_R, p: SCRYPT_P, maxmem: 256 * 1024 * 1024 }));
}

function pem(type: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}\n-----END ${type}-----\n`;
}

function pemBlock(text: string, type: string): Buffer | undefined {
  const match = new RegExp(`-----BEGIN ${type}-----([\\s\\S]*?)-----END ${type}-----`).exec(text);
  return match ? Buffer.from(match[1]!.replace(/\s+/g, ""), "base64") : undefined;
}
