import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { mirrorPathOf, type BinaryDownload } from "../../src/rootfs/binary-downloads.ts";
import type { RootfsArch } from "../../src/rootfs/component-versions.ts";
import { planBinaries, type RootfsPlan } from "../../src/rootfs/plan-rootfs.ts";

/** The programs each upstream archive holds (the layouts of the real release tarballs). */
const ARCHIVE_CONTENT: Record<string, readonly string[]> = {
  crictl: ["crictl"],
  "CNI plugins": ["./bridge", "./host-local", "./loopback", "./portmap", "./LICENSE", "./README.md"],
  containerd: ["bin/containerd", "bin/containerd-shim-runc-v2", "bin/ctr"],
  docker: ["docker/dockerd", "docker/docker", "docker/containerd", "docker/containerd-shim-runc-v2", "docker/ctr", "docker/runc", "docker/docker-init", "docker/docker-proxy"],
  "cri-dockerd": ["cri-dockerd/cri-dockerd"],
};

export interface StandInOptions {
  /** Also write the published checksum files (default true). */
  readonly checksums?: boolean;
  /** Leave these downloads out (by name prefix, e.g. "kubelet"). */
  readonly omit?: readonly string[];
  /** Real content for some programs, by file name (e.g. "containerd" → the machine's binary). */
  readonly programs?: Readonly<Record<string, Uint8Array>>;
}

/**
 * Fill DIR as a `--bin-source DIR` with small stand-in programs (shell scripts that print their
 * name and arch) for every download of the plan's arches, in the upstream layout, with their
 * checksum files: what the example and the tests build a base image from where the real
 * Kubernetes binaries cannot be downloaded (or cannot run).
 */
export async function writeStandInBinaries(dir: string, plan: RootfsPlan, arches: readonly RootfsArch[] = plan.options.arches, options: StandInOptions = {}): Promise<void> {
  const checksumFiles = new Map<string, string[]>();
  for (const arch of arches) {
    for (const download of planBinaries(plan, arch)) {
      if (options.omit?.some((prefix) => download.name.startsWith(prefix))) continue;
      const bytes = await fakeContent(download, arch, options.programs ?? {});
      const path = join(dir, download.mirrorPath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes, { mode: 0o755 });
      if (download.checksum.kind === "published" && options.checksums !== false) {
        const sum = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
        const file = download.mirrorPath.slice(download.mirrorPath.lastIndexOf("/") + 1);
        const lines = checksumFiles.get(download.checksum.url) ?? [];
        lines.push(`${sum}  ${file}`);
        checksumFiles.set(download.checksum.url, lines);
      }
    }
  }
  for (const [url, lines] of checksumFiles) {
    const path = join(dir, mirrorPathOf(url));
    mkdirSync(dirname(path), { recursive: true });
    // runc publishes one file for the whole release, naming every asset
    const text = url.endsWith("/runc.sha256sum") ? [`${"0".repeat(64)}  runc.ppc64le`, ...lines] : lines;
    writeFileSync(path, `${text.join("\n")}\n`);
  }
}

/** A stand-in program: a shell script naming itself. */
export function fakeProgram(name: string, arch: string): string {
  return `#!/bin/sh\necho "fake ${name} for ${arch}"\n`;
}

async function fakeContent(download: BinaryDownload, arch: RootfsArch, programs: Readonly<Record<string, Uint8Array>>): Promise<Uint8Array> {
  const program = (name: string) => programs[name] ?? new TextEncoder().encode(fakeProgram(name, arch));
  if (download.install.kind === "file") return program(download.install.path.split("/").pop()!);
  const kind = Object.keys(ARCHIVE_CONTENT).find((prefix) => download.name.startsWith(prefix));
  if (!kind) throw new Error(`No stand-in archive layout for ${download.name}`);
  const root = mkdtempSync(join(tmpdir(), "lade-stand-in-archive-"));
  try {
    return archive(root, kind, program);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function archive(root: string, kind: string, program: (name: string) => Uint8Array): Uint8Array {
  for (const entry of ARCHIVE_CONTENT[kind]!) {
    const path = join(root, entry);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, program(entry.split("/").pop()!), { mode: 0o755 });
  }
  const tar = Bun.spawnSync(
    ["tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", ...ARCHIVE_CONTENT[kind]!],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  if (tar.exitCode !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
  return Bun.gzipSync(new Uint8Array(tar.stdout));
}
