/** Content whose bytes do not hash to the digest it was stored or announced under. */
export class DigestMismatchError extends Error {
  override name = "DigestMismatchError";
  readonly code = "DIGEST_MISMATCH";
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string, where: string) {
    super(`Content of "${where}" does not match its digest: expected ${expected}, got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}
