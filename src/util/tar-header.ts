/**
 * Encodes tar headers the deterministic way lade writes layers: ustar, uid/gid 0, no user or group
 * names, a fixed mtime, and a PAX extended header only when a path or link is too long for ustar.
 */
export type TarEntryType = "file" | "directory" | "symlink" | "hardlink";

export interface TarHeaderFields {
  /** Path inside the archive, "/" separated, no leading "/"; directories without a trailing "/". */
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly size: number;
  readonly mtime: number;
  readonly linkTarget?: string;
}

export const TAR_BLOCK_SIZE = 512;

const TYPE_FLAGS: Record<TarEntryType, string> = { file: "0", hardlink: "1", symlink: "2", directory: "5" };
const encoder = new TextEncoder();

export function encodeTarHeader(fields: TarHeaderFields): Uint8Array {
  const name = fields.type === "directory" ? `${fields.path}/` : fields.path;
  const link = fields.linkTarget ?? "";
  const split = splitUstarName(name);
  const pax: Record<string, string> = {};
  if (!split) pax.path = name;
  if (encoder.encode(link).length > 100) pax.linkpath = link;
  if (fields.size > 0o77777777777) pax.size = String(fields.size);

  const ustar = ustarHeader({
    name: split?.name ?? placeholderName(name),
    prefix: split?.prefix ?? "",
    link: pax.linkpath ? "" : link,
    typeFlag: TYPE_FLAGS[fields.type],
    mode: fields.mode,
    size: pax.size ? 0 : fields.size,
    mtime: fields.mtime,
  });
  if (Object.keys(pax).length === 0) return ustar;
  return concatBytes([paxHeader(pax, fields.mtime), ustar]);
}

/** Zero padding that completes a file's last 512-byte block. */
export function tarPadding(size: number): Uint8Array {
  const remainder = size % TAR_BLOCK_SIZE;
  return new Uint8Array(remainder === 0 ? 0 : TAR_BLOCK_SIZE - remainder);
}

/** The two zero blocks that end an archive. */
export function tarTrailer(): Uint8Array {
  return new Uint8Array(TAR_BLOCK_SIZE * 2);
}

function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  const bytes = encoder.encode(name);
  if (bytes.length <= 100) return { name, prefix: "" };
  if (bytes.length > 256 || bytes.length !== name.length) return undefined;
  // Split at a "/" so that the prefix fits in 155 bytes and the rest in 100.
  for (let index = name.lastIndexOf("/"); index > 0; index = name.lastIndexOf("/", index - 1)) {
    if (index <= 155 && name.length - index - 1 <= 100 && name.length - index - 1 > 0) {
      return { prefix: name.slice(0, index), name: name.slice(index + 1) };
    }
  }
  return undefined;
}

function placeholderName(name: string): string {
  return Buffer.from(encoder.encode(name).slice(0, 100)).toString("latin1");
}

interface UstarFields {
  name: string;
  prefix: string;
  link: string;
  typeFlag: string;
  mode: number;
  size: number;
  mtime: number;
}

function ustarHeader(fields: UstarFields): Uint8Array {
  const header = new Uint8Array(TAR_BLOCK_SIZE);
  writeString(header, 0, 100, fields.name);
  writeOctal(header, 100, 8, fields.mode & 0o7777);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, fields.size);
  writeOctal(header, 136, 12, fields.mtime);
  header.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(header, 156, 1, fields.typeFlag);
  writeString(header, 157, 100, fields.link);
  writeString(header, 257, 6, "ustar");
  writeString(header, 263, 2, "00");
  writeOctal(header, 329, 8, 0);
  writeOctal(header, 337, 8, 0);
  writeString(header, 345, 155, fields.prefix);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  writeString(header, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

function paxHeader(records: Record<string, string>, mtime: number): Uint8Array {
  const body = encoder.encode(
    Object.entries(records)
      .map(([key, value]) => paxRecord(key, value))
      .join(""),
  );
  const header = ustarHeader({
    name: "PaxHeader",
    prefix: "",
    link: "",
    typeFlag: "x",
    mode: 0o644,
    size: body.length,
    mtime,
  });
  return concatBytes([header, body, tarPadding(body.length)]);
}

/** A PAX record is "<length> <key>=<value>\n" where length counts itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLength = encoder.encode(rest).length;
  let length = restLength + 1;
  while (String(length).length + restLength > length) length += 1;
  return `${length}${rest}`;
}

function writeString(target: Uint8Array, offset: number, width: number, value: string): void {
  const bytes = encoder.encode(value);
  target.set(bytes.subarray(0, width), offset);
}

function writeOctal(target: Uint8Array, offset: number, width: number, value: number): void {
  writeString(target, offset, width, `${value.toString(8).padStart(width - 1, "0")}\0`);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
