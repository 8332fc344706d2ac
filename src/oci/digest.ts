/** A content digest such as "sha256:<64 hex>". Only sha256 is written; sha512 is accepted when reading. */
export type Digest = `${string}:${string}`;

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): value is Digest {
  return DIGEST_PATTERN.test(value);
}

export function parseDigest(value: string): { algorithm: string; hex: string } {
  if (!isDigest(value)) throw new TypeError(`Cannot parse digest "${value}"`);
  const [algorithm, hex] = value.split(":") as [string, string];
  return { algorithm, hex };
}

export function sha256Digest(content: Uint8Array | string): Digest {
  return `sha256:${new Bun.CryptoHasher("sha256").update(content).digest("hex")}`;
}

/** Short form for people: the first 12 hex characters, as docker prints image ids. */
export function shortDigest(digest: string): string {
  return digest.slice(digest.indexOf(":") + 1, digest.indexOf(":") + 13);
}
