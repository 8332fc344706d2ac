import type { FunctionMap } from "../template-function.ts";
import { define } from "./define.ts";
import { decodeUtf8, utf8 } from "./go-string.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * sprig's b64enc/b64dec/b32enc/b32dec: standard alphabets with padding. Decoding errors come back
 * as the result text ("illegal base64 data at input byte 4"), not as template errors.
 */
export const encodingFunctions: FunctionMap = {
  b64enc: define(["string"], (s) => base64Encode(utf8(s))),
  b64dec: define(["string"], (s) => {
    const decoded = base64Decode(s);
    return typeof decoded === "string" ? decoded : decodeUtf8(decoded);
  }),
  b32enc: define(["string"], (s) => base32Encode(utf8(s))),
  b32dec: define(["string"], (s) => {
    const decoded = base32Decode(s);
    return typeof decoded === "string" ? decoded : decodeUtf8(decoded);
  }),
};

export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** encoding/base64.StdEncoding.DecodeString: the bytes, or Go's error message. */
export function base64Decode(text: string): Uint8Array | string {
  const src = utf8(text);
  const out: number[] = [];
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  let si = 0;
  while (si < src.length) {
    const buf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: string | null = null;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return new Uint8Array(out);
        return corrupt(si - j);
      }
      const ch = src[si++]!;
      const value = B64.indexOf(String.fromCharCode(ch));
      if (ch < 0x80 && value >= 0) {
        buf[j] = value;
        continue;
      }
      if (ch === 0x0a || ch === 0x0d) {
        j--;
        continue;
      }
      if (ch !== 0x3d) return corrupt(si - 1);
      if (j < 2) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) trailing = corrupt(si);
      dlen = j;
      break;
    }
    const val = (buf[0]! << 18) | (buf[1]! << 12) | (buf[2]! << 6) | buf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing) return trailing;
  }
  return new Uint8Array(out);
}

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const produced = [0, 2, 4, 5, 7, 8][chunk.length]!;
    for (let k = 0; k < 8; k++) {
      if (k < produced) out += B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)];
      else out += "=";
    }
  }
  return out;
}

/** encoding/base32.StdEncoding.DecodeString (newlines removed first): the bytes, or Go's error. */
export function base32Decode(text: string): Uint8Array | string {
  let src = utf8(text.replace(/[\r\n]/g, ""));
  const olen = src.length;
  const out: number[] = [];
  const corrupt = (at: number) => `illegal base32 data at input byte ${at}`;
  let end = false;
  while (src.length > 0 && !end) {
    const buf = new Array<number>(8).fill(0);
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (src.length === 0) return corrupt(olen - src.length - j);
      const ch = src[0]!;
      src = src.subarray(1);
      if (ch === 0x3d && j >= 2 && src.length < 8) {
        if (src.length + j < 8 - 1) return corrupt(olen);
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (src.length > k && src[k] !== 0x3d) return corrupt(olen - src.length + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) return corrupt(olen - src.length - 1);
        break;
      }
      const value = ch < 0x80 ? B32.indexOf(String.fromCharCode(ch)) : -1;
      if (value < 0) return corrupt(olen - src.length - 1);
      buf[j] = value;
      j++;
    }
    const b = buf;
    const bytes = [
      ((b[0]! << 3) | (b[1]! >> 2)) & 0xff,
      ((b[1]! << 6) | (b[2]! << 1) | (b[3]! >> 4)) & 0xff,
      ((b[3]! << 4) | (b[4]! >> 1)) & 0xff,
      ((b[4]! << 7) | (b[5]! << 2) | (b[6]! >> 3)) & 0xff,
      ((b[6]! << 5) | b[7]!) & 0xff,
    ];
    const count = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen as 8 | 7 | 5 | 4 | 2] ?? 0;
    out.push(...bytes.slice(0, count));
  }
  return new Uint8Array(out);
}
