/**
 * A port of the libyaml emitter as go-yaml carries it (yaml.v2 for Helm's toYaml, yaml.v3 for
 * toYamlPretty), for the events go-yaml's encoder produces from plain data: block mappings and
 * sequences (flow `{}`/`[]` when empty), and plain, double-quoted and literal scalars. It decides
 * what go-yaml decides: quoting, `|-` chomping, indentation, and v2's folding of long plain and
 * quoted scalars at 80 columns.
 */
export type ScalarStyle = "plain" | "single" | "double" | "literal";

export type YamlEvent =
  | { type: "map-start" }
  | { type: "map-end" }
  | { type: "seq-start" }
  | { type: "seq-end" }
  | { type: "scalar"; value: string; style: ScalarStyle };

type State =
  | "doc-start"
  | "doc-content"
  | "doc-end"
  | "end"
  | "flow-seq-first"
  | "flow-seq"
  | "flow-map-first"
  | "flow-map-key"
  | "flow-map-simple-value"
  | "flow-map-value"
  | "block-seq-first"
  | "block-seq"
  | "block-map-first"
  | "block-map-key"
  | "block-map-simple-value"
  | "block-map-value";

interface ScalarData {
  value: string[];
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  style: ScalarStyle;
}

function isPrintable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

const isBreak = (ch: string | undefined) => ch === "\r" || ch === "\n" || ch === "\u0085" || ch === "\u2028" || ch === "\u2029";
const isSpace = (ch: string | undefined) => ch === " ";
const isBlank = (ch: string | undefined) => ch === " " || ch === "\t";
const isBlankz = (ch: string | undefined) => isBlank(ch) || isBreak(ch) || ch === undefined || ch === "\0";

export class YamlEmitter {
  readonly #v3: boolean;
  readonly #bestIndent: number;
  readonly #bestWidth: number;
  #out = "";
  #events: YamlEvent[] = [];
  #head = 0;
  #state: State = "doc-start";
  #states: State[] = [];
  #indents: number[] = [];
  #indent = -1;
  #flowLevel = 0;
  #rootContext = false;
  #sequenceContext = false;
  #mappingContext = false;
  #simpleKeyContext = false;
  #column = 0;
  #whitespace = true;
  #indention = true;
  #scalar: ScalarData | null = null;

  constructor(options: { v3?: boolean; indent?: number } = {}) {
    this.#v3 = options.v3 ?? false;
    this.#bestIndent = options.indent ?? 2;
    this.#bestWidth = this.#v3 ? Number.MAX_SAFE_INTEGER : 80;
  }

  /** Emits one document holding `events` and returns the text (with its final newline). */
  emitDocument(events: YamlEvent[]): string {
    this.#events = events;
    this.#head = 0;
    this.#state = "doc-content";
    while (this.#head < this.#events.length) {
      this.#dispatch(this.#events[this.#head]!);
      this.#head++;
    }
    // Document end: back to the left margin.
    this.#writeIndent();
    return this.#out;
  }

