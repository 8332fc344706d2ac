/** The fields of one ustar header block that readers of lade's layers need. */
export interface ParsedTarHeader {
  readonly name: string;
  /** Permission bits (and setuid/setgid/sticky). */
  readonly mode: number;
  readonly size: number;
  /** "0" file, "1" hard link, "2" symlink, "5" directory, "x" PAX header, "g" global PAX … */
  readonly typeFlag: string;
  readonly linkName: string;
}

const decoder = new TextDecoder();

/** Parse a 512-byte header; undefined for an all-zero block (the end of the archive). */
export function parseTarHeader(block: Uint8Array): ParsedTarHeader | undefined {
  if (block.every((byte) => byte === 0)) return undefined;
  const name = field(block, 0, 100);
  const prefix = decoder.decode(block.subarray(257, 262)) === "ustar" ? field(block, 345, 155) : "";
  return {
    name: prefix ? `${prefix}/${name}` : name,
    mode: octal(block, 100, 8) & 0o7777,
    size: octal(block, 124, 12),
    typeFlag: String.fromCharCode(block[156] || 48),
    linkName: field(block, 157, 100),
  };
}

/**
 * Whether a header block's checksum adds up: the sum of its bytes with the checksum field taken as
 * spaces, as unsigned bytes (or signed, which some old writers used).
 */
export function tarChecksumMatches(block: Uint8Array): boolean {
  const text = decoder.decode(block.subarray(148, 156)).replace(/[\0 ]+$/, "").trim();
  if (!/^[0-7]+$/.test(text)) return false;
  const stored = Number.parseInt(text, 8);
  let unsigned = 0;
  let signed = 0;
  for (let position = 0; position < 512; position++) {
    const byte = position >= 148 && position < 156 ? 0x20 : block[position]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** The records of a PAX extended header body ("<length> key=value\n"…, length in bytes). */
export function parsePaxRecords(body: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  let position = 0;
  while (position < body.length) {
    const space = body.indexOf(0x20, position);
    const length = Number(decoder.decode(body.subarray(position, space)));
    if (space < 0 || !Number.isInteger(length) || length <= 0) break;
    const record = decoder.decode(body.subarray(space + 1, position + length - 1));
    const equals = record.indexOf("=");
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return records;
}

function field(block: Uint8Array, offset: number, width: number): string {
  const bytes = block.subarray(offset, offset + width);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function octal(block: Uint8Array, offset: number, width: number): number {
  const bytes = block.subarray(offset, offset + width);
  if (bytes[0]! & 0x80) {
    // base-256 encoding for sizes beyond 8 GiB
    let value = 0;
    for (let index = 1; index < bytes.length; index++) value = value * 256 + bytes[index]!;
    return value;
  }
  const text = field(block, offset, width).trim();
  return text ? Number.parseInt(text, 8) : 0;
}
