import { formatFloat } from "./format-float.ts";
import { goTypeOf, GoStruct, kindOf, underlyingValue, type GoMap, type GoValue } from "./go-value.ts";
import { canBackquote, quoteGoRune, quoteGoString } from "./quote-go-string.ts";
import { compareGoStrings } from "./compare-go-strings.ts";
import { isPrint } from "./unicode-class.ts";
import { runeCount, runeToString, utf8Decode, utf8Encode } from "./utf8-bytes.ts";

const LDIGITS = "0123456789abcdefx";
const UDIGITS = "0123456789ABCDEFX";
const MAX_INT64 = (1n << 63n) - 1n;

/** What the printer currently formats, for `%!verb(type=value)` messages (Go's p.arg / p.value). */
type Current = { readonly kind: "none" } | { readonly kind: "arg" | "value"; readonly value: GoValue };

/**
 * A port of Go's fmt printer (print.go and format.go) over GoValues: one instance formats one
 * call of Sprint, Sprintln or Sprintf. Widths count runes; `%x` on strings works on UTF-8 bytes.
 */
export class GoPrinter {
  #out = "";
  #current: Current = { kind: "none" };
  #erroring = false;
  #panicking = false;
  #reordered = false;
  #goodArgNum = true;
  // fmt flags
  #widPresent = false;
  #precPresent = false;
  #minus = false;
  #plus = false;
  #sharp = false;
  #space = false;
  #zero = false;
  #plusV = false;
  #sharpV = false;
  #wid = 0;
  #prec = 0;

  text(): string {
    return this.#out;
  }

  /** fmt.Sprint's body: spaces between operands when neither side is a string. */
  print(args: readonly GoValue[]): void {
    let prevString = false;
    args.forEach((arg, index) => {
      const isString = typeof arg === "string";
      if (index > 0 && !isString && !prevString) this.#out += " ";
      this.#printArg(arg, "v");
      prevString = isString;
    });
  }

  /** fmt.Sprintln's body: spaces between all operands and a newline. */
  println(args: readonly GoValue[]): void {
    args.forEach((arg, index) => {
      if (index > 0) this.#out += " ";
      this.#printArg(arg, "v");
    });
    this.#out += "\n";
  }

