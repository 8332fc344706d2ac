/**
 * `strconv.FormatFloat(f, fmt, prec, 64)` for fmt 'b', 'e', 'E', 'f', 'g', 'G', 'x', 'X':
 * shortest digits for prec < 0, else exactly rounded (half to even on the exact binary value),
 * exponents with at least two digits, as Go prints them.
 */
export function formatFloat(value: number, fmt: string, prec: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  const neg = value < 0 || Object.is(value, -0);
  const { mant, exp } = decompose(value);
  if (fmt === "b") return formatBinary(neg, mant, exp);
  if (fmt === "x" || fmt === "X") return formatHex(neg, mant, exp, prec, fmt);

  const shortest = prec < 0;
  let digits: Digits;
  if (shortest) {
    digits = shortestDigits(Math.abs(value));
    switch (fmt) {
      case "e":
      case "E":
        prec = Math.max(digits.nd - 1, 0);
        break;
      case "f":
        prec = Math.max(digits.nd - digits.dp, 0);
        break;
      case "g":
      case "G":
        prec = digits.nd;
        break;
    }
  } else {
    digits = exactDigits(mant, exp);
    switch (fmt) {
      case "e":
      case "E":
        digits = roundDigits(digits, prec + 1);
        break;
      case "f":
        digits = roundDigits(digits, digits.dp + prec);
        break;
      case "g":
      case "G":
        if (prec === 0) prec = 1;
        digits = roundDigits(digits, prec);
        break;
    }
  }
  return formatDigits(neg, digits, prec, fmt, shortest);
}

/** Decimal digits without trailing zeros (`d`), and where the decimal point goes (`dp`). */
interface Digits {
  readonly d: string;
  readonly nd: number;
  readonly dp: number;
}

/** value = mant × 2^exp, mant < 2^53, as Go's genericFtoa sees it (exp already unbiased). */
function decompose(value: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { mant, exp: exp - 1023 - 52 };
}

function shortestDigits(abs: number): Digits {
  if (abs === 0) return { d: "", nd: 0, dp: 0 };
  const [mantissa, exponent] = abs.toExponential().split("e") as [string, string];
  const d = mantissa.replace(".", "").replace(/0+$/, "");
  return { d, nd: d.length, dp: Number(exponent) + 1 };
}

function exactDigits(mant: bigint, exp: number): Digits {
  if (mant === 0n) return { d: "", nd: 0, dp: 0 };
  let text: string;
  let dp: number;
  if (exp >= 0) {
    text = (mant << BigInt(exp)).toString();
    dp = text.length;
  } else {
    text = (mant * 5n ** BigInt(-exp)).toString();
    dp = text.length + exp;
  }
  const d = text.replace(/0+$/, "");
  return { d, nd: d.length, dp };
}

/** Go's decimal.Round(nd): half to even when exactly halfway. */
function roundDigits(digits: Digits, nd: number): Digits {
  if (nd < 0 || nd >= digits.nd) return digits;
  const next = digits.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === digits.nd) up = nd > 0 && (digits.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= 5;
  if (!up) {
    const d = digits.d.slice(0, nd).replace(/0+$/, "");
    return d.length === 0 ? { d: "", nd: 0, dp: 0 } : { d, nd: d.length, dp: digits.dp };
  }
  let i = nd - 1;
  while (i >= 0 && digits.d[i] === "9") i--;
  if (i < 0) return { d: "1", nd: 1, dp: digits.dp + 1 };
  const d = digits.d.slice(0, i) + String.fromCharCode(digits.d.charCodeAt(i) + 1);
  return { d, nd: d.length, dp: digits.dp };
}

function formatDigits(neg: boolean, digits: Digits, prec: number, fmt: string, shortest: boolean): string {
  switch (fmt) {
    case "e":
    case "E":
      return formatE(neg, digits, prec, fmt);
    case "f":
      return formatF(neg, digits, prec);
    case "g":
    case "G": {
      let eprec = prec;
      if (eprec > digits.nd && digits.nd >= digits.dp) eprec = digits.nd;
      if (shortest) eprec = 6;
      const exp = digits.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > digits.nd) prec = digits.nd;
        return formatE(neg, digits, prec - 1, fmt === "g" ? "e" : "E");
      }
      if (prec > digits.dp) prec = digits.nd;
      return formatF(neg, digits, Math.max(prec - digits.dp, 0));
    }
  }
  return `%${fmt}`;
}

function formatE(neg: boolean, digits: Digits, prec: number, fmt: string): string {
  let out = neg ? "-" : "";
  out += digits.nd !== 0 ? digits.d[0] : "0";
  if (prec > 0) {
    out += ".";
    const m = Math.min(digits.nd, prec + 1);
    out += digits.d.slice(1, m);
    out += "0".repeat(Math.max(0, prec + 1 - Math.max(m, 1)));
  }
  out += fmt;
  let exp = digits.nd === 0 ? 0 : digits.dp - 1;
  out += exp < 0 ? "-" : "+";
  exp = Math.abs(exp);
  return out + (exp < 10 ? `0${exp}` : String(exp));
}

function formatF(neg: boolean, digits: Digits, prec: number): string {
  let out = neg ? "-" : "";
  if (digits.dp > 0) {
    const m = Math.min(digits.nd, digits.dp);
    out += digits.d.slice(0, m) + "0".repeat(digits.dp - m);
  } else out += "0";
  if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      const j = digits.dp + i;
      out += j >= 0 && j < digits.nd ? digits.d[j] : "0";
    }
  }
  return out;
}

function formatBinary(neg: boolean, mant: bigint, exp: number): string {
  return `${neg ? "-" : ""}${mant}p${exp >= 0 ? "+" : ""}${exp}`;
}

function formatHex(neg: boolean, mantIn: bigint, expIn: number, prec: number, fmt: string): string {
  let mant = mantIn;
  let exp = expIn + 52;
  if (mant === 0n) exp = 0;
  mant <<= 60n - 52n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === "X" ? "0123456789ABCDEF" : "0123456789abcdef";
  let out = `${neg ? "-" : ""}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += fmt === "X" ? "P" : "p";
  if (exp < 0) {
    out += "-";
    exp = -exp;
  } else out += "+";
  return out + (exp < 10 ? `0${exp}` : String(exp));
}
