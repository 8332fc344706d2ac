import { describe, expect, test } from "bun:test";
import {
  familiarName,
  formatImageReference,
  normalizeImageReference,
  parseImageReference,
  tryParseImageReference,
  type ImageReference,
} from "../../src/oci/image-reference.ts";

const SHA256 = "sha256:" + "0123456789abcdef".repeat(4);
const SHA384 = "sha384:" + "0123456789abcdef".repeat(6);
const SHA512 = "sha512:" + "0123456789abcdef".repeat(8);
const HEX64 = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

describe("normalizeImageReference()", () => {
  test.each([
    // Docker Hub defaults
    ["nginx", "docker.io/library/nginx:latest"],
    ["test:1", "docker.io/library/test:1"],
    ["a", "docker.io/library/a:latest"],
    ["foo/bar", "docker.io/foo/bar:latest"],
    ["foo/bar:1.0", "docker.io/foo/bar:1.0"],
    ["a/b/c/d/e", "docker.io/a/b/c/d/e:latest"],
    ["0/a", "docker.io/0/a:latest"],
    ["docker.io/nginx", "docker.io/library/nginx:latest"],
    ["docker.io/library/nginx:1.25", "docker.io/library/nginx:1.25"],
    ["docker.io/foo/bar", "docker.io/foo/bar:latest"],
    ["index.docker.io/x", "docker.io/library/x:latest"],
    ["index.docker.io/foo/bar:v1", "docker.io/foo/bar:v1"],
    [`docker.io/${HEX64}`, `docker.io/library/${HEX64}:latest`],
    // single components are never registries
    ["localhost", "docker.io/library/localhost:latest"],
    ["localhost:5000", "docker.io/library/localhost:5000"],
    ["192.168.0.1", "docker.io/library/192.168.0.1:latest"],
    ["192.168.0.1:80", "docker.io/library/192.168.0.1:80"],
    ["foo_bar.baz", "docker.io/library/foo_bar.baz:latest"],
    // registries
    ["localhost/a", "localhost/a:latest"],
    ["localhost:5000/a", "localhost:5000/a:latest"],
    ["localhost/library/debian", "localhost/library/debian:latest"],
    ["registry:5000/team/app:1", "registry:5000/team/app:1"],
    ["example:5000/app", "example:5000/app:latest"],
    ["foo.bar/baz", "foo.bar/baz:latest"],
    ["registry.k8s.io/kube-apiserver:v1.30.0", "registry.k8s.io/kube-apiserver:v1.30.0"],
    ["registry.k8s.io/coredns/coredns:v1.11.1", "registry.k8s.io/coredns/coredns:v1.11.1"],
    ["sub.domain.example.com:8443/org/team/img:1.0", "sub.domain.example.com:8443/org/team/img:1.0"],
    ["a-b.example.com/x", "a-b.example.com/x:latest"],
    ["xn--bcher-kva.example/x", "xn--bcher-kva.example/x:latest"],
    ["127.0.0.1:5000/docker/docker", "127.0.0.1:5000/docker/docker:latest"],
    ["[::1]:5000/a/b:c", "[::1]:5000/a/b:c"],
    ["[fc00::1]/x", "[fc00::1]/x:latest"],
    ["[fc00:1:2:3:4:5:6:7]:5000/library/debian", "[fc00:1:2:3:4:5:6:7]:5000/library/debian:latest"],
    // uppercase is allowed in the registry, and an uppercase first component is a registry
    ["LOCALDOMAIN/debian", "LOCALDOMAIN/debian:latest"],
    ["Docker/docker", "Docker/docker:latest"],
    ["Example.COM:443/team/app", "Example.COM:443/team/app:latest"],
    // repository path separators
    ["docker-rules/docker", "docker.io/docker-rules/docker:latest"],
    ["docker---rules/docker", "docker.io/docker---rules/docker:latest"],
    ["dock__er/docker", "docker.io/dock__er/docker:latest"],
    ["foo/a.b-c_d", "docker.io/foo/a.b-c_d:latest"],
    ["thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest"],
    // tags
    ["nginx:Latest_1.2-x", "docker.io/library/nginx:Latest_1.2-x"],
    ["nginx:_x", "docker.io/library/nginx:_x"],
    [`a:${"x".repeat(128)}`, `docker.io/library/a:${"x".repeat(128)}`],
    // digests: "latest" is only added when there is neither tag nor digest
    [`nginx@${SHA256}`, `docker.io/library/nginx@${SHA256}`],
    [`nginx:1@${SHA256}`, `docker.io/library/nginx:1@${SHA256}`],
    [`quay.io/calico/node:v3@${SHA256}`, `quay.io/calico/node:v3@${SHA256}`],
    [`localhost:5000/a/b@${SHA256}`, `localhost:5000/a/b@${SHA256}`],
    [`img@${SHA384}`, `docker.io/library/img@${SHA384}`],
    [`img@${SHA512}`, `docker.io/library/img@${SHA512}`],
    // the repository limit counts the path only, not the registry
    [`example.com/${"a".repeat(255)}`, `example.com/${"a".repeat(255)}:latest`],
  ])("normalizes %p to %p", (input, expected) => {
    expect(normalizeImageReference(input)).toBe(expected);
  });
});

