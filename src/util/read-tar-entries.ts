import { tarChecksumMatches } from "./parse-tar-header.ts";
import { TAR_BLOCK_SIZE } from "./tar-header.ts";

/** One member of a tar archive, as read from memory. */
export interface TarEntry {
  /** The path as stored (PAX `path` and GNU long names applied), "/" separated. */
  readonly path: string;
  readonly type: "file" | "directory" | "symlink" | "hardlink" | "other";
  readonly mode: number;
  readonly data: Uint8Array;
}

const decoder = new TextDecoder();

/**
 * The members of an uncompressed tar archive held in memory: ustar, GNU long names (`L`/`K`) and
 * PAX headers (`x`, `g`). Pure: no file system, so chart loading can unpack a nested .tgz.
 *
 * @throws {SyntaxError} when a header's checksum or size cannot be read or the data is cut short
 */
export function readTarEntries(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  const globalPax: Record<string, string> = {};
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let offset = 0;
  while (offset + TAR_BLOCK_SIZE <= archive.length) {
    const header = archive.subarray(offset, offset + TAR_BLOCK_SIZE);
    if (header.every((byte) => byte === 0)) break;
    checkChecksum(header, offset);
    const size = readNumber(header.subarray(124, 136), offset);
    const typeFlag = String.fromCharCode(header[156]!);
    const start = offset + TAR_BLOCK_SIZE;
    const end = start + size;
    if (end > archive.length) throw new SyntaxError(`Cannot read tar entry at offset ${offset}: the archive is truncated`);
    const body = archive.subarray(start, end);
    offset = start + Math.ceil(size / TAR_BLOCK_SIZE) * TAR_BLOCK_SIZE;
    switch (typeFlag) {
      case "x":
        pax = { ...pax, ...parsePax(body) };
        continue;
      case "g":
        Object.assign(globalPax, parsePax(body));
        continue;
      case "L":
        longName = cString(body);
        continue;
      case "K": // GNU long link target: links are not returned with their targets
        continue;
    }
    const records = { ...globalPax, ...pax };
    let path = records.path ?? longName;
    if (path === undefined) {
      const name = cString(header.subarray(0, 100));
      const magic = decoder.decode(header.subarray(257, 263));
      const prefix = magic.startsWith("ustar") ? cString(header.subarray(345, 500)) : "";
      path = prefix ? `${prefix}/${name}` : name;
    }
    pax = {};
    longName = undefined;
    entries.push({ path, type: entryType(typeFlag, path), mode: readNumber(header.subarray(100, 108), offset), data: body });
  }
  return entries;
}

function entryType(flag: string, path: string): TarEntry["type"] {
  switch (flag) {
    case "0":
    case "\0":
    case "7":
      return path.endsWith("/") ? "directory" : "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return "other";
  }
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Octal text, or GNU base-256 when the first byte has its high bit set. */
function readNumber(field: Uint8Array, offset: number): number {
  if (field[0]! & 0x80) {
    let value = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = cString(field).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new SyntaxError(`Cannot read tar header at offset ${offset}: bad number "${text}"`);
  return Number.parseInt(text, 8);
}

function checkChecksum(header: Uint8Array, offset: number): void {
  if (!tarChecksumMatches(header)) throw new SyntaxError(`Cannot read tar header at offset ${offset}: checksum mismatch`);
}

/** PAX records: "<length> <key>=<value>\n" repeated. */
function parsePax(body: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number.parseInt(decoder.decode(body.subarray(offset, space)), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = decoder.decode(body.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf("=");
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}