  #dispatch(event: YamlEvent): void {
    this.#analyze(event);
    switch (this.#state) {
      case "doc-content":
        this.#states.push("doc-end");
        return this.#emitNode(event, true, false, false, false);
      case "flow-seq-first":
        return this.#flowSequenceItem(event, true);
      case "flow-seq":
        return this.#flowSequenceItem(event, false);
      case "flow-map-first":
        return this.#flowMappingKey(event, true);
      case "flow-map-key":
        return this.#flowMappingKey(event, false);
      case "flow-map-simple-value":
        return this.#flowMappingValue(event, true);
      case "flow-map-value":
        return this.#flowMappingValue(event, false);
      case "block-seq-first":
        return this.#blockSequenceItem(event, true);
      case "block-seq":
        return this.#blockSequenceItem(event, false);
      case "block-map-first":
        return this.#blockMappingKey(event, true);
      case "block-map-key":
        return this.#blockMappingKey(event, false);
      case "block-map-simple-value":
        return this.#blockMappingValue(event, true);
      case "block-map-value":
        return this.#blockMappingValue(event, false);
      default:
        throw new Error(`yaml emitter: unexpected event in state ${this.#state}`);
    }
  }

  // ---- output primitives ------------------------------------------------------------------

  #put(ch: string): void {
    this.#out += ch;
    this.#column++;
  }

  #putBreak(): void {
    this.#out += "\n";
    this.#column = 0;
    if (this.#v3) this.#indention = true;
  }

  #write(ch: string): void {
    this.#out += ch;
    this.#column++;
  }

  #writeBreak(ch: string): void {
    if (ch === "\n") this.#putBreak();
    else {
      this.#out += ch;
      this.#column = 0;
      if (this.#v3) this.#indention = true;
    }
  }

  #writeIndent(): void {
    const indent = Math.max(this.#indent, 0);
    if (!this.#indention || this.#column > indent || (this.#column === indent && !this.#whitespace)) this.#putBreak();
    while (this.#column < indent) this.#put(" ");
    this.#whitespace = true;
    if (!this.#v3) this.#indention = true;
  }

  #writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.#whitespace) this.#put(" ");
    for (const ch of indicator) this.#write(ch);
    this.#whitespace = isWhitespace;
    this.#indention = this.#indention && isIndention;
  }

  #increaseIndent(flow: boolean, indentless: boolean): void {
    this.#indents.push(this.#indent);
    if (this.#indent < 0) this.#indent = flow ? this.#bestIndent : 0;
    else if (!indentless) {
      if (!this.#v3) this.#indent += this.#bestIndent;
      else if (this.#states.at(-1) === "block-seq") this.#indent += 2;
      else this.#indent = this.#bestIndent * Math.floor((this.#indent + this.#bestIndent) / this.#bestIndent);
    }
  }

  #popIndent(): void {
    this.#indent = this.#indents.pop()!;
  }

  #popState(): void {
    this.#state = this.#states.pop()!;
  }

  // ---- states -----------------------------------------------------------------------------

  #emitNode(event: YamlEvent, root: boolean, sequence: boolean, mapping: boolean, simpleKey: boolean): void {
    this.#rootContext = root;
    this.#sequenceContext = sequence;
    this.#mappingContext = mapping;
    this.#simpleKeyContext = simpleKey;
    switch (event.type) {
      case "scalar":
        return this.#emitScalar(event);
      case "seq-start":
        this.#state = this.#flowLevel > 0 || this.#checkEmpty("seq-end") ? "flow-seq-first" : "block-seq-first";
        return;
      case "map-start":
        this.#state = this.#flowLevel > 0 || this.#checkEmpty("map-end") ? "flow-map-first" : "block-map-first";
        return;
      default:
        throw new Error(`yaml emitter: expected a node, got ${event.type}`);
    }
  }

  #checkEmpty(end: "seq-end" | "map-end"): boolean {
    return this.#events[this.#head + 1]?.type === end;
  }

  #checkSimpleKey(): boolean {
    const event = this.#events[this.#head]!;
    switch (event.type) {
      case "scalar":
        if (this.#scalar!.multiline) return false;
        return new TextEncoder().encode(event.value).length <= 128;
      case "seq-start":
        return this.#checkEmpty("seq-end");
      case "map-start":
        return this.#checkEmpty("map-end");
    }
    return false;
  }

  #flowSequenceItem(event: YamlEvent, first: boolean): void {
    if (first) {
      this.#writeIndicator("[", true, true, false);
      this.#increaseIndent(true, false);
      this.#flowLevel++;
    }
    if (event.type === "seq-end") {
      this.#flowLevel--;
      this.#popIndent();
      this.#writeIndicator("]", false, false, false);
      this.#popState();
      return;
    }
    if (!first) this.#writeIndicator(",", false, false, false);
    if (this.#column > this.#bestWidth) this.#writeIndent();
    this.#states.push("flow-seq");
    this.#emitNode(event, false, true, false, false);
  }

  #flowMappingKey(event: YamlEvent, first: boolean): void {
    if (first) {
      this.#writeIndicator("{", true, true, false);
      this.#increaseIndent(true, false);
      this.#flowLevel++;
    }
    if (event.type === "map-end") {
      this.#flowLevel--;
      this.#popIndent();
      this.#writeIndicator("}", false, false, false);
      this.#popState();
      return;
    }
    if (!first) this.#writeIndicator(",", false, false, false);
    if (this.#column > this.#bestWidth) this.#writeIndent();
    if (this.#checkSimpleKey()) {
      this.#states.push("flow-map-simple-value");
      return this.#emitNode(event, false, false, true, true);
    }
    this.#writeIndicator("?", true, false, false);
    this.#states.push("flow-map-value");
    this.#emitNode(event, false, false, true, false);
  }

  #flowMappingValue(event: YamlEvent, simple: boolean): void {
    if (simple) this.#writeIndicator(":", false, false, false);
    else {
      if (this.#column > this.#bestWidth) this.#writeIndent();
      this.#writeIndicator(":", true, false, false);
    }
    this.#states.push("flow-map-key");
    this.#emitNode(event, false, false, true, false);
  }

  #blockSequenceItem(event: YamlEvent, first: boolean): void {
    if (first) this.#increaseIndent(false, !this.#v3 && this.#mappingContext && !this.#indention);
    if (event.type === "seq-end") {
      this.#popIndent();
      this.#popState();
      return;
    }
    this.#writeIndent();
    this.#writeIndicator("-", true, false, true);
    this.#states.push("block-seq");
    this.#emitNode(event, false, true, false, false);
  }

  #blockMappingKey(event: YamlEvent, first: boolean): void {
    if (first) this.#increaseIndent(false, false);
    if (event.type === "map-end") {
      this.#popIndent();
      this.#popState();
      return;
    }
    this.#writeIndent();
    if (this.#checkSimpleKey()) {
      this.#states.push("block-map-simple-value");
      return this.#emitNode(event, false, false, true, true);
    }
    this.#writeIndicator("?", true, false, true);
    this.#states.push("block-map-value");
    this.#emitNode(event, false, false, true, false);
  }

  #blockMappingValue(event: YamlEvent, simple: boolean): void {
    if (simple) this.#writeIndicator(":", false, false, false);
    else {
      this.#writeIndent();
      this.#writeIndicator(":", true, false, true);
    }
    this.#states.push("block-map-key");
    this.#emitNode(event, false, false, true, false);
  }

  // ---- scalars ----------------------------------------------------------------------------

  #analyze(event: YamlEvent): void {
    this.#scalar = event.type === "scalar" ? analyzeScalar(event.value, this.#v3) : null;
  }

  #emitScalar(event: YamlEvent & { type: "scalar" }): void {
    const data = this.#scalar!;
    let style = event.style;
    if (this.#simpleKeyContext && data.multiline) style = "double";
    if (style === "plain") {
      if ((this.#flowLevel > 0 && !data.flowPlainAllowed) || (this.#flowLevel === 0 && !data.blockPlainAllowed)) style = "single";
      if (data.value.length === 0 && (this.#flowLevel > 0 || this.#simpleKeyContext)) style = "single";
    }
    if (style === "single" && !data.singleQuotedAllowed) style = "double";
    if (style === "literal" && (!data.blockAllowed || this.#flowLevel > 0 || this.#simpleKeyContext)) style = "double";
    this.#increaseIndent(true, false);
    const allowBreaks = !this.#simpleKeyContext;
    switch (style) {
      case "plain":
        this.#writePlain(data.value, allowBreaks);
        break;
      case "single":
        this.#writeSingleQuoted(data.value, allowBreaks);
        break;
      case "double":
        this.#writeDoubleQuoted(data.value, allowBreaks);
        break;
      case "literal":
        this.#writeLiteral(data.value);
        break;
    }
    this.#popIndent();
    this.#popState();
  }

  #writePlain(value: string[], allowBreaks: boolean): void {
    if (!this.#whitespace) this.#put(" ");
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (isSpace(ch)) {
        if (allowBreaks && !spaces && this.#column > this.#bestWidth && !isSpace(value[i + 1])) this.#writeIndent();
        else this.#write(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === "\n") this.#putBreak();
        this.#writeBreak(ch);
        this.#indention = true;
        breaks = true;
      } else {
        if (breaks) this.#writeIndent();
        this.#write(ch);
        this.#indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.#whitespace = false;
    this.#indention = false;
  }

  #writeSingleQuoted(value: string[], allowBreaks: boolean): void {
    this.#writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (isSpace(ch)) {
        if (allowBreaks && !spaces && this.#column > this.#bestWidth && i > 0 && i < value.length - 1 && !isSpace(value[i + 1])) {
          this.#writeIndent();
        } else this.#write(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === "\n") this.#putBreak();
        this.#writeBreak(ch);
        this.#indention = true;
        breaks = true;
      } else {
        if (breaks) this.#writeIndent();
        if (ch === "'") this.#put("'");
        this.#write(ch);
        this.#indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.#writeIndicator("'", false, false, false);
    this.#whitespace = false;
    this.#indention = false;
  }

  #writeDoubleQuoted(value: string[], allowBreaks: boolean): void {
    let spaces = false;
    this.#writeIndicator('"', true, false, false);
    const bom = value[0] === "\ufeff";
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (!isPrintable(ch) || bom || isBreak(ch) || ch === '"' || ch === "\\") {
        this.#put("\\");
        const escapes: Record<string, string> = {
          "\0": "0",
          "\x07": "a",
          "\b": "b",
          "\t": "t",
          "\n": "n",
          "\v": "v",
          "\f": "f",
          "\r": "r",
          "\x1b": "e",
          '"': '"',
          "\\": "\\",
          "\u0085": "N",
          "\u00a0": "_",
          "\u2028": "L",
          "\u2029": "P",
        };
        const short = escapes[ch];
        if (short !== undefined) this.#put(short);
        else {
          const c = ch.codePointAt(0)!;
          const [prefix, width] = c <= 0xff ? ["x", 2] : c <= 0xffff ? ["u", 4] : ["U", 8];
          this.#put(prefix);
          for (const digit of c.toString(16).toUpperCase().padStart(width, "0")) this.#put(digit);
        }
        spaces = false;
      } else if (isSpace(ch)) {
        if (allowBreaks && !spaces && this.#column > this.#bestWidth && i > 0 && i < value.length - 1) {
          this.#writeIndent();
          if (isSpace(value[i + 1])) this.#put("\\");
        } else this.#write(ch);
        spaces = true;
      } else {
        this.#write(ch);
        spaces = false;
      }
    }
    this.#writeIndicator('"', false, false, false);
    this.#whitespace = false;
    this.#indention = false;
  }

  #writeBlockScalarHints(value: string[]): void {
    if (isSpace(value[0]) || isBreak(value[0])) this.#writeIndicator(String(this.#bestIndent), false, false, false);
    let chomp = "";
    if (value.length === 0) chomp = "-";
    else if (!isBreak(value.at(-1))) chomp = "-";
    else if (value.length === 1) chomp = "+";
    else if (isBreak(value.at(-2))) chomp = "+";
    if (chomp) this.#writeIndicator(chomp, false, false, false);
  }

  #writeLiteral(value: string[]): void {
    this.#writeIndicator("|", true, false, false);
    this.#writeBlockScalarHints(value);
    // yaml.v3 leaves the line break to the first line's indent (so a leading break is absorbed).
    if (!this.#v3) {
      this.#putBreak();
      this.#indention = true;
    }
    this.#whitespace = true;
    let breaks = true;
    for (const ch of value) {
      if (isBreak(ch)) {
        this.#writeBreak(ch);
        this.#indention = true;
        breaks = true;
      } else {
        if (breaks) this.#writeIndent();
        this.#write(ch);
        this.#indention = false;
        breaks = false;
      }
    }
  }
}

/** yaml_emitter_analyze_scalar: which styles can carry the text (yaml.v3 lets tabs into block scalars). */
function analyzeScalar(text: string, v3: boolean): ScalarData {
  const value = [...text];
  const data: ScalarData = {
    value,
    multiline: false,
    flowPlainAllowed: false,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: false,
    style: "plain",
  };
  if (value.length === 0) return data;
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let tabCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (text.startsWith("---") || text.startsWith("...")) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const followedByWhitespace = i + 1 >= value.length || isBlank(value[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === "?" || ch === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === "-" && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (",?[]{}".includes(ch)) {
      flowIndicators = true;
    } else if (ch === ":") {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === "#" && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (v3 && ch === "\t") tabCharacters = true;
    else if (!isPrintable(ch)) specialCharacters = true;
    if (isSpace(ch)) {
      if (i === 0) leadingSpace = true;
      if (i === value.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === value.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(ch);
  }
  data.multiline = lineBreaks;
  data.flowPlainAllowed = true;
  data.blockPlainAllowed = true;
  data.singleQuotedAllowed = true;
  data.blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    data.flowPlainAllowed = false;
    data.blockPlainAllowed = false;
  }
  if (trailingSpace) data.blockAllowed = false;
  if (breakSpace) {
    data.flowPlainAllowed = false;
    data.blockPlainAllowed = false;
    data.singleQuotedAllowed = false;
  }
  if (spaceBreak || tabCharacters || specialCharacters) {
    data.flowPlainAllowed = false;
    data.blockPlainAllowed = false;
    data.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) data.blockAllowed = false;
  if (lineBreaks) {
    data.flowPlainAllowed = false;
    data.blockPlainAllowed = false;
  }
  if (flowIndicators) data.flowPlainAllowed = false;
  if (blockIndicators) data.blockPlainAllowed = false;
  return data;
}
