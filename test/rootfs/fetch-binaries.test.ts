import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fetchBinaries, MissingBinariesError, parseChecksumFile, type BinarySource } from "../../src/rootfs/fetch-binaries.ts";
import { planBinaries } from "../../src/rootfs/plan-rootfs.ts";
import type { RootfsReporter } from "../../src/rootfs/rootfs-reporter.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { fakeBinSource } from "./fake-bin-source.ts";
import { CALICO_LIKE, listFiles, plan } from "./rootfs-fixtures.ts";

/**
 * A stand-in for the upstream download servers on 127.0.0.1: it serves a fake mirror folder
 * under /<host>/<path>, so a request for https://dl.k8s.io/release/… is answered from
 * DIR/dl.k8s.io/release/…, and it records what was asked.
 */
function startUpstream(dir: string) {
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = decodeURIComponent(new URL(request.url).pathname);
      requests.push(path);
      const file = join(dir, path);
      if (path.includes("..") || !existsSync(file)) return new Response("not found", { status: 404 });
      return new Response(Bun.file(file));
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  /** fetch() as if the internet were there: https://HOST/PATH is asked from the stand-in. */
  const upstreamFetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    return fetch(`${base}/${url.host}${url.pathname}`, init);
  }) as typeof fetch;
  return { server, base, requests, upstreamFetch };
}

function collectingReporter() {
  const events: string[] = [];
  const reporter: RootfsReporter = {
    log: (message) => events.push(`log ${message}`),
    warn: (message) => events.push(`warn ${message}`),
    downloadStarted: (name, bytes) => events.push(`start ${name} ${bytes}`),
    downloadProgress: () => {},
    downloadDone: (name) => events.push(`done ${name}`),
  };
  return { events, reporter };
}

