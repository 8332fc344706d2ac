import { normalizeImageReference } from "../oci/image-reference.ts";
import { UserInputError } from "../util/source-location.ts";

export interface ImageListEntry {
  /** The normalized reference (tag and digest kept; "latest" only when neither is given). */
  readonly image: string;
  readonly line: number;
}

/**
 * Read an imageList: one reference per line; blank lines, `#` comments (whole-line or after the
 * reference), surrounding spaces and quotes are fine. An invalid reference fails at FILE:LINE.
 */
export function parseImageList(text: string, file: string): ImageListEntry[] {
  const entries: ImageListEntry[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const withoutComment = raw.replace(/(^|\s)#.*$/, "");
    const trimmed = withoutComment.trim();
    if (!trimmed) return;
    const unquoted = trimmed.replace(/^(["'])(.*)\1$/, "$2").trim();
    try {
      entries.push({ image: normalizeImageReference(unquoted), line: index + 1 });
    } catch (error) {
      const column = raw.indexOf(trimmed) + 1;
      throw new UserInputError({ file, line: index + 1, column }, (error as Error).message, { cause: error });
    }
  });
  return entries;
}
