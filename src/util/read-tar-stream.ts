import { ByteReader } from "./byte-reader.ts";
import { parsePaxRecords, parseTarHeader, tarChecksumMatches } from "./parse-tar-header.ts";

export interface StreamedTarEntry {
  readonly path: string;
  /** "file", "directory", or what else the header says ("symlink", "hardlink", "device", …). */
  readonly type: string;
  readonly size: number;
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

/** Read a tar archive from a stream entry by entry, without holding any entry in memory. */
export async function* readTarStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<StreamedTarEntry> {
  const reader = new ByteReader(chunks);
  let paxPath: string | undefined;
  for (;;) {
    const block = await reader.read(512);
    if (block.length === 0) throw new TruncatedArchiveError("The archive ends without its end-of-archive blocks");
    if (block.length < 512) throw new TruncatedArchiveError(`The archive is truncated at byte ${reader.offset}`);
    const header = parseTarHeader(block);
    if (!header) return;
    if (!tarChecksumMatches(block)) throw new CorruptArchiveError(`The tar header at byte ${reader.offset - 512} is damaged (its checksum does not add up)`);
    const padded = Math.ceil(header.size / 512) * 512;
    if (header.typeFlag === "x" || header.typeFlag === "g") {
      const body = await reader.read(padded);
      if (body.length < padded) throw new TruncatedArchiveError(`The archive is truncated at byte ${reader.offset}`);
      if (header.typeFlag === "x") paxPath = parsePaxRecords(body.subarray(0, header.size)).path;
      continue;
    }
    const path = paxPath ?? header.name;
    paxPath = undefined;
    let consumed = 0;
    const body = (async function* () {
      for await (const piece of reader.pieces(header.size)) {
        consumed += piece.length;
        yield piece;
      }
    })();
    yield { path, type: TYPES[header.typeFlag] ?? `type ${JSON.stringify(header.typeFlag)}`, size: header.size, body };
    // skip what the consumer left unread, then the padding
    if (consumed < header.size) {
      for await (const piece of reader.pieces(header.size - consumed)) consumed += piece.length;
    }
    if (consumed < header.size) throw new TruncatedArchiveError(`The archive is truncated inside "${path}"`);
    const padding = await reader.read(padded - header.size);
    if (padding.length < padded - header.size) throw new TruncatedArchiveError(`The archive is truncated after "${path}"`);
  }
}
