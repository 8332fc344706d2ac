import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import { UserInputError } from "../util/source-location.ts";
import { extractImages } from "./extract-images.ts";
import type { FieldPath } from "./field-path.ts";
import type { ScanFindings } from "./image-source.ts";
import type { UserRule } from "./user-rule.ts";

export interface ManifestScanOptions {
  readonly userRules?: readonly UserRule[];
  readonly candidatesOnly?: boolean;
}

/**
 * Find the images in a manifest file (YAML with any number of documents, or JSON): real parsing,
 * so anchors, aliases, flow style and block scalars count and comments never do.
 * A file that does not parse fails at FILE:LINE:COL.
 */
export function scanManifestText(text: string, file: string, findings: ScanFindings, options: ManifestScanOptions = {}): void {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    const error = document.errors[0];
    if (error) {
      const position = lineCounter.linePos(error.pos[0]);
      throw new UserInputError({ file, line: position.line, column: position.col }, `Cannot parse YAML: ${error.message.split("\n")[0]}`);
    }
    const value = document.toJS({ maxAliasCount: 10_000 }) as unknown;
    extractImages(value, {
      file,
      document: index,
      lineOf: (path) => lineOf(document, path, lineCounter),
      userRules: options.userRules,
      candidatesOnly: options.candidatesOnly,
    }, findings);
  });
}

function lineOf(document: Document, path: FieldPath, lineCounter: LineCounter): number | undefined {
  let node: unknown = document.contents;
  for (const step of path) {
    if (isMap(node)) node = node.get(step, true);
    else if (isSeq(node)) node = node.get(step as number, true);
    else return undefined;
  }
  const range = (node as Node | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}
