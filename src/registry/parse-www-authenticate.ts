/** One challenge of a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  readonly scheme: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** Parse the challenges of a WWW-Authenticate header (RFC 7235), lower-casing schemes and names. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  // A scheme is a token not followed by "=" (RFC 7235 allows spaces around "=" in a parameter).
  const pattern = /\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)(?!\s*=)(?:\s+|$|(?=,))|\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?/y;
  let current: { scheme: string; parameters: Record<string, string> } | undefined;
  let position = 0;
  while (position < header.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(header);
    if (!match || match[0].length === 0) {
      position += 1; // skip a stray comma or character rather than loop forever
      continue;
    }
    position = pattern.lastIndex;
    if (match[1] && !match[0].includes("=")) {
      current = { scheme: match[1].toLowerCase(), parameters: {} };
      challenges.push(current);
    } else if (match[2] && current) {
      const raw = match[3] ?? "";
      current.parameters[match[2].toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    }
  }
  return challenges;
}
