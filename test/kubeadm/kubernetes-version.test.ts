import { describe, expect, test } from "bun:test";
import { knownMinors, lookupKubernetesVersion } from "../../src/kubeadm/kubernetes-version.ts";

describe("lookupKubernetesVersion()", () => {
  test("knows every minor from v1.16 to v1.36", () => {
    expect(knownMinors()).toEqual(Array.from({ length: 21 }, (_, index) => `v1.${16 + index}`));
  });

  test.each([
    ["v1.16.15", "v1beta2", ["v1beta1", "v1beta2"]],
    ["v1.21.14", "v1beta2", ["v1beta1", "v1beta2"]],
    ["v1.22.0", "v1beta3", ["v1beta2", "v1beta3"]],
    ["v1.26.15", "v1beta3", ["v1beta2", "v1beta3"]],
    ["v1.27.3", "v1beta3", ["v1beta3"]],
    ["v1.30.14", "v1beta3", ["v1beta3"]],
    ["v1.31.0", "v1beta4", ["v1beta3", "v1beta4"]],
    ["v1.35.7", "v1beta4", ["v1beta3", "v1beta4"]],
    ["v1.36.3", "v1beta4", ["v1beta4"]],
  ])("%s writes kubeadm %s and reads %j", (version, api, accepted) => {
    const info = lookupKubernetesVersion(version);
    expect(info.kubeadmApi).toBe(api as never);
    expect(info.acceptedApis).toEqual(accepted as never);
  });

  test.each([
    ["v1.23.17", true, "/var/run/dockershim.sock", "/run/containerd/containerd.sock"],
    ["v1.24.0", false, "unix:///var/run/cri-dockerd.sock", "unix:///run/containerd/containerd.sock"],
    ["v1.36.0", false, "unix:///var/run/cri-dockerd.sock", "unix:///run/containerd/containerd.sock"],
  ])("%s: dockershim %p, docker socket %s, containerd socket %s", (version, dockershim, docker, containerd) => {
    const info = lookupKubernetesVersion(version);
    expect([info.dockershim, info.dockerCriSocket, info.containerdCriSocket]).toEqual([dockershim, docker, containerd]);
  });

  test.each([
    ["v1.20.15", "k8s.gcr.io", "coredns", "1.7.0"],
    ["v1.21.0", "k8s.gcr.io", "coredns/coredns", "v1.8.0"],
    ["v1.22.16", "k8s.gcr.io", "coredns/coredns", "v1.8.4"],
    ["v1.22.17", "registry.k8s.io", "coredns/coredns", "v1.8.4"],
    ["v1.24.8", "k8s.gcr.io", "coredns/coredns", "v1.8.6"],
    ["v1.24.9", "registry.k8s.io", "coredns/coredns", "v1.8.6"],
    ["v1.31.0", "registry.k8s.io", "coredns/coredns", "v1.11.1"],
    ["v1.31.1", "registry.k8s.io", "coredns/coredns", "v1.11.3"],
  ])("%s: default repository %s, CoreDNS at %s:%s", (version, repository, path, coredns) => {
    const info = lookupKubernetesVersion(version);
    expect([info.defaultImageRepository, info.corednsPath, info.coredns]).toEqual([repository, path, coredns]);
  });

  test("accepts versions without the v, pre-releases and patches newer than the table", () => {
    expect(lookupKubernetesVersion("1.27.3").version).toBe("v1.27.3");
    expect(lookupKubernetesVersion("v1.31.0-rc.1").kubeadmApi).toBe("v1beta4");
    const future = lookupKubernetesVersion("v1.22.99");
    expect([future.patch, future.defaultImageRepository, future.etcd]).toEqual([99, "registry.k8s.io", "3.5.6-0"]);
  });

  test.each(["1.27", "latest", "stable-1.27", "v1.27.x", ""])("refuses %p with a TypeError", (text) => {
    expect(() => lookupKubernetesVersion(text)).toThrow(TypeError);
    expect(() => lookupKubernetesVersion(text)).toThrow("expected vMAJOR.MINOR.PATCH");
  });

  test.each(["v1.15.12", "v1.37.0", "v2.0.0"])("refuses %s with a RangeError naming what lade knows", (text) => {
    expect(() => lookupKubernetesVersion(text)).toThrow(RangeError);
    expect(() => lookupKubernetesVersion(text)).toThrow("lade knows v1.16 to v1.36");
  });
});
