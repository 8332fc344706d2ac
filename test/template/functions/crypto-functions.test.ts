import { describe, expect, test } from "bun:test";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { GoCertificate } from "../../../src/template/functions/crypto-functions.ts";
import { sprigFunctions } from "../../../src/template/functions/sprig-functions.ts";
import { call } from "./call.ts";

describe("crypto functions", () => {
  test.each([
    ["sha1sum", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
    ["sha256sum", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["sha512sum", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"],
    ["adler32sum", "Wikipedia", "300286872"],
  ])("%s(%p)", (name, input, digest) => {
    expect(call(sprigFunctions, name, input)).toBe(digest);
  });

  test("bcrypt() and htpasswd() produce Go-style $2a$10$ hashes that verify", async () => {
    const hash = call(sprigFunctions, "bcrypt", "secret") as string;
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(await Bun.password.verify("secret", hash.replace("$2a$", "$2b$"))).toBe(true);
    const line = call(sprigFunctions, "htpasswd", "admin", "pw") as string;
    expect(line.startsWith("admin:$2a$10$")).toBe(true);
    expect(call(sprigFunctions, "htpasswd", "a:b", "pw")).toBe("invalid username: a:b");
  });

  test("encryptAES() and decryptAES() round-trip with a random IV", () => {
    const a = call(sprigFunctions, "encryptAES", "key", "plain text") as string;
    const b = call(sprigFunctions, "encryptAES", "key", "plain text") as string;
    expect(a).not.toBe(b);
    expect(call(sprigFunctions, "decryptAES", "key", a)).toBe("plain text");
  });

  test.each(["rsa", "ecdsa", "ed25519"])("genPrivateKey(%p) writes a key Node can read", (type) => {
    const pem = call(sprigFunctions, "genPrivateKey", type) as string;
    const header = { "": "RSA PRIVATE KEY", rsa: "RSA PRIVATE KEY", ecdsa: "EC PRIVATE KEY", ed25519: "PRIVATE KEY" }[type];
    expect(pem.startsWith(`-----BEGIN ${header}-----\n`)).toBe(true);
    expect(createPrivateKey(pem).asymmetricKeyType).toBe(type === "ecdsa" ? "ec" : type === "ed25519" ? "ed25519" : "rsa");
  });

  test("genCA() makes a self-signed CA; genSignedCert() a leaf it signed, with SANs", () => {
    const ca = call(sprigFunctions, "genCA", "my-ca", 365n) as GoCertificate;
    const caCert = new X509Certificate(ca.Cert);
    expect(caCert.subject).toBe("CN=my-ca");
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    const days = (Date.parse(caCert.validTo) - Date.parse(caCert.validFrom)) / 86400000;
    expect(Math.round(days)).toBe(365);

    const leaf = call(sprigFunctions, "genSignedCert", "svc", ["10.0.0.1", "::1"], ["svc.ns", "svc.ns.svc"], 30n, ca) as GoCertificate;
    const cert = new X509Certificate(leaf.Cert);
    expect(cert.subject).toBe("CN=svc");
    expect(cert.issuer).toBe("CN=my-ca");
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.subjectAltName).toBe("DNS:svc.ns, DNS:svc.ns.svc, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(cert.checkPrivateKey(createPrivateKey(leaf.Key))).toBe(true);
  });

  test("genSelfSignedCertWithKey() uses the given key", () => {
    const key = call(sprigFunctions, "genPrivateKey", "ecdsa") as string;
    const cert = call(sprigFunctions, "genSelfSignedCertWithKey", "host", null, ["host"], 10n, key) as GoCertificate;
    expect(cert.Key).toBe(key);
    const x509 = new X509Certificate(cert.Cert);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
  });

  test("buildCustomCert() accepts a base64 certificate and key", () => {
    const ca = call(sprigFunctions, "genCA", "x", 1n) as GoCertificate;
    const built = call(sprigFunctions, "buildCustomCert", Buffer.from(ca.Cert).toString("base64"), Buffer.from(ca.Key).toString("base64")) as GoCertificate;
    expect(built.Cert).toBe(ca.Cert);
    expect(built.Key).toBe(ca.Key);
  });
});