describe("parseImageReference()", () => {
  test.each([
    ["", "repository name must have at least one component"],
    [HEX64, "64-character hexadecimal string is an image ID"],
    ["Nginx", 'repository name "library/Nginx" must be lowercase'],
    ["UPPER:1", 'repository name "library/UPPER" must be lowercase'],
    ["docker/Docker", 'repository name "docker/Docker" must be lowercase'],
    ["docker.io/docker/Docker", 'repository name "docker/Docker" must be lowercase'],
    ["ghcr.io/Owner/app", 'repository name "Owner/app" must be lowercase'],
    ["localhost:5000/A", 'repository name "A" must be lowercase'],
    [`nginx@SHA256:${"a".repeat(64)}`, "must be lowercase"],
    ["https://github.com/docker/docker", "invalid reference format"],
    ["-docker", "invalid reference format"],
    ["-docker/docker", "invalid reference format"],
    ["docker-/docker", "invalid reference format"],
    ["____/____", "invalid reference format"],
    ["_docker/_docker", "invalid reference format"],
    ["dock..er/docker", "invalid reference format"],
    ["dock_.er/docker", "invalid reference format"],
    ["dock-.er/docker", "invalid reference format"],
    ["docker/", "invalid reference format"],
    ["docker///docker", "invalid reference format"],
    ["a.b_c/x", 'registry "a.b_c" is not a valid host name'],
    ["foo.bar_baz/x/y", 'registry "foo.bar_baz" is not a valid host name'],
    ["foo:bar/baz", "invalid reference format"],
    ["-example.com/x", "invalid reference format"],
    ["[fc00::1]", "invalid reference format"],
    ["[fc00::1]:5000", "invalid reference format"],
    ["fc00::1:5000/debian", "invalid reference format"],
    ["[fe80::1%eth0]:5000/debian", "invalid reference format"],
    [" nginx", "invalid reference format"],
    ["nginx latest", "invalid reference format"],
    ["nginx:", "invalid reference format"],
    ["nginx:-tag", "invalid reference format"],
    ["nginx:1:2", "invalid reference format"],
    [`a:${"x".repeat(129)}`, "invalid reference format"],
    ["nginx@sha256:abc", "invalid reference format"],
    [`nginx@${SHA256}@${SHA256}`, "invalid reference format"],
    [`nginx@sha256:${"a".repeat(63)}`, "invalid checksum digest length: sha256 needs 64 hexadecimal characters, got 63"],
    [`nginx@sha512:${"a".repeat(64)}`, "invalid checksum digest length: sha512 needs 128"],
    [`nginx:1@sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
    [`nginx@md5:${"a".repeat(32)}`, 'unsupported digest algorithm "md5"'],
    [`a/${"b".repeat(254)}`, "repository name must not be more than 255 characters"],
  ])("rejects %p", (input, reason) => {
    expect(() => parseImageReference(input)).toThrow(TypeError);
    expect(() => parseImageReference(input)).toThrow(`Cannot parse image reference ${JSON.stringify(input)}: `);
    expect(() => parseImageReference(input)).toThrow(reason);
    expect(tryParseImageReference(input)).toBeUndefined();
  });

  test.each<[string, ImageReference]>([
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["localhost:5000/a:1", { registry: "localhost:5000", repository: "a", tag: "1" }],
    [`quay.io/calico/node:v3@${SHA256}`, { registry: "quay.io", repository: "calico/node", tag: "v3", digest: SHA256 }],
    [`[::1]:5000/x@${SHA256}`, { registry: "[::1]:5000", repository: "x", digest: SHA256 }],
  ])("splits %p into its parts", (input, expected) => {
    expect(parseImageReference(input)).toEqual(expected);
    expect(tryParseImageReference(input)).toEqual(expected);
  });

  test("does not add a default tag", () => {
    expect(parseImageReference("foo/bar").tag).toBeUndefined();
  });
});

describe("formatImageReference()", () => {
  test("writes the full form without adding a tag", () => {
    expect(formatImageReference({ registry: "docker.io", repository: "library/nginx" })).toBe("docker.io/library/nginx");
    expect(formatImageReference({ registry: "r.io", repository: "a/b", tag: "1", digest: SHA256 })).toBe(`r.io/a/b:1@${SHA256}`);
  });

  test("round-trips through parseImageReference()", () => {
    const text = `localhost:5000/team/app:v2@${SHA256}`;
    expect(formatImageReference(parseImageReference(text))).toBe(text);
  });
});

describe("familiarName()", () => {
  test.each([
    ["docker.io/library/nginx:latest", "nginx:latest"],
    ["docker.io/foo/bar:1", "foo/bar:1"],
    ["nginx", "nginx"],
    ["index.docker.io/library/redis", "redis"],
    ["docker.io/library/a/b", "library/a/b"],
    [`nginx:1@${SHA256}`, `nginx:1@${SHA256}`],
    ["quay.io/calico/node:v3", "quay.io/calico/node:v3"],
    ["localhost:5000/library/x:1", "localhost:5000/library/x:1"],
  ])("shortens %p to %p", (input, expected) => {
    expect(familiarName(input)).toBe(expected);
  });

  test("accepts a parsed reference", () => {
    expect(familiarName({ registry: "docker.io", repository: "library/nginx", tag: "1" })).toBe("nginx:1");
  });
});
