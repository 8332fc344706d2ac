/**
 * Go's regexp (RE2 syntax, leftmost-first matching) on top of JavaScript's RegExp. The pattern
 * is parsed with Go's rules and error messages (`error parsing regexp: missing closing ): `(a``)
 * and translated: `(?i)`/`(?m)`/`(?s)`/`(?U)` flags with Go's scoping, `\z` `\A`, `(?P<name>…)`,
 * `\Q…\E`, POSIX classes, Go's `\s` (ASCII only) and `.` (everything but \n), `\pN`; Perl syntax
 * RE2 rejects (lookaround, backreferences) is rejected. Matching loops follow Go's
 * FindAll/ReplaceAll/Split treatment of empty matches; `$1`/`${name}` expand like Go's Expand.
 */
export class GoRegexpError extends Error {
  override name = "GoRegexpError";
}

export interface GoRegexp {
  readonly source: string;
  readonly js: RegExp;
  /** Capture group names by index (index 0 is the whole match); unnamed groups are "". */
  readonly names: readonly string[];
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

interface Atom {
  js: string;
  /** Empty-width assertion: JS cannot quantify it bare. */
  assertion?: boolean;
  /** Go can repeat it (false for `(?i)` flag changes, which are not expressions). */
  repeatable: boolean;
  /** Text of the repetition operator that produced it, for Go's nested-repetition error. */
  repeatOp?: string;
}

const MAX_REPEAT = 1000;
const SPACE_RANGES: [number, number][] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const POSIX: Record<string, [number, number][]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};
const PERL: Record<string, [number, number][]> = {
  d: [[0x30, 0x39]],
  s: SPACE_RANGES,
  w: POSIX.word!,
};
const CATEGORIES = new Set(
  "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);

function complement(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function classChar(code: number): string {
  if (code < 0x20 || code > 0x7e || "\\]-^[".includes(String.fromCharCode(code))) return `\\u{${code.toString(16)}}`;
  return String.fromCharCode(code);
}

function rangesJs(ranges: [number, number][]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`)).join("");
}

function literalJs(code: number): string {
  const ch = String.fromCodePoint(code);
  if ("^$\\.*+?()[]{}|/".includes(ch)) return `\\${ch}`;
  if (code < 0x20 || code === 0x7f || (code >= 0x2028 && code <= 0x2029)) return `\\u{${code.toString(16)}}`;
  return ch;
}

class Translator {
  #src: string;
  #runes: string[];
  #pos = 0;
  #names: string[] = [""];
  #depth = 0;

  constructor(source: string) {
    this.#src = source;
    this.#runes = [...source];
  }

  #error(code: string, fragment: string): never {
    throw new GoRegexpError(`error parsing regexp: ${code}: \`${fragment}\``);
  }

  #peek(offset = 0): string | undefined {
    return this.#runes[this.#pos + offset];
  }

  #rest(): string {
    return this.#runes.slice(this.#pos).join("");
  }

  translate(): GoRegexp {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const js = this.#alternation(flags);
    if (this.#pos < this.#runes.length) this.#error("unexpected )", this.#src);
    return { source: this.#src, js: new RegExp(js, "gu"), names: this.#names };
  }

  /** Parses alternatives until `)` or the end; `flags` is mutated by inline flag groups. */
  #alternation(flags: Flags): string {
    const alternatives: string[] = [];
    const entry = { ...flags };
    for (;;) {
      alternatives.push(this.#sequence(flags, entry));
      if (this.#peek() === "|") {
        this.#pos++;
        continue;
      }
      return alternatives.join("|");
    }
  }

  /** One alternative. Flag changes open a JS modifier group that runs to the end of it. */
  #sequence(flags: Flags, entry: Flags): string {
    const atoms: Atom[] = [];
    let iOpen = flags.i !== entry.i;
    if (iOpen) atoms.push({ js: flags.i ? "(?i:" : "(?-i:", repeatable: false });
    let opens = iOpen ? 1 : 0;
    for (;;) {
      const ch = this.#peek();
      if (ch === undefined || ch === "|" || ch === ")") break;
      const start = this.#pos;
      if (ch === "*" || ch === "+" || ch === "?" || (ch === "{" && this.#repeatBounds() !== null)) {
        this.#repeat(atoms, flags, start);
        continue;
      }
      const before = flags.i;
      const atom = this.#atom(flags);
      if (atom === null) {
        if (flags.i !== before) {
          atoms.push({ js: flags.i ? "(?i:" : "(?-i:", repeatable: false });
          opens++;
        }
        atoms.push({ js: "", repeatable: false });
        continue;
      }
      atoms.push(atom);
    }
    return atoms.map((a) => a.js).join("") + ")".repeat(opens);
  }

  /** Reads `{n}`, `{n,}`, `{n,m}` at the cursor without consuming; null when it is a literal `{`. */
  #repeatBounds(): { min: number; max: number; length: number } | null {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.#rest());
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    return { min, max, length: [...m[0]].length };
  }

  #repeat(atoms: Atom[], flags: Flags, start: number): void {
    const ch = this.#peek()!;
    let op: string;
    if (ch === "{") {
      const bounds = this.#repeatBounds()!;
      op = this.#runes.slice(this.#pos, this.#pos + bounds.length).join("");
      this.#pos += bounds.length;
      if (bounds.min > MAX_REPEAT || bounds.max > MAX_REPEAT || (bounds.max >= 0 && bounds.min > bounds.max)) {
        this.#error("invalid repeat count", op);
      }
    } else {
      op = ch;
      this.#pos++;
    }
    let lazy = false;
    if (this.#peek() === "?") {
      this.#pos++;
      op += "?";
      lazy = true;
    }
    const last = atoms.at(-1);
    if (!last || !last.repeatable) this.#error("missing argument to repetition operator", this.#runes.slice(start, this.#pos).join(""));
    if (last.repeatOp !== undefined) this.#error("invalid nested repetition operator", last.repeatOp + op);
    if (flags.U) lazy = !lazy;
    const quantifier = (ch === "{" ? op.replace(/\?$/, "") : ch) + (lazy ? "?" : "");
    const base = last.assertion ? `(?:${last.js})` : last.js;
    atoms[atoms.length - 1] = { js: base + quantifier, repeatable: true, repeatOp: op };
  }

  /** One atom; null for a flag group like `(?i)` that only changes flags. */
  #atom(flags: Flags): Atom | null {
    const ch = this.#peek()!;
    switch (ch) {
      case "(":
        return this.#group(flags);
      case "[":
        return { js: this.#charClass(), repeatable: true };
      case ".":
        this.#pos++;
        return { js: flags.s ? "[\\s\\S]" : "[^\\n]", repeatable: true };
      case "^":
        this.#pos++;
        return { js: flags.m ? "(?<![^\\n])" : "^", assertion: true, repeatable: true };
      case "$":
        this.#pos++;
        return { js: flags.m ? "(?![^\\n])" : "$", assertion: true, repeatable: true };
      case "\\":
        return this.#escape();
    }
    this.#pos++;
    return { js: literalJs(ch.codePointAt(0)!), repeatable: true };
  }

  #group(flags: Flags): Atom | null {
    const start = this.#pos;
    this.#pos++;
    if (++this.#depth > 1000) this.#error("expression nests too deeply", this.#src);
    if (this.#peek() !== "?") {
      this.#names.push("");
      return { js: `(${this.#groupBody({ ...flags })})`, repeatable: true };
    }
    const rest = this.#runes.slice(this.#pos - 1);
    if (rest.length > 4 && rest[2] === "P" && rest[3] === "<") {
      const end = rest.indexOf(">");
      if (end < 0) this.#error("invalid named capture", rest.join(""));
      const name = rest.slice(4, end).join("");
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.#error("invalid named capture", rest.slice(0, end + 1).join(""));
      this.#pos = start + end + 1;
      this.#names.push(name);
      return { js: `(${this.#groupBody({ ...flags })})`, repeatable: true };
    }
    // Flags: (?flags) changes the rest of the current group, (?flags:re) only re.
    const inner: Flags = { ...flags };
    let sign = 1;
    let sawFlag = false;
    let i = 2;
    for (; i < rest.length; i++) {
      const c = rest[i]!;
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        inner[c] = sign > 0;
        sawFlag = true;
        continue;
      }
      if (c === "-") {
        if (sign < 0) break;
        sign = -1;
        sawFlag = false;
        continue;
      }
      if (c === ":" || c === ")") {
        if (sign < 0 && !sawFlag) break;
        this.#pos = start + i + 1;
        if (c === ")") {
          Object.assign(flags, inner);
          this.#depth--;
          return null;
        }
        const body = this.#groupBody(inner);
        const modifier = inner.i !== flags.i ? (inner.i ? "(?i:" : "(?-i:") : "(?:";
        return { js: `${modifier}${body})`, repeatable: true };
      }
      break;
    }
    this.#error("invalid or unsupported Perl syntax", rest.slice(0, Math.min(i + 1, rest.length)).join(""));
  }

  #groupBody(flags: Flags): string {
    const body = this.#alternation(flags);
    if (this.#peek() !== ")") this.#error("missing closing )", this.#src);
    this.#pos++;
    this.#depth--;
    return body;
  }

  #escape(): Atom {
    const start = this.#pos;
    this.#pos++;
    const ch = this.#peek();
    if (ch === undefined) this.#error("trailing backslash at end of expression", "");
    switch (ch) {
      case "A":
        this.#pos++;
        return { js: "(?<![\\s\\S])", assertion: true, repeatable: true };
      case "z":
        this.#pos++;
        return { js: "(?![\\s\\S])", assertion: true, repeatable: true };
      case "b":
        this.#pos++;
        return { js: "\\b", assertion: true, repeatable: true };
      case "B":
        this.#pos++;
        return { js: "\\B", assertion: true, repeatable: true };
      case "C":
        this.#pos++;
        return { js: "[\\s\\S]", repeatable: true };
      case "Q": {
        this.#pos++;
        const rest = this.#rest();
        const end = rest.indexOf("\\E");
        const text = end < 0 ? rest : rest.slice(0, end);
        this.#pos += [...text].length + (end < 0 ? 0 : 2);
        const js = [...text].map((c) => literalJs(c.codePointAt(0)!)).join("");
        return { js: [...text].length === 1 ? js : `(?:${js})`, repeatable: true };
      }
    }
    const set = this.#classEscape(start);
    if (set !== null) return { js: `[${set}]`, repeatable: true };
    return { js: literalJs(this.#escapedRune(start)), repeatable: true };
  }

  /** \d \s \w \pX and their negations as class contents, or null for other escapes. */
  #classEscape(start: number): string | null {
    const ch = this.#peek()!;
    const lower = ch.toLowerCase();
    if (lower === "d" || lower === "s" || lower === "w") {
      this.#pos++;
      const ranges = PERL[lower]!;
      return rangesJs(ch === lower ? ranges : complement(ranges));
    }
    if (ch === "p" || ch === "P") {
      this.#pos++;
      let name: string;
      const next = this.#peek();
      if (next === "{") {
        const end = this.#rest().indexOf("}");
        if (end < 0) this.#error("invalid character class range", this.#runes.slice(start).join(""));
        name = this.#rest().slice(1, end);
        this.#pos += [...name].length + 2;
      } else if (next === undefined) this.#error("invalid character class range", this.#runes.slice(start).join(""));
      else {
        name = next;
        this.#pos++;
      }
      let negated = ch === "P";
      if (name.startsWith("^")) {
        negated = !negated;
        name = name.slice(1);
      }
      const fragment = this.#runes.slice(start, this.#pos).join("");
      let property: string;
      if (name === "Any") property = "Any";
      else if (CATEGORIES.has(name)) property = name;
      else {
        try {
          new RegExp(`\\p{Script=${name}}`, "u");
        } catch {
          this.#error("invalid character class range", fragment);
        }
        property = `Script=${name}`;
      }
      return `\\${negated ? "P" : "p"}{${property}}`;
    }
    return null;
  }

  /** A single-rune escape (\n, \x41, \x{263a}, \101, \.); Go's invalid escapes fail. */
  #escapedRune(start: number): number {
    const ch = this.#peek()!;
    this.#pos++;
    const invalid = () => this.#error("invalid escape sequence", this.#runes.slice(start, this.#pos).join(""));
    switch (ch) {
      case "a":
        return 7;
      case "f":
        return 12;
      case "t":
        return 9;
      case "n":
        return 10;
      case "r":
        return 13;
      case "v":
        return 11;
      case "x": {
        if (this.#peek() === "{") {
          const end = this.#rest().indexOf("}");
          const hex = end < 0 ? "" : this.#rest().slice(1, end);
          if (end < 0 || !/^[0-9a-fA-F]+$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
            this.#pos += end < 0 ? this.#runes.length : end + 1;
            invalid();
          }
          this.#pos += hex.length + 2;
          return Number.parseInt(hex, 16);
        }
        const hex = this.#rest().slice(0, 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
          this.#pos += Math.min(hex.length, 2);
          invalid();
        }
        this.#pos += 2;
        return Number.parseInt(hex, 16);
      }
    }
    if (ch >= "1" && ch <= "7") {
      const next = this.#peek();
      if (next === undefined || next < "0" || next > "7") invalid();
    }
    if (ch >= "0" && ch <= "7") {
      let value = Number(ch);
      for (let k = 0; k < 2; k++) {
        const d = this.#peek();
        if (d === undefined || d < "0" || d > "7") break;
        value = value * 8 + Number(d);
        this.#pos++;
      }
      return value;
    }
    const code = ch.codePointAt(0)!;
    if (code < 0x80 && !/[0-9A-Za-z]/.test(ch)) return code;
    return invalid();
  }

  #charClass(): string {
    const start = this.#pos;
    this.#pos++;
    let negated = false;
    if (this.#peek() === "^") {
      negated = true;
      this.#pos++;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      const ch = this.#peek();
      if (ch === undefined) this.#error("missing closing ]", this.#runes.slice(start).join(""));
      if (ch === "]" && !first) {
        this.#pos++;
        break;
      }
      first = false;
      const itemStart = this.#pos;
      if (ch === "[" && this.#peek(1) === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.#rest());
        if (m) {
          const ranges = POSIX[m[2]!];
          if (!ranges) this.#error("invalid character class range", m[0]);
          this.#pos += m[0].length;
          parts.push(rangesJs(m[1] ? complement(ranges) : ranges));
          continue;
        }
      }
      if (ch === "\\") {
        this.#pos++;
        if (this.#peek() === undefined) this.#error("missing closing ]", this.#runes.slice(start).join(""));
        const set = this.#classEscape(itemStart);
        if (set !== null) {
          parts.push(set);
          continue;
        }
        this.#pos = itemStart;
      }
      const lo = this.#classRune();
      if (this.#peek() === "-" && this.#peek(1) !== undefined && this.#peek(1) !== "]") {
        this.#pos++;
        const hi = this.#classRune();
        if (hi < lo) this.#error("invalid character class range", this.#runes.slice(itemStart, this.#pos).join(""));
        parts.push(`${classChar(lo)}-${classChar(hi)}`);
      } else parts.push(classChar(lo));
    }
    if (parts.length === 0) return negated ? "[\\s\\S]" : "[^\\s\\S]";
    return `[${negated ? "^" : ""}${parts.join("")}]`;
  }

  /** One rune inside a class: a literal or a single-rune escape. */
  #classRune(): number {
    if (this.#peek() === "\\") {
      this.#pos++;
      return this.#escapedRune(this.#pos - 1);
    }
    const ch = this.#peek()!;
    this.#pos++;
    return ch.codePointAt(0)!;
  }
}

