import packageJson from "../../package.json" with { type: "json" };

/** Set by scripts/build.ts when compiling; absent when running from source. */
declare const LADE_BUILD_COMMIT: string | undefined;

export interface VersionInfo {
  readonly version: string;
  readonly commit: string;
  readonly platform: string;
  readonly bun: string;
}

/** lade's release version alone (what an SBOM names as its tool: the same for every build of a release). */
export function ladeReleaseVersion(): string {
  return packageJson.version;
}

export async function ladeVersion(): Promise<VersionInfo> {
  const commit = typeof LADE_BUILD_COMMIT === "string" ? LADE_BUILD_COMMIT : await commitFromSource();
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return { version: packageJson.version, commit, platform: `${process.platform}/${arch}`, bun: Bun.version };
}

/** From a source checkout, ask git; anywhere else the commit is unknown. */
async function commitFromSource(): Promise<string> {
  try {
    const child = Bun.spawn(["git", "rev-parse", "--short=12", "HEAD"], { cwd: import.meta.dir, stdout: "pipe", stderr: "ignore" });
    const output = (await new Response(child.stdout).text()).trim();
    return (await child.exited) === 0 && output ? output : "unknown";
  } catch {
    return "unknown";
  }
}
