/**
 * Basic auth against an htpasswd file with bcrypt hashes (the only kind distribution accepts).
 * Successful checks are remembered, since bcrypt is slow on purpose and clients send
 * credentials with every request.
 */
export function createHtpasswdCheck(text: string): (authorization: string | null) => Promise<boolean> {
  const users = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const colon = trimmed.indexOf(":");
    if (colon <= 0) continue;
    const hash = trimmed.slice(colon + 1);
    if (/^\$2[abxy]?\$/.test(hash)) users.set(trimmed.slice(0, colon), hash);
  }
  const accepted = new Set<string>();
  return async (authorization) => {
    if (!authorization?.startsWith("Basic ")) return false;
    const key = new Bun.CryptoHasher("sha256").update(authorization).digest("hex");
    if (accepted.has(key)) return true;
    let decoded: string;
    try {
      decoded = atob(authorization.slice(6).trim());
    } catch {
      return false;
    }
    const colon = decoded.indexOf(":");
    const hash = colon > 0 ? users.get(decoded.slice(0, colon)) : undefined;
    if (!hash || !(await Bun.password.verify(decoded.slice(colon + 1), hash).catch(() => false))) return false;
    accepted.add(key);
    return true;
  };
}
