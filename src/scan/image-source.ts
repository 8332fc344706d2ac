/** Where an image reference was found; the JSON output of `lade scan` uses this shape. */
export interface ImageSource {
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly document?: number;
  readonly kind?: string;
  readonly name?: string;
  /** Field path inside the document, e.g. `spec.template.spec.containers[0].image`. */
  readonly path?: string;
  readonly line?: number;
  /** Which rule found it: "pod-spec", "crd:Prometheus", "field-named-image", "image-list", "user-rule", … */
  readonly rule: string;
}

export interface FoundImage {
  /** Normalized reference (docker's rules; tag and digest kept). */
  readonly image: string;
  readonly source: ImageSource;
}

/** Images certainly needed, and candidates: references that may be images (reported apart). */
export interface ScanFindings {
  readonly images: FoundImage[];
  readonly candidates: FoundImage[];
}

export function emptyFindings(): ScanFindings {
  return { images: [], candidates: [] };
}
