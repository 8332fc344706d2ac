/** An error code from the OCI distribution spec's error body (`{"errors":[{"code":…}]}`). */
export interface RegistryErrorDetail {
  readonly code: string;
  readonly message?: string;
}

const TEMPORARY_CODES = new Set(["TOOMANYREQUESTS", "UNAVAILABLE"]);

/** A registry answered with an error status; `temporary` says whether trying again may help. */
export class RegistryError extends Error {
  override name = "RegistryError";
  readonly status: number;
  readonly codes: readonly RegistryErrorDetail[];

  constructor(message: string, status: number, codes: readonly RegistryErrorDetail[] = [], options?: ErrorOptions) {
    const detail = codes.map((code) => (code.message ? `${code.code}: ${code.message}` : code.code)).join("; ");
    super(detail ? `${message}: ${detail}` : message, options);
    this.status = status;
    this.codes = codes;
  }

  get temporary(): boolean {
    return this.status === 429 || this.status >= 500 || this.codes.some((code) => TEMPORARY_CODES.has(code.code));
  }

  get code(): string | undefined {
    return this.codes[0]?.code;
  }
}

/** Read the spec's error body if there is one; registries and proxies do not always send it. */
export async function readErrorDetails(response: Response): Promise<RegistryErrorDetail[]> {
  try {
    const body = (await response.json()) as { errors?: { code?: unknown; message?: unknown }[] };
    return (body.errors ?? []).flatMap((error) =>
      typeof error.code === "string" ? [{ code: error.code, ...(typeof error.message === "string" ? { message: error.message } : {}) }] : [],
    );
  } catch {
    return [];
  }
}