/** regexp.Compile: the translated pattern, or GoRegexpError with Go's message. */
export function compileGoRegexp(pattern: string): GoRegexp {
  return new Translator(pattern).translate();
}

/** regexp.MustCompile's panic message for a bad pattern. */
export function mustCompileMessage(pattern: string, error: Error): string {
  const quoted = /^[^`\x00-\x08\x0a-\x1f\x7f]*$/.test(pattern) ? `\`${pattern}\`` : JSON.stringify(pattern);
  return `regexp: Compile(${quoted}): ${error.message}`;
}

type Match = RegExpExecArray;

function execAt(re: GoRegexp, s: string, pos: number): Match | null {
  re.js.lastIndex = pos;
  return re.js.exec(s);
}

function runeWidth(s: string, pos: number): number {
  if (pos >= s.length) return 0;
  return s.codePointAt(pos)! > 0xffff ? 2 : 1;
}

/** regexp's allMatches: up to n matches (n < 0: all), no empty match right after a match. */
export function findAll(re: GoRegexp, s: string, n: number): Match[] {
  const out: Match[] = [];
  if (n < 0) n = s.length + 1;
  let pos = 0;
  let prevMatchEnd = -1;
  while (out.length < n && pos <= s.length) {
    const m = execAt(re, s, pos);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    let accept = true;
    if (end === pos) {
      if (start === prevMatchEnd) accept = false;
      const width = runeWidth(s, pos);
      pos = width > 0 ? pos + width : s.length + 1;
    } else pos = end;
    prevMatchEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

/** Regexp.ReplaceAllString / ReplaceAllLiteralString. */
export function replaceAll(re: GoRegexp, s: string, replacement: string, literal: boolean): string {
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    const m = execAt(re, s, searchPos);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += s.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) out += literal ? replacement : expand(re, replacement, m);
    lastMatchEnd = end;
    const width = runeWidth(s, searchPos);
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastMatchEnd);
}

/** Regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown names and bad syntax expand to "". */
export function expand(re: GoRegexp, template: string, m: Match): string {
  let out = "";
  let rest = template;
  for (;;) {
    const i = rest.indexOf("$");
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i);
    if (rest.length > 1 && rest[1] === "$") {
      out += "$";
      rest = rest.slice(2);
      continue;
    }
    const parsed = /^\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(rest);
    if (!parsed) {
      out += "$";
      rest = rest.slice(1);
      continue;
    }
    rest = rest.slice(parsed[0].length);
    const name = parsed[1] ?? parsed[2]!;
    let index = -1;
    if (/^[0-9]+$/.test(name)) {
      const num = Number(name);
      if (name.length < 10 && num < re.names.length) index = num;
    } else index = re.names.indexOf(name);
    if (index >= 0) out += m[index] ?? "";
  }
  return out + rest;
}

/** Regexp.Split(s, n). */
export function split(re: GoRegexp, s: string, n: number): string[] | null {
  if (n === 0) return null;
  if (re.source.length > 0 && s.length === 0) return [""];
  const matches = findAll(re, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}
