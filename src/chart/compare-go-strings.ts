/** Go's string order (bytes of UTF-8, which is code point order), for sort.Strings-compatible sorting. */
export function compareGoStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(index) ?? 0) - (b.codePointAt(index) ?? 0) || x - y;
  }
  return a.length - b.length;
}
