import { describe, expect, test } from "bun:test";
import { kubeadmImages } from "../../src/rootfs/kubeadm-images.ts";
import { latestKnownPatch } from "../../src/kubeadm/kubernetes-version.ts";
import { resolveKubernetesRelease, supportedKubernetesMinors, UnsupportedKubernetesVersionError } from "../../src/rootfs/kubernetes-release.ts";

/**
 * What `kubeadm config images list` prints, by patch range — transcribed by hand from the table
 * "Exact values by patch range" of the research notes (minikube's generated kubeadm constants plus
 * the k8s.gcr.io → registry.k8s.io backports), independently of the compiled-in JSON.
 * [from, to, pause, etcd, coredns tag, coredns path, repo]
 */
const RANGES: readonly (readonly [string, string, string, string, string, string, string])[] = [
  ["v1.16.0", "v1.16.15", "3.1", "3.3.15-0", "1.6.2", "coredns", "k8s.gcr.io"],
  ["v1.17.0", "v1.17.17", "3.1", "3.4.3-0", "1.6.5", "coredns", "k8s.gcr.io"],
  ["v1.18.0", "v1.18.20", "3.2", "3.4.3-0", "1.6.7", "coredns", "k8s.gcr.io"],
  ["v1.19.0", "v1.19.0", "3.2", "3.4.9-1", "1.7.0", "coredns", "k8s.gcr.io"],
  ["v1.19.1", "v1.19.16", "3.2", "3.4.13-0", "1.7.0", "coredns", "k8s.gcr.io"],
  ["v1.20.0", "v1.20.15", "3.2", "3.4.13-0", "1.7.0", "coredns", "k8s.gcr.io"],
  ["v1.21.0", "v1.21.14", "3.4.1", "3.4.13-0", "v1.8.0", "coredns/coredns", "k8s.gcr.io"],
  ["v1.22.0", "v1.22.16", "3.5", "3.5.0-0", "v1.8.4", "coredns/coredns", "k8s.gcr.io"],
  ["v1.22.17", "v1.22.17", "3.5", "3.5.6-0", "v1.8.4", "coredns/coredns", "registry.k8s.io"],
  ["v1.23.0", "v1.23.13", "3.6", "3.5.1-0", "v1.8.6", "coredns/coredns", "k8s.gcr.io"],
  ["v1.23.14", "v1.23.14", "3.6", "3.5.5-0", "v1.8.6", "coredns/coredns", "k8s.gcr.io"],
  ["v1.23.15", "v1.23.17", "3.6", "3.5.6-0", "v1.8.6", "coredns/coredns", "registry.k8s.io"],
  ["v1.24.0", "v1.24.7", "3.7", "3.5.3-0", "v1.8.6", "coredns/coredns", "k8s.gcr.io"],
  ["v1.24.8", "v1.24.8", "3.7", "3.5.5-0", "v1.8.6", "coredns/coredns", "k8s.gcr.io"],
  ["v1.24.9", "v1.24.17", "3.7", "3.5.6-0", "v1.8.6", "coredns/coredns", "registry.k8s.io"],
  ["v1.25.0", "v1.25.3", "3.8", "3.5.4-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.25.4", "v1.25.4", "3.8", "3.5.5-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.25.5", "v1.25.14", "3.8", "3.5.6-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.25.15", "v1.25.16", "3.8", "3.5.9-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.26.0", "v1.26.9", "3.9", "3.5.6-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.26.10", "v1.26.12", "3.9", "3.5.9-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.26.13", "v1.26.15", "3.9", "3.5.10-0", "v1.9.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.27.0", "v1.27.6", "3.9", "3.5.7-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.27.7", "v1.27.9", "3.9", "3.5.9-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.27.10", "v1.27.11", "3.9", "3.5.10-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.27.12", "v1.27.16", "3.9", "3.5.12-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.28.0", "v1.28.5", "3.9", "3.5.9-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.28.6", "v1.28.7", "3.9", "3.5.10-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.28.8", "v1.28.13", "3.9", "3.5.12-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.28.14", "v1.28.15", "3.9", "3.5.15-0", "v1.10.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.29.0", "v1.29.2", "3.9", "3.5.10-0", "v1.11.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.29.3", "v1.29.8", "3.9", "3.5.12-0", "v1.11.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.29.9", "v1.29.10", "3.9", "3.5.15-0", "v1.11.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.29.11", "v1.29.15", "3.9", "3.5.16-0", "v1.11.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.30.0", "v1.30.4", "3.9", "3.5.12-0", "v1.11.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.30.5", "v1.30.14", "3.9", "3.5.15-0", "v1.11.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.31.0", "v1.31.0", "3.10", "3.5.15-0", "v1.11.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.31.1", "v1.31.13", "3.10", "3.5.15-0", "v1.11.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.31.14", "v1.31.14", "3.10", "3.5.24-0", "v1.11.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.32.0", "v1.32.9", "3.10", "3.5.16-0", "v1.11.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.32.10", "v1.32.13", "3.10", "3.5.24-0", "v1.11.3", "coredns/coredns", "registry.k8s.io"],
  ["v1.33.0", "v1.33.5", "3.10", "3.5.21-0", "v1.12.0", "coredns/coredns", "registry.k8s.io"],
  ["v1.33.6", "v1.33.13", "3.10", "3.5.24-0", "v1.12.0", "coredns/coredns", "registry.k8s.io"],
  ["v1.34.0", "v1.34.1", "3.10.1", "3.6.4-0", "v1.12.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.34.2", "v1.34.10", "3.10.1", "3.6.5-0", "v1.12.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.35.0", "v1.35.7", "3.10.1", "3.6.6-0", "v1.13.1", "coredns/coredns", "registry.k8s.io"],
  ["v1.36.0", "v1.36.3", "3.10.2", "3.6.8-0", "v1.14.2", "coredns/coredns", "registry.k8s.io"],
];

