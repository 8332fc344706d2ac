/**
 * The "simple signing" payload cosign and containers/image sign: which image (its reference) has
 * which manifest digest. Pure.
 */
export const COSIGN_SIGNATURE_TYPE = "cosign container image signature";

export interface SignedIdentity {
  /** The image's reference as signed, e.g. `registry.example/repo:tag`. */
  readonly reference: string;
  readonly digest: string;
}

export function signingPayload(identity: SignedIdentity): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      critical: { identity: { "docker-reference": identity.reference }, image: { "docker-manifest-digest": identity.digest }, type: COSIGN_SIGNATURE_TYPE },
      optional: null,
    }),
  );
}

/** The identity a payload signs, or why it is not a simple-signing payload. */
export function parseSigningPayload(bytes: Uint8Array): SignedIdentity | string {
  let parsed: { critical?: { identity?: Record<string, unknown>; image?: Record<string, unknown>; type?: unknown } };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return "the payload is not JSON";
  }
  const critical = parsed?.critical;
  if (critical?.type !== COSIGN_SIGNATURE_TYPE) return `the payload's type is ${JSON.stringify(critical?.type)}, not "${COSIGN_SIGNATURE_TYPE}"`;
  const reference = critical.identity?.["docker-reference"];
  const digest = critical.image?.["docker-manifest-digest"];
  if (typeof reference !== "string" || typeof digest !== "string") return "the payload names no docker-reference and docker-manifest-digest";
  return { reference, digest };
}
