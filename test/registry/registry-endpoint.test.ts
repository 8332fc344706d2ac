import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isCertificateError, resolveEndpoint } from "../../src/registry/registry-endpoint.ts";
import { tempDir } from "../support/temp-dir.ts";

const hasOpenssl = Bun.which("openssl") !== null;

/** A self-signed certificate for 127.0.0.1. */
function selfSigned(): { cert: string; key: string; caFile: string } {
  const dir = tempDir("lade-cert-");
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const result = Bun.spawnSync(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (result.exitCode !== 0) throw new Error(`openssl failed: ${result.stderr.toString()}`);
  const caFile = join(dir, "ca.crt");
  copyFileSync(cert, caFile);
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8"), caFile };
}

describe("resolveEndpoint()", () => {
  const answer = () => new Response("{}", { headers: { "Docker-Distribution-API-Version": "registry/2.0" } });
  let plain: ReturnType<typeof Bun.serve>;
  let secure: ReturnType<typeof Bun.serve> | undefined;
  let caFile = "";

  beforeAll(() => {
    plain = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });
    if (hasOpenssl) {
      const certificate = selfSigned();
      caFile = certificate.caFile;
      secure = Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: certificate.cert, key: certificate.key }, fetch: answer });
    }
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(true), secure?.stop(true)]);
  });

  test("uses HTTPS for a registry that is neither loopback nor insecure, without asking it", async () => {
    expect((await resolveEndpoint("registry.example.com:5000", { certDirs: [] })).baseUrl).toBe("https://registry.example.com:5000");
    expect((await resolveEndpoint("docker.io", { certDirs: [] })).baseUrl).toBe("https://registry-1.docker.io");
  });

  test("uses plain HTTP for a loopback registry that does not speak TLS", async () => {
    expect((await resolveEndpoint(`127.0.0.1:${plain.port}`, { certDirs: [] })).baseUrl).toBe(`http://127.0.0.1:${plain.port}`);
  });

  test.skipIf(!hasOpenssl)("uses HTTPS for a loopback registry that speaks TLS, trusted or not", async () => {
    const host = `127.0.0.1:${secure!.port}`;
    const trusted = await resolveEndpoint(host, { caFile, certDirs: [] });
    expect(trusted.baseUrl).toBe(`https://${host}`);
    expect(trusted.ca?.at(-1)).toBe(await Bun.file(caFile).text());
    // Untrusted stays HTTPS, so the error that follows names the certificate (not a 400 from plain HTTP).
    expect((await resolveEndpoint(host, { certDirs: [] })).baseUrl).toBe(`https://${host}`);
    const error = await fetch(`https://${host}/v2/`).catch((caught) => caught);
    expect(isCertificateError(error)).toBe(true);
  });

  test("uses plain HTTP for a loopback registry where nothing listens (the error comes later)", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    expect((await resolveEndpoint(`127.0.0.1:${port}`, { certDirs: [] })).baseUrl).toBe(`http://127.0.0.1:${port}`);
  });
});