function expectedImages(version: string): string[] {
  const patch = Number(version.split(".")[2]);
  const minor = version.split(".").slice(0, 2).join(".");
  const range = RANGES.find(([from, to]) => from.startsWith(`${minor}.`) && Number(from.split(".")[2]) <= patch && patch <= Number(to.split(".")[2]));
  if (!range) throw new Error(`no expected range for ${version}`);
  const [, , pause, etcd, coredns, path, repo] = range;
  return [
    `${repo}/kube-apiserver:${version}`,
    `${repo}/kube-controller-manager:${version}`,
    `${repo}/kube-scheduler:${version}`,
    `${repo}/kube-proxy:${version}`,
    `${repo}/${path}:${coredns}`,
    `${repo}/pause:${pause}`,
    `${repo}/etcd:${etcd}`,
  ];
}

const MINORS = Array.from({ length: 21 }, (_, index) => `v1.${16 + index}`);

describe("kubeadm's image list per Kubernetes release", () => {
  test("every minor from v1.16 to v1.36 is known", () => {
    expect(supportedKubernetesMinors()).toEqual(MINORS);
  });

  test.each(MINORS)("every patch of %s lists what that kubeadm prints", (minor) => {
    const last = latestKnownPatch(minor)!;
    expect(last).toBe(RANGES.filter(([from]) => from.startsWith(`${minor}.`)).at(-1)![1]);
    for (let patch = 0; patch <= Number(last.split(".")[2]); patch++) {
      const version = `${minor}.${patch}`;
      expect(kubeadmImages(resolveKubernetesRelease(version))).toEqual(expectedImages(version));
    }
  });

  test("matches published `kubeadm config images list` outputs", () => {
    // kubeadm v1.22.15, and v1.34.1 as printed in RamenDR's README (order: current kubeadm's)
    expect(new Set(kubeadmImages(resolveKubernetesRelease("v1.22.15")))).toEqual(
      new Set([
        "k8s.gcr.io/kube-apiserver:v1.22.15",
        "k8s.gcr.io/kube-controller-manager:v1.22.15",
        "k8s.gcr.io/kube-scheduler:v1.22.15",
        "k8s.gcr.io/kube-proxy:v1.22.15",
        "k8s.gcr.io/pause:3.5",
        "k8s.gcr.io/etcd:3.5.0-0",
        "k8s.gcr.io/coredns/coredns:v1.8.4",
      ]),
    );
    expect(kubeadmImages(resolveKubernetesRelease("1.34.1"))).toEqual([
      "registry.k8s.io/kube-apiserver:v1.34.1",
      "registry.k8s.io/kube-controller-manager:v1.34.1",
      "registry.k8s.io/kube-scheduler:v1.34.1",
      "registry.k8s.io/kube-proxy:v1.34.1",
      "registry.k8s.io/coredns/coredns:v1.12.1",
      "registry.k8s.io/pause:3.10.1",
      "registry.k8s.io/etcd:3.6.4-0",
    ]);
  });

  test.each([
    ["v1.16.15", "kubeadm.k8s.io/v1beta2", true, "/var/run/dockershim.sock", "/run/containerd/containerd.sock"],
    ["v1.21.14", "kubeadm.k8s.io/v1beta2", true, "/var/run/dockershim.sock", "/run/containerd/containerd.sock"],
    ["v1.22.0", "kubeadm.k8s.io/v1beta3", true, "/var/run/dockershim.sock", "/run/containerd/containerd.sock"],
    ["v1.23.17", "kubeadm.k8s.io/v1beta3", true, "/var/run/dockershim.sock", "/run/containerd/containerd.sock"],
    ["v1.24.0", "kubeadm.k8s.io/v1beta3", false, "unix:///var/run/cri-dockerd.sock", "unix:///run/containerd/containerd.sock"],
    ["v1.30.14", "kubeadm.k8s.io/v1beta3", false, "unix:///var/run/cri-dockerd.sock", "unix:///run/containerd/containerd.sock"],
    ["v1.31.0", "kubeadm.k8s.io/v1beta4", false, "unix:///var/run/cri-dockerd.sock", "unix:///run/containerd/containerd.sock"],
    ["v1.36.3", "kubeadm.k8s.io/v1beta4", false, "unix:///var/run/cri-dockerd.sock", "unix:///run/containerd/containerd.sock"],
  ] as const)("%s: kubeadm API %s, dockershim %s, sockets", (version, api, dockershim, docker, containerd) => {
    const release = resolveKubernetesRelease(version);
    expect(release.kubeadmApi).toBe(api);
    expect(release.dockershim).toBe(dockershim);
    expect(release.dockerCriSocket).toBe(docker);
    expect(release.containerdCriSocket).toBe(containerd);
  });

  test.each([
    ["v1.15.12", /Kubernetes v1\.15\.12 is not supported: lade knows v1\.16\.0 … v1\.36\.3/],
    ["v1.37.0", /Kubernetes v1\.37\.0 is not supported/],
    ["v1.27.17", /Kubernetes v1\.27\.17 is unknown: the newest v1\.27 patch lade knows is v1\.27\.16/],
    ["v1.27", /"v1\.27" is not a release version like v1\.27\.3/],
    ["v1.30.0-rc.1", /pre-releases are not supported/],
    ["latest", /is not a release version/],
    ["v2.0.0", /is not supported/],
  ])("refuses %s", (version, message) => {
    expect(() => resolveKubernetesRelease(version)).toThrow(UnsupportedKubernetesVersionError);
    expect(() => resolveKubernetesRelease(version)).toThrow(message);
  });
});
