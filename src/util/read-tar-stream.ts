import { ByteReader } from "./byte-reader.ts";
import { parsePaxRecords, parseTarHeader, tarChecksumMatches } from "./parse-tar-header.ts";

export interface StreamedTarEntry {
  readonly path: string;
  /** "file", "directory", or what else the header says ("symlink", "hardlink", "device", …). */
  readonly type: string;
  /** Permission bits (and setuid/setgid/sticky). */
  readonly mode: number;
  readonly size: number;
  /** A link's target ("" for other entries). */
  readonly linkName: string;
  /** The entry's bytes; must be read (or drained) before the next entry. */
  readonly body: AsyncIterable<Uint8Array>;
}

/** A header block whose checksum does not add up: not a tar, or a damaged one. */
export class CorruptArchiveError extends Error {
  override name = "CorruptArchiveError";
}

/** The archive ended in the middle of an entry, or without its end-of-archive blocks. */
export class TruncatedArchiveError extends Error {
  override name = "TruncatedArchiveError";
}

const TYPES: Record<string, string> = { "0": "file", "\0": "file", "7": "file", "5": "directory", "2": "symlink", "1": "hardlink", "3": "device", "4": "device", "6": "fifo" };

/** Headers that describe the next entry rather than being one: PAX (per entry, global) and GNU long names. */
const META_TYPES = new Set(["x", "g", "L", "K"]);

function nulTerminated(content: Uint8Array): string {
  const end = content.indexOf(0);
  return new TextDecoder().decode(end < 0 ? content : content.subarray(0, end));
}

/** Read a tar archive from a stream entry by entry, without holding any entry in memory. */
export async function* readTarStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<StreamedTarEntry> {
  const reader = new ByteReader(chunks);
  // what a PAX header ("x") or GNU long name ("L", "K") says about the entry after it
  let next: { path?: string; linkName?: string; size?: number } = {};
  for (;;) {
    const block = await reader.read(512);
    if (block.length === 0) throw new TruncatedArchiveError("The archive ends without its end-of-archive blocks");
    if (block.length < 512) throw new TruncatedArchiveError(`The archive is truncated at byte ${reader.offset}`);
    const header = parseTarHeader(block);
    if (!header) return;
    if (!tarChecksumMatches(block)) throw new CorruptArchiveError(`The tar header at byte ${reader.offset - 512} is damaged (its checksum does not add up)`);
    if (META_TYPES.has(header.typeFlag)) {
      const padded = Math.ceil(header.size / 512) * 512;
      const body = await reader.read(padded);
      if (body.length < padded) throw new TruncatedArchiveError(`The archive is truncated at byte ${reader.offset}`);
      const content = body.subarray(0, header.size);
      if (header.typeFlag === "x") {
        const records = parsePaxRecords(content);
        next = { ...next, ...(records.path ? { path: records.path } : {}), ...(records.linkpath ? { linkName: records.linkpath } : {}), ...(records.size ? { size: Number(records.size) } : {}) };
      } else if (header.typeFlag === "L") next = { ...next, path: nulTerminated(content) };
      else if (header.typeFlag === "K") next = { ...next, linkName: nulTerminated(content) };
      continue;
    }
    const path = next.path ?? header.name;
    const size = next.size ?? header.size;
    const linkName = next.linkName ?? header.linkName;
    next = {};
    const padded = Math.ceil(size / 512) * 512;
    let consumed = 0;
    const body = (async function* () {
      for await (const piece of reader.pieces(size)) {
        consumed += piece.length;
        yield piece;
      }
    })();
    yield { path, type: TYPES[header.typeFlag] ?? `type ${JSON.stringify(header.typeFlag)}`, mode: header.mode, size, linkName, body };
    // skip what the consumer left unread, then the padding
    if (consumed < size) {
      for await (const piece of reader.pieces(size - consumed)) consumed += piece.length;
    }
    if (consumed < size) throw new TruncatedArchiveError(`The archive is truncated inside "${path}"`);
    const padding = await reader.read(padded - size);
    if (padding.length < padded - size) throw new TruncatedArchiveError(`The archive is truncated after "${path}"`);
  }
}
