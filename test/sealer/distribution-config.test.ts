import { describe, expect, test } from "bun:test";
import { parseDistributionConfig } from "../../src/sealer/distribution-config.ts";

/** basefs's etc/registry_config.yml, as every sealer base image carries it. */
const SEALER_DEFAULT = `version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
`;

describe("docker-distribution's config (sealer's etc/registry_config.yml)", () => {
  test("sealer's default file: what applies is read, the rest is listed with why", () => {
    const config = parseDistributionConfig(SEALER_DEFAULT, "etc/registry_config.yml");
    expect(config).toMatchObject({ addr: "0.0.0.0:5000", headers: { "X-Content-Type-Options": ["nosniff"] }, rootDirectory: "/var/lib/registry" });
    expect(config.ignored.map((entry) => [entry.key, entry.location.line])).toEqual([
      ["version", 1],
      ["log", 2],
      ["health", 14],
      ["storage.cache", 6],
    ]);
  });

  test("a proxy section is a pull-through cache of its remoteurl, with its account", () => {
    const config = parseDistributionConfig("proxy:\n  remoteurl: https://harbor.corp\n  username: robot\n  password: s3cret\n  ttl: 168h\n", "etc/registry_config.yml");
    expect(config.proxy).toEqual({ remoteUrl: "https://harbor.corp", username: "robot", password: "s3cret" });
    expect(config.ignored.map((entry) => entry.key)).toEqual(["proxy.ttl"]);
  });

  test("TLS and htpasswd auth apply; a header that is one string is a list of one", () => {
    const config = parseDistributionConfig(
      "http:\n  addr: 127.0.0.1:5443\n  tls:\n    certificate: /certs/r.crt\n    key: /certs/r.key\n  headers:\n    X-Frame-Options: DENY\nauth:\n  htpasswd:\n    realm: corp\n    path: /auth/htpasswd\n",
      "config.yml",
    );
    expect(config).toEqual({
      addr: "127.0.0.1:5443",
      tls: { certificate: "/certs/r.crt", key: "/certs/r.key" },
      headers: { "X-Frame-Options": ["DENY"] },
      htpasswd: { path: "/auth/htpasswd", realm: "corp" },
      ignored: [],
    });
  });

  test("what lade's registry cannot do is an error at its line", () => {
    const error = (text: string) => () => parseDistributionConfig(text, "etc/registry_config.yml");
    expect(error("storage:\n  s3:\n    bucket: b\n")).toThrow("etc/registry_config.yml:2:3: etc/registry_config.yml: storage.s3 is a storage driver lade does not have");
    expect(error("auth:\n  token:\n    realm: https://auth\n")).toThrow("auth.token is not supported: lade's registry takes basic auth (auth.htpasswd)");
    expect(error("proxy:\n  username: u\n")).toThrow("etc/registry_config.yml:2:3: etc/registry_config.yml: proxy.remoteurl is the upstream's http(s) URL");
    expect(error("proxy:\n  remoteurl: https://harbor.corp\n  username: u\n")).toThrow("proxy.username and proxy.password go together");
    expect(error("http:\n  addr: [1]\n")).toThrow("http.addr is a string");
    expect(error("http:\n  tls:\n    certificate: /c\n")).toThrow("http.tls needs both certificate and key");
    expect(error("frobnicate: 1\n")).toThrow("etc/registry_config.yml:1:1: etc/registry_config.yml: frobnicate is not something lade's registry can do");
    expect(error("http: [\n")).toThrow("etc/registry_config.yml:");
  });
});