  /** fmt.Sprintf's body. */
  printf(format: string, args: readonly GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.#reordered = false;
    formatLoop: for (let i = 0; i < end; ) {
      this.#goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== "%") i++;
      if (i > lasti) this.#out += format.slice(lasti, i);
      if (i >= end) break;
      i++; // skip %
      this.#clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case "#":
            this.#sharp = true;
            break;
          case "0":
            this.#zero = !this.#minus;
            break;
          case "+":
            this.#plus = true;
            break;
          case "-":
            this.#minus = true;
            this.#zero = false;
            break;
          case " ":
            this.#space = true;
            break;
          default:
            if (c >= "a" && c <= "z" && argNum < args.length) {
              if (c === "v") {
                this.#sharpV = this.#sharp;
                this.#sharp = false;
                this.#plusV = this.#plus;
                this.#plus = false;
              }
              this.#printArg(args[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = this.#argNumber(argNum, format, i, args.length);
      if (i < end && format[i] === "*") {
        i++;
        [this.#wid, this.#widPresent, argNum] = intFromArg(args, argNum);
        if (!this.#widPresent) this.#out += "%!(BADWIDTH)";
        if (this.#wid < 0) {
          this.#wid = -this.#wid;
          this.#minus = true;
          this.#zero = false;
        }
        afterIndex = false;
      } else {
        [this.#wid, this.#widPresent, i] = parseNumber(format, i, end);
        if (afterIndex && this.#widPresent) this.#goodArgNum = false;
      }
      if (i + 1 < end && format[i] === ".") {
        i++;
        if (afterIndex) this.#goodArgNum = false;
        [argNum, i, afterIndex] = this.#argNumber(argNum, format, i, args.length);
        if (i < end && format[i] === "*") {
          i++;
          [this.#prec, this.#precPresent, argNum] = intFromArg(args, argNum);
          if (this.#prec < 0) {
            this.#prec = 0;
            this.#precPresent = false;
          }
          if (!this.#precPresent) this.#out += "%!(BADPREC)";
          afterIndex = false;
        } else {
          [this.#prec, this.#precPresent, i] = parseNumber(format, i, end);
          if (!this.#precPresent) {
            this.#prec = 0;
            this.#precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = this.#argNumber(argNum, format, i, args.length);
      if (i >= end) {
        this.#out += "%!(NOVERB)";
        break;
      }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;
      if (verb === "%") this.#out += "%";
      else if (!this.#goodArgNum) this.#out += `%!${verb}(BADINDEX)`;
      else if (argNum >= args.length) this.#out += `%!${verb}(MISSING)`;
      else {
        if (verb === "v") {
          this.#sharpV = this.#sharp;
          this.#sharp = false;
          this.#plusV = this.#plus;
          this.#plus = false;
        }
        this.#printArg(args[argNum], verb);
        argNum++;
      }
    }
    if (!this.#reordered && argNum < args.length) {
      this.#clearFlags();
      this.#out += "%!(EXTRA ";
      args.slice(argNum).forEach((arg, index) => {
        if (index > 0) this.#out += ", ";
        if (arg === null || arg === undefined) this.#out += "<nil>";
        else {
          this.#out += `${goTypeOf(arg)}=`;
          this.#printArg(arg, "v");
        }
      });
      this.#out += ")";
    }
  }

  #argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== "[") return [argNum, i, false];
    this.#reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
    this.#goodArgNum = false;
    return [argNum, i + wid, ok];
  }

  #clearFlags(): void {
    this.#widPresent = this.#precPresent = this.#minus = this.#plus = false;
    this.#sharp = this.#space = this.#zero = this.#plusV = this.#sharpV = false;
    this.#wid = this.#prec = 0;
  }

  #printArg(arg: GoValue, verb: string): void {
    this.#current = { kind: "arg", value: arg };
    if (arg === null || arg === undefined) {
      if (verb === "T" || verb === "v") this.#padString("<nil>");
      else this.#badVerb(verb);
      return;
    }
    if (verb === "T") {
      this.#fmtS(goTypeOf(arg));
      return;
    }
    if (verb === "p") {
      this.#fmtPointer(arg, "p");
      return;
    }
    switch (typeof arg) {
      case "boolean":
        this.#fmtBool(arg, verb);
        return;
      case "number":
        this.#fmtFloat(arg, verb);
        return;
      case "bigint":
        this.#fmtInteger(arg, true, verb);
        return;
      case "string":
        this.#fmtString(arg, verb);
        return;
    }
    if (arg instanceof Uint8Array) {
      this.#fmtBytes(arg, verb, "[]byte");
      return;
    }
    if (!this.#handleMethods(arg, verb)) this.#printValue(arg, verb, 0);
  }

  #printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined) {
      this.#current = { kind: "arg", value };
      if (this.#handleMethods(value, verb)) return;
    }
    this.#current = { kind: "value", value };
    if (value === undefined) {
      if (depth === 0) this.#out += "<invalid reflect.Value>";
      else if (verb === "v") this.#out += "<nil>";
      else this.#badVerb(verb);
      return;
    }
    if (value === null) {
      // A nil interface inside a slice, map or struct.
      this.#out += this.#sharpV ? "interface {}(nil)" : "<nil>";
      return;
    }
    switch (kindOf(value)) {
      case "bool":
        this.#fmtBool(value as boolean, verb);
        return;
      case "int":
        this.#fmtInteger(value as bigint, true, verb);
        return;
      case "float64":
        this.#fmtFloat(value as number, verb);
        return;
      case "string":
        this.#fmtString(value as string, verb);
        return;
      case "map":
        this.#printMap(value as GoMap, verb, depth);
        return;
      case "struct": {
        const underlying = underlyingValue(value);
        if (underlying !== value) this.#printValue(underlying, verb, depth);
        else this.#printStruct(value as GoStruct, verb, depth);
        return;
      }
      case "bytes":
        if (verb === "s" || verb === "q" || verb === "x" || verb === "X") {
          this.#fmtBytes(value as Uint8Array, verb, "[]uint8");
          return;
        }
        this.#printList(Array.from(value as Uint8Array, (byte) => BigInt(byte)), "[]uint8", verb, depth, true);
        return;
      case "slice":
        this.#printList(value as readonly GoValue[], goTypeOf(value), verb, depth, false);
        return;
      case "func":
        this.#fmtPointer(value, verb);
        return;
    }
  }

  #printList(items: readonly GoValue[], typeName: string, verb: string, depth: number, bytes: boolean): void {
    if (this.#sharpV) {
      this.#out += `${typeName}{`;
      items.forEach((item, index) => {
        if (index > 0) this.#out += ", ";
        if (bytes) this.#fmtInteger(item as bigint, false, "v", true);
        else this.#printValue(item, verb, depth + 1);
      });
      this.#out += "}";
      return;
    }
    this.#out += "[";
    items.forEach((item, index) => {
      if (index > 0) this.#out += " ";
      if (bytes) this.#fmtIntegerUnsigned(item as bigint, verb);
      else this.#printValue(item, verb, depth + 1);
    });
    this.#out += "]";
  }

  #printMap(map: GoMap, verb: string, depth: number): void {
    if (this.#sharpV) this.#out += `${goTypeOf(map)}{`;
    else this.#out += "map[";
    const keys = Object.keys(map)
      .filter((key) => map[key] !== undefined)
      .sort(compareGoStrings);
    keys.forEach((key, index) => {
      if (index > 0) this.#out += this.#sharpV ? ", " : " ";
      this.#printValue(key, verb, depth + 1);
      this.#out += ":";
      this.#printValue(map[key] ?? null, verb, depth + 1);
    });
    this.#out += this.#sharpV ? "}" : "]";
  }

  #printStruct(struct: GoStruct, verb: string, depth: number): void {
    if (this.#sharpV) this.#out += struct.goTypeName;
    this.#out += "{";
    structFields(struct).forEach(([name, field], index) => {
      if (index > 0) this.#out += this.#sharpV ? ", " : " ";
      if (this.#plusV || this.#sharpV) this.#out += `${name}:`;
      this.#printValue(field, verb, depth + 1);
    });
    this.#out += "}";
  }

  /** Error() and String() methods, as fmt's handleMethods (Formatter and GoStringer are not modelled). */
  #handleMethods(value: GoValue, verb: string): boolean {
    if (this.#erroring) return false;
    if (verb === "w") {
      // Sprintf has no error to wrap: %w is a bad verb for every operand that gets here.
      this.#badVerb(verb);
      return true;
    }
    if (this.#sharpV || !(value instanceof GoStruct)) return false;
    if (verb !== "v" && verb !== "s" && verb !== "x" && verb !== "X" && verb !== "q") return false;
    const record = value as unknown as Record<string, unknown>;
    const method = typeof record.Error === "function" ? "Error" : typeof record.String === "function" ? "String" : "";
    if (!method) return false;
    let text: string;
    try {
      text = String((record[method] as () => unknown).call(value));
    } catch (error) {
      if (this.#panicking) throw error;
      this.#clearFlags();
      this.#out += `%!${verb}(PANIC=${method} method: `;
      this.#panicking = true;
      this.#printArg(error instanceof Error ? error.message : String(error), "v");
      this.#panicking = false;
      this.#out += ")";
      return true;
    }
    this.#fmtString(text, verb);
    return true;
  }

  #badVerb(verb: string): void {
    this.#erroring = true;
    this.#out += `%!${verb}(`;
    const current = this.#current;
    if (current.kind === "arg" && current.value !== null && current.value !== undefined) {
      this.#out += `${goTypeOf(current.value)}=`;
      this.#printArg(current.value, "v");
    } else if (current.kind === "value" && current.value !== undefined) {
      this.#out += current.value === null ? "interface {}=" : `${goTypeOf(current.value)}=`;
      this.#printValue(current.value, "v", 0);
    } else this.#out += "<nil>";
    this.#out += ")";
    this.#erroring = false;
  }

  #fmtBool(value: boolean, verb: string): void {
    if (verb === "t" || verb === "v") this.#padString(value ? "true" : "false");
    else this.#badVerb(verb);
  }

  #fmtInteger(value: bigint, isSigned: boolean, verb: string, leading0x = false): void {
    if (leading0x) {
      const sharp = this.#sharp;
      this.#sharp = true;
      this.#formatInteger(value, 16, false, "v", LDIGITS);
      this.#sharp = sharp;
      return;
    }
    switch (verb) {
      case "v":
      case "d":
        this.#formatInteger(value, 10, isSigned, verb, LDIGITS);
        return;
      case "b":
        this.#formatInteger(value, 2, isSigned, verb, LDIGITS);
        return;
      case "o":
      case "O":
        this.#formatInteger(value, 8, isSigned, verb, LDIGITS);
        return;
      case "x":
        this.#formatInteger(value, 16, isSigned, verb, LDIGITS);
        return;
      case "X":
        this.#formatInteger(value, 16, isSigned, verb, UDIGITS);
        return;
      case "c":
        this.#pad(runeToString(clampRune(value)));
        return;
      case "q":
        this.#pad(quoteGoRune(clampRune(value), { ascii: this.#plus }));
        return;
      case "U":
        this.#fmtUnicode(value);
        return;
      default:
        this.#badVerb(verb);
    }
  }

  /** A byte of a []byte printed element by element (`[104 105]`, or `%c` per byte). */
  #fmtIntegerUnsigned(value: bigint, verb: string): void {
    this.#current = { kind: "value", value };
    if (verb === "v" || verb === "d") this.#formatInteger(value, 10, false, verb, LDIGITS);
    else this.#fmtInteger(value, false, verb);
  }

  /** fmt.fmtInteger. */
  #formatInteger(value: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const negative = isSigned && value < 0n;
    let u = negative ? -value : value;
    if (!isSigned && u < 0n) u = BigInt.asUintN(64, u);
    let prec = 0;
    if (this.#precPresent) {
      prec = this.#prec;
      if (prec === 0 && u === 0n) {
        const zero = this.#zero;
        this.#zero = false;
        this.#writePadding(this.#wid);
        this.#zero = zero;
        return;
      }
    } else if (this.#zero && this.#widPresent) {
      prec = this.#wid;
      if (negative || this.#plus || this.#space) prec--;
    }
    let text = u.toString(base);
    if (digits === UDIGITS) text = text.toUpperCase();
    if (text.length < prec) text = "0".repeat(prec - text.length) + text;
    if (this.#sharp) {
      if (base === 2) text = `0b${text}`;
      else if (base === 8 && text[0] !== "0") text = `0${text}`;
      else if (base === 16) text = `0${digits[16]}${text}`;
    }
    if (verb === "O") text = `0o${text}`;
    if (negative) text = `-${text}`;
    else if (this.#plus) text = `+${text}`;
    else if (this.#space) text = ` ${text}`;
    const zero = this.#zero;
    this.#zero = false;
    this.#pad(text);
    this.#zero = zero;
  }

  #fmtUnicode(value: bigint): void {
    const u = BigInt.asUintN(64, value);
    let prec = 4;
    if (this.#precPresent && this.#prec > 4) prec = this.#prec;
    let text = `U+${u.toString(16).toUpperCase().padStart(prec, "0")}`;
    if (this.#sharp && u <= 0x10ffffn) {
      const rune = Number(u);
      if (isPrint(rune)) text += ` '${String.fromCodePoint(rune)}'`;
    }
    const zero = this.#zero;
    this.#zero = false;
    this.#pad(text);
    this.#zero = zero;
  }

  #fmtFloat(value: number, verb: string): void {
    switch (verb) {
      case "v":
        this.#formatFloat(value, "g", -1);
        return;
      case "b":
      case "g":
      case "G":
      case "x":
      case "X":
        this.#formatFloat(value, verb, -1);
        return;
      case "f":
      case "e":
      case "E":
        this.#formatFloat(value, verb, 6);
        return;
      case "F":
        this.#formatFloat(value, "f", 6);
        return;
      default:
        this.#badVerb(verb);
    }
  }

  /** fmt.fmtFloat. */
  #formatFloat(value: number, verb: string, precIn: number): void {
    const prec = this.#precPresent ? this.#prec : precIn;
    let num = formatFloat(value, verb, prec);
    if (num[0] !== "-" && num[0] !== "+") num = `+${num}`;
    if (this.#space && num[0] === "+" && !this.#plus) num = ` ${num.slice(1)}`;
    if (num[1] === "I" || num[1] === "N") {
      const zero = this.#zero;
      this.#zero = false;
      if (num[1] === "N" && !this.#space && !this.#plus) num = num.slice(1);
      this.#pad(num);
      this.#zero = zero;
      return;
    }
    if (this.#sharp && verb !== "b") {
      let digits = 0;
      if (verb === "v" || verb === "g" || verb === "G" || verb === "x") digits = prec === -1 ? 6 : prec;
      let tail = "";
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i]!;
        if (c === ".") hasDecimalPoint = true;
        else if (c === "p" || c === "P" || ((c === "e" || c === "E") && verb !== "x" && verb !== "X")) {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        } else {
          if (c !== "0") sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === "0") digits--;
        num += ".";
      }
      if (digits > 0) num += "0".repeat(digits);
      num += tail;
    }
    if (this.#plus || num[0] !== "+") {
      if (this.#zero && this.#widPresent && this.#wid > num.length) {
        this.#out += num[0];
        this.#writePadding(this.#wid - num.length);
        this.#out += num.slice(1);
        return;
      }
      this.#pad(num);
      return;
    }
    this.#pad(num.slice(1));
  }

  #fmtString(value: string, verb: string): void {
    switch (verb) {
      case "v":
        if (this.#sharpV) this.#fmtQ(value);
        else this.#fmtS(value);
        return;
      case "s":
        this.#fmtS(value);
        return;
      case "x":
        this.#fmtSbx(utf8Encode(value), LDIGITS);
        return;
      case "X":
        this.#fmtSbx(utf8Encode(value), UDIGITS);
        return;
      case "q":
        this.#fmtQ(value);
        return;
      default:
        this.#badVerb(verb);
    }
  }

  #fmtBytes(value: Uint8Array, verb: string, typeString: string): void {
    switch (verb) {
      case "v":
      case "d":
        if (this.#sharpV) {
          this.#out += `${typeString}{`;
          value.forEach((byte, index) => {
            if (index > 0) this.#out += ", ";
            this.#fmtInteger(BigInt(byte), false, "v", true);
          });
          this.#out += "}";
        } else {
          this.#out += "[";
          value.forEach((byte, index) => {
            if (index > 0) this.#out += " ";
            this.#formatInteger(BigInt(byte), 10, false, verb, LDIGITS);
          });
          this.#out += "]";
        }
        return;
      case "s":
        this.#fmtS(utf8Decode(value));
        return;
      case "x":
        this.#fmtSbx(value, LDIGITS);
        return;
      case "X":
        this.#fmtSbx(value, UDIGITS);
        return;
      case "q":
        this.#fmtQ(utf8Decode(value));
        return;
      default:
        this.#printValue(value, verb, 0);
    }
  }

  #fmtPointer(value: GoValue, verb: string): void {
    const kind = kindOf(value);
    if (kind !== "map" && kind !== "slice" && kind !== "bytes" && kind !== "func" && kind !== "struct") {
      this.#badVerb(verb);
      return;
    }
    // Go prints an address; there is none to print here.
    if (verb === "v" || verb === "p") this.#padString(this.#sharpV ? `(${goTypeOf(value)})(0x0)` : "0x0");
    else if ("bodxX".includes(verb)) this.#fmtInteger(0n, false, verb);
    else this.#badVerb(verb);
  }

  #fmtS(value: string): void {
    this.#padString(this.#truncate(value));
  }

  #fmtQ(valueIn: string): void {
    const value = this.#truncate(valueIn);
    if (this.#sharp && canBackquote(value)) {
      this.#padString(`\`${value}\``);
      return;
    }
    this.#pad(quoteGoString(value, { ascii: this.#plus }));
  }

  /** fmt.fmtSbx: hex of bytes with the ' ' and '#' flags. */
  #fmtSbx(bytes: Uint8Array, digits: string): void {
    let length = bytes.length;
    if (this.#precPresent && this.#prec < length) length = this.#prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.#space) {
        if (this.#sharp) width *= 2;
        width += length - 1;
      } else if (this.#sharp) width += 2;
    } else {
      if (this.#widPresent) this.#writePadding(this.#wid);
      return;
    }
    if (this.#widPresent && this.#wid > width && !this.#minus) this.#writePadding(this.#wid - width);
    let out = "";
    if (this.#sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i++) {
      if (this.#space && i > 0) {
        out += " ";
        if (this.#sharp) out += `0${digits[16]}`;
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.#out += out;
    if (this.#widPresent && this.#wid > width && this.#minus) this.#writePadding(this.#wid - width);
  }

  #truncate(value: string): string {
    if (!this.#precPresent) return value;
    let n = this.#prec;
    let index = 0;
    for (const char of value) {
      n--;
      if (n < 0) return value.slice(0, index);
      index += char.length;
    }
    return value;
  }

  #writePadding(n: number): void {
    if (n <= 0) return;
    this.#out += (this.#zero ? "0" : " ").repeat(n);
  }

  #pad(text: string): void {
    this.#padString(text);
  }

  #padString(text: string): void {
    if (!this.#widPresent || this.#wid === 0) {
      this.#out += text;
      return;
    }
    const width = this.#wid - runeCount(text);
    if (!this.#minus) {
      this.#writePadding(width);
      this.#out += text;
    } else {
      this.#out += text;
      this.#writePadding(width);
    }
  }
}

/** The fields fmt prints for a struct: its own enumerable properties with exported names. */
function structFields(struct: GoStruct): [string, GoValue][] {
  return Object.entries(struct)
    .filter(([name, value]) => /^\p{Lu}/u.test(name) && typeof value !== "function")
    .map(([name, value]) => [name, (value ?? null) as GoValue]);
}

function clampRune(value: bigint): number {
  const u = BigInt.asUintN(64, value);
  return u > 0x10ffffn ? 0xfffd : Number(u);
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

/** fmt's parsenum: [num, isnum, newi]. */
function parseNumber(text: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && text[i]! >= "0" && text[i]! <= "9"; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (text.charCodeAt(i) - 48);
    isnum = true;
  }
  return [num, isnum, i];
}

/** fmt's parseArgNumber for "[n]": [index, width consumed, ok]. */
function parseArgNumber(text: string): [number, number, boolean] {
  if (text.length < 3) return [0, 1, false];
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "]") {
      const [width, ok, newi] = parseNumber(text, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

/** fmt's intFromArg for '*': [num, isInt, newArgNum]. */
function intFromArg(args: readonly GoValue[], argNum: number): [number, boolean, number] {
  if (argNum >= args.length) return [0, false, argNum];
  const arg = args[argNum];
  let num = 0;
  let isInt = false;
  if (typeof arg === "bigint" && arg <= MAX_INT64 && arg >= -MAX_INT64 - 1n) {
    num = Number(arg);
    isInt = true;
  }
  if (tooLarge(num)) return [0, false, argNum + 1];
  return [num, isInt, argNum + 1];
}