describe("binary downloads", () => {
  const containerdPlan = plan("v1.27.3", "containerd", ["amd64"]);
  const dockerPlan = plan("v1.27.3", "docker", ["arm64"]);
  let mirror: string;
  let upstream: ReturnType<typeof startUpstream>;

  beforeAll(async () => {
    mirror = await fakeBinSource(containerdPlan);
    const docker = await fakeBinSource(dockerPlan);
    Bun.spawnSync(["cp", "-a", `${docker}/.`, mirror]);
    upstream = startUpstream(mirror);
  });

  afterAll(() => upstream?.server.stop(true));

  test("come from the upstream URLs, verified against their published checksum files, then from the cache", async () => {
    const cacheDir = tempDir();
    const downloads = planBinaries(containerdPlan, "amd64");
    const { events, reporter } = collectingReporter();
    upstream.requests.length = 0;
    const first = await fetchBinaries(downloads, "amd64", { source: { kind: "upstream" }, cacheDir, reporter, fetch: upstream.upstreamFetch });
    expect(first.missing.map((entry) => entry.download.name)).toEqual(["lade (amd64)"]); // no upstream URL: a --bin-source or dist/ has it
    expect(upstream.requests.sort()).toEqual([
      "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm",
      "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm.sha256",
      "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubectl",
      "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubectl.sha256",
      "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet",
      "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet.sha256",
      "/github.com/containerd/containerd/releases/download/v1.7.34/containerd-1.7.34-linux-amd64.tar.gz",
      "/github.com/containerd/containerd/releases/download/v1.7.34/containerd-1.7.34-linux-amd64.tar.gz.sha256sum",
      "/github.com/containernetworking/plugins/releases/download/v1.6.2/cni-plugins-linux-amd64-v1.6.2.tgz",
      "/github.com/containernetworking/plugins/releases/download/v1.6.2/cni-plugins-linux-amd64-v1.6.2.tgz.sha256",
      "/github.com/kubernetes-sigs/cri-tools/releases/download/v1.27.0/crictl-v1.27.0-linux-amd64.tar.gz",
      "/github.com/kubernetes-sigs/cri-tools/releases/download/v1.27.0/crictl-v1.27.0-linux-amd64.tar.gz.sha256",
      "/github.com/opencontainers/runc/releases/download/v1.3.6/runc.amd64",
      "/github.com/opencontainers/runc/releases/download/v1.3.6/runc.sha256sum",
    ]);
    expect(events.filter((event) => event.startsWith("done")).length).toBe(7);
    expect(events).toContain(`start kubeadm v1.27.3 (amd64) ${readFileSync(join(mirror, "dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm")).length}`);
    // the cache is a mirror folder itself
    expect(listFiles(cacheDir)).toContain("dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm");

    upstream.requests.length = 0;
    const again = collectingReporter();
    const second = await fetchBinaries(downloads, "amd64", { source: { kind: "upstream" }, cacheDir, reporter: again.reporter, fetch: upstream.upstreamFetch });
    expect(second.fetched.length).toBe(first.fetched.length);
    expect(upstream.requests).toEqual([]);
    expect(again.events.filter((event) => event.startsWith("log Cached")).length).toBe(7);
  });

  test("refuse a file whose sha256 is not the published one, and keep it out of the cache", async () => {
    const broken = tempDir();
    Bun.spawnSync(["cp", "-a", `${mirror}/.`, broken]);
    writeFileSync(join(broken, "dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet"), "tampered\n");
    const server = startUpstream(broken);
    const cacheDir = tempDir();
    try {
      const downloads = planBinaries(containerdPlan, "amd64").filter((download) => download.name.startsWith("kubelet"));
      await expect(
        fetchBinaries(downloads, "amd64", { source: { kind: "upstream" }, cacheDir, reporter: collectingReporter().reporter, fetch: server.upstreamFetch }),
      ).rejects.toThrow(/kubelet v1\.27\.3 \(amd64\) from https:\/\/dl\.k8s\.io\/release\/v1\.27\.3\/bin\/linux\/amd64\/kubelet has sha256 [0-9a-f]{64}, but [0-9a-f]{64} is expected: refusing it/);
      expect(existsSync(join(cacheDir, "dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet"))).toBe(false);
    } finally {
      server.server.stop(true);
    }
  });

  test("a download that breaks off resumes with Range; one with a bad byte is downloaded once more", async () => {
    const kubelet = "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet";
    const kubectl = "/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubectl";
    const seen: { path: string; range: string | null }[] = [];
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const path = new URL(request.url).pathname;
        const range = request.headers.get("range");
        seen.push({ path, range });
        const bytes = new Uint8Array(readFileSync(join(mirror, path)));
        const count = seen.filter((entry) => entry.path === path).length;
        if (path === kubelet && count === 1) {
          // half of it, then the connection drops
          return new Response(new ReadableStream({ start: (controller) => { controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 2))); setTimeout(() => controller.error(undefined), 50); /* a reset nobody prints */ } }), { headers: { "Content-Length": String(bytes.length) } });
        }
        if (path === kubectl && count === 1) {
          const bad = bytes.slice();
          bad[3]! ^= 0xff;
          return new Response(bad);
        }
        const from = Number(/^bytes=(\d+)-$/.exec(range ?? "")?.[1] ?? 0);
        return from > 0 ? new Response(bytes.slice(from), { status: 206, headers: { "Content-Range": `bytes ${from}-${bytes.length - 1}/${bytes.length}` } }) : new Response(bytes);
      },
    });
    const flakyFetch = ((input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      return fetch(`http://127.0.0.1:${server.port}/${url.host}${url.pathname}`, init);
    }) as typeof fetch;
    try {
      const downloads = planBinaries(containerdPlan, "amd64").filter((download) => download.name.startsWith("kubelet") || download.name.startsWith("kubectl"));
      const cacheDir = tempDir();
      const result = await fetchBinaries(downloads, "amd64", { source: { kind: "upstream" }, cacheDir, reporter: collectingReporter().reporter, fetch: flakyFetch });
      expect(result.missing).toEqual([]);
      const of = (path: string) => seen.filter((entry) => entry.path === path);
      const half = Math.floor(readFileSync(join(mirror, kubelet)).length / 2);
      expect(of(kubelet).map((entry) => entry.range)).toEqual([null, `bytes=${half}-`]);
      expect(of(kubectl).map((entry) => entry.range)).toEqual([null, null]);
      for (const path of [kubelet, kubectl]) expect(readFileSync(join(cacheDir, path.slice(1)))).toEqual(readFileSync(join(mirror, path)));
    } finally {
      server.stop(true);
    }
  });

  test("docker and cri-dockerd publish no checksum: their pinned sha256 is enforced", async () => {
    const downloads = planBinaries(dockerPlan, "arm64").filter((download) => download.checksum.kind === "pinned");
    expect(downloads.map((download) => download.url)).toEqual([
      "https://download.docker.com/linux/static/stable/aarch64/docker-24.0.9.tgz",
      "https://github.com/Mirantis/cri-dockerd/releases/download/v0.3.10/cri-dockerd-0.3.10.arm64.tgz",
    ]);
    // the fake tarballs are not the real ones
    await expect(
      fetchBinaries(downloads, "arm64", { source: { kind: "upstream" }, cacheDir: tempDir(), reporter: collectingReporter().reporter, fetch: upstream.upstreamFetch }),
    ).rejects.toThrow(/docker 24\.0\.9 \(arm64\) from https:\/\/download\.docker\.com\/linux\/static\/stable\/aarch64\/docker-24\.0\.9\.tgz has sha256 .* but 7e999590330a15469de20ac37051407d222ea73c71c10c05d61666d42c5922d1 is expected/);
  });

  test("a mirror server (--bin-source URL) has the upstream layout", async () => {
    const source: BinarySource = { kind: "url", base: `${upstream.base}/` };
    const { fetched, missing } = await fetchBinaries(planBinaries(containerdPlan, "amd64"), "amd64", { source, cacheDir: tempDir(), reporter: collectingReporter().reporter });
    expect(missing).toEqual([]);
    expect(fetched.map((entry) => entry.download.name)).toContain("lade (amd64)");
  });

  test("a missing binary fails with what is needed and where to put it", async () => {
    const partial = await fakeBinSource(containerdPlan, ["amd64"], { omit: ["kubelet", "runc", "lade"] });
    const { missing, fetched } = await fetchBinaries(planBinaries(containerdPlan, "amd64"), "amd64", {
      source: { kind: "dir", path: partial },
      cacheDir: tempDir(),
      reporter: collectingReporter().reporter,
    });
    expect(fetched.length).toBe(6);
    const message = new MissingBinariesError(missing).message;
    expect(message).toContain("3 files the rootfs needs are missing:");
    expect(message).toContain(`kubelet v1.27.3 (amd64): not in ${partial}`);
    expect(message).toContain("put it at DIR/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet  (from https://dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubelet)");
    expect(message).toContain("put it at DIR/github.com/opencontainers/runc/releases/download/v1.3.6/runc.amd64");
    expect(message).toContain("put it at DIR/lade/lade-linux-amd64");
    expect(message).toContain("bun run build");
    expect(message).toContain("--bin-source DIR");
  });

  test("a local folder is trusted, but a checksum file next to a file must match it", async () => {
    const folder = tempDir();
    Bun.spawnSync(["cp", "-a", `${mirror}/.`, folder]);
    const crictl = "github.com/kubernetes-sigs/cri-tools/releases/download/v1.27.0/crictl-v1.27.0-linux-amd64.tar.gz";
    writeFileSync(join(folder, `${crictl}.sha256`), `${"a".repeat(64)}  crictl-v1.27.0-linux-amd64.tar.gz\n`);
    const downloads = planBinaries(containerdPlan, "amd64").filter((download) => download.name.startsWith("crictl"));
    await expect(fetchBinaries(downloads, "amd64", { source: { kind: "dir", path: folder }, cacheDir: tempDir(), reporter: collectingReporter().reporter })).rejects.toThrow(
      /crictl v1\.27\.0 \(amd64\) from .* has sha256 .* but a{64} is expected/,
    );
  });

  test("parses the checksum file formats of the releases", () => {
    const hash = "ab".repeat(32);
    expect(parseChecksumFile(`${hash}\n`, "kubeadm")).toBe(hash);
    expect(parseChecksumFile(`${hash}  containerd-1.7.34-linux-amd64.tar.gz\n`, "containerd-1.7.34-linux-amd64.tar.gz")).toBe(hash);
    expect(parseChecksumFile(`${"cd".repeat(32)}  runc.arm64\n${hash} *runc.amd64\n`, "runc.amd64")).toBe(hash);
    expect(parseChecksumFile(`${"cd".repeat(32)}  runc.arm64\n${hash}  runc.amd64\n`, "runc.ppc64le")).toBeUndefined();
    expect(parseChecksumFile("404: Not Found\n", "kubeadm")).toBeUndefined();
  });

  test("lade rootfs --bin-source URL writes the context from a mirror server, and says what is missing without one", async () => {
    const out = join(tempDir(), "ctx");
    const root = tempDir();
    const result = await runLade(["--root", root, "rootfs", "--k8s-version", "v1.27.3", "--cri", "containerd", "--arch", "amd64", "--bin-source", upstream.base, "--cni-manifest", CALICO_LIKE, "-o", out]);
    expect(result.stderr).not.toContain("error");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("amd64: 14 binaries");
    expect(readFileSync(join(out, "amd64/bin/kubeadm"), "utf8")).toContain("fake kubeadm for amd64");
    // the downloads went through the store's cache
    expect(existsSync(join(root, "cache/downloads/dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm"))).toBe(true);

    const empty = tempDir();
    const missing = await runLade(["rootfs", "--k8s-version", "v1.27.3", "--cri", "docker", "--arch", "arm64", "--bin-source", empty, "--cni-manifest", CALICO_LIKE, "-o", join(tempDir(), "ctx")]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("files the rootfs needs are missing:");
    expect(missing.stderr).toContain("put it at DIR/download.docker.com/linux/static/stable/aarch64/docker-24.0.9.tgz");
    expect(missing.stderr).toContain("put it at DIR/github.com/Mirantis/cri-dockerd/releases/download/v0.3.10/cri-dockerd-0.3.10.arm64.tgz");
  });

  test("the CNI manifest comes from the mirror too (calico's release URL)", async () => {
    const withManifest = tempDir();
    const manifestPath = "raw.githubusercontent.com/projectcalico/calico/v3.27.5/manifests/calico.yaml";
    mkdirSync(dirname(join(withManifest, manifestPath)), { recursive: true });
    writeFileSync(join(withManifest, manifestPath), readFileSync(CALICO_LIKE));
    const out = join(tempDir(), "ctx");
    const result = await runLade(["rootfs", "--k8s-version", "v1.27.3", "--cri", "containerd", "--skip-binaries", "--bin-source", withManifest, "-o", out]);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(out, "imageList"), "utf8")).toContain("quay.io/calico/kube-controllers:v3.27.5\n");
    const none = await runLade(["rootfs", "--k8s-version", "v1.27.3", "--cri", "containerd", "--skip-binaries", "--bin-source", tempDir(), "-o", join(tempDir(), "ctx")]);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain(`Put it at DIR/${manifestPath} for --bin-source DIR (from https://${manifestPath})`);
    const noCni = join(tempDir(), "ctx");
    expect((await runLade(["rootfs", "--k8s-version", "v1.16.0", "--cri", "docker", "--cni", "none", "--skip-binaries", "-o", noCni])).exitCode).toBe(0);
    expect(readFileSync(join(noCni, "Kubefile"), "utf8")).not.toContain("CNI");
    expect(readFileSync(join(noCni, "imageList"), "utf8").trim().split("\n").length).toBe(8);
  });
});
