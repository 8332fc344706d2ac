import type { FunctionMap } from "../template-function.ts";
import { define, int } from "./define.ts";
import { base64Encode } from "./encoding-functions.ts";

const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const NUMERIC = "0123456789";

/** A uniformly random index below n, from the platform CSPRNG. */
function randomIndex(n: number): number {
  const limit = Math.floor(0x100000000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
}

function randomString(count: bigint, alphabet: string): string {
  let out = "";
  for (let i = 0; i < int(count); i++) out += alphabet[randomIndex(alphabet.length)];
  return out;
}

function randomAscii(count: bigint): string {
  let out = "";
  for (let i = 0; i < int(count); i++) out += String.fromCharCode(32 + randomIndex(95));
  return out;
}

/**
 * sprig's random functions (not reproducible by nature; tests check their shape): strings from
 * crypto randomness over goutils' alphabets (a negative count gives ""), uuidv4, randBytes
 * (base64), shuffle (a random permutation of the runes).
 */
export const randomFunctions: FunctionMap = {
  randAlphaNum: define(["int"], (count) => randomString(count, ALPHA + NUMERIC)),
  randAlpha: define(["int"], (count) => randomString(count, ALPHA)),
  randNumeric: define(["int"], (count) => randomString(count, NUMERIC)),
  randAscii: define(["int"], (count) => randomAscii(count)),
  randBytes: define(["int"], (count) => {
    const bytes = new Uint8Array(Math.max(0, int(count)));
    crypto.getRandomValues(bytes);
    return base64Encode(bytes);
  }),
  uuidv4: define([], () => crypto.randomUUID()),
  shuffle: define(["string"], (s) => {
    const runes = [...s];
    for (let i = runes.length - 1; i > 0; i--) {
      const j = randomIndex(i + 1);
      [runes[i], runes[j]] = [runes[j]!, runes[i]!];
    }
    return runes.join("");
  }),
};
