import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, readPrivateKey, readPublicKey, signPayload, verifyPayload } from "../../src/trust/cosign-key.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

const work = tempDir("lade-sign-");
const store = join(work, "store");
const PASSPHRASE = "s1gn-me";
const passphraseFile = join(work, "passphrase");
const lade = (...args: string[]) => runLade(["--root", store, ...args]);

describe("cosign key files", () => {
  test("a generated key pair signs and verifies; a wrong passphrase and another key are refused", () => {
    const { privatePem, publicPem } = generateKeyPair(PASSPHRASE);
    expect(privatePem).toStartWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    const block = JSON.parse(Buffer.from(privatePem.split("\n").slice(1, -2).join(""), "base64").toString());
    expect(block.kdf).toMatchObject({ name: "scrypt", params: { N: 65536, r: 8, p: 1 } });
    expect(block.cipher.name).toBe("nacl/secretbox");
    const key = readPrivateKey(privatePem, PASSPHRASE, "k");
    const payload = new TextEncoder().encode("payload");
    const signature = signPayload(payload, key);
    expect(verifyPayload(payload, signature, readPublicKey(publicPem, "p"))).toBe(true);
    expect(verifyPayload(new TextEncoder().encode("payloaD"), signature, readPublicKey(publicPem, "p"))).toBe(false);
    expect(verifyPayload(payload, signature, readPublicKey(generateKeyPair("x").publicPem, "p"))).toBe(false);
    expect(() => readPrivateKey(privatePem, "wrong", "cosign.key")).toThrow("cosign.key: wrong passphrase (the key does not decrypt with it)");
    expect(() => readPrivateKey(publicPem, PASSPHRASE, "cosign.pub")).toThrow("cosign.pub is not a cosign/sigstore private key");
  });
});

const available = hasDockerRegistry() && hasSkopeo();

describe.skipIf(!available)("lade sign / verify with skopeo on a real registry", () => {
  let registry: DockerRegistry;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
    const context = join(work, "context");
    mkdirSync(join(context, "etc"), { recursive: true });
    writeFileSync(join(context, "etc", "hello"), "hello\n");
    writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY etc etc\n");
    const built = await lade("build", "-q", "-t", `${registry.host}/signed/cluster:1`, "--platform", "linux/amd64,linux/arm64", context);
    expect(built.exitCode, built.stderr).toBe(0);
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test("lade key generate, sign, verify; push puts the signatures where cosign and skopeo look", async () => {
    const generated = await lade("key", "generate", "--out", join(work, "lade"), "--passphrase-file", passphraseFile);
    expect(generated.exitCode, generated.stderr).toBe(0);
    expect(statSync(join(work, "lade.key")).mode & 0o777).toBe(0o600);
    const again = await lade("key", "generate", "--out", join(work, "lade"), "--passphrase-file", passphraseFile);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("lade.key exists already");
    const onArgv = await lade("key", "generate", "--out", join(work, "other"));
    expect(onArgv.stderr).toContain("give --passphrase-file FILE or --passphrase-stdin (never on the command line)");

    const image = `${registry.host}/signed/cluster:1`;
    const unsigned = await lade("verify", image, "--key", join(work, "lade.pub"));
    expect(unsigned.exitCode).toBe(1);
    expect(unsigned.stderr).toContain(`${image} (sha256:`);
    expect(unsigned.stderr).toContain(") is not signed");

    const signed = await runLade(["--root", store, "sign", image, "--key", join(work, "lade.key"), "--passphrase-stdin"], { stdin: `${PASSPHRASE}\n` });
    expect(signed.exitCode, signed.stderr).toBe(0);
    // the index and both platform manifests
    expect(signed.stdout.match(/sha256:[0-9a-f]{64}/g)).toHaveLength(3);
    const twice = await lade("sign", image, "--key", join(work, "lade.key"), "--passphrase-file", passphraseFile);
    expect(twice.stdout).toContain("is signed with this key already");
    const verified = await lade("verify", image, "--key", join(work, "lade.pub"));
    expect(verified.exitCode, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("3 of 3 manifests signed by");

    const pushed = await lade("push", image);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain("3 signature manifests");
    // where cosign and containers/image look: REPO:sha256-<hex>.sig, simple-signing layers with the signature annotation (read by skopeo)
    const digest = /sha256:[0-9a-f]{64}/.exec(verified.stdout)![0];
    const raw = JSON.parse(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/signed/cluster:${digest.replace(":", "-")}.sig`]));
    expect(raw.layers).toHaveLength(1);
    expect(raw.layers[0].mediaType).toBe("application/vnd.dev.cosign.simplesigning.v1+json");
    expect(raw.layers[0].annotations["dev.cosignproject.cosign/signature"]).toMatch(/^[A-Za-z0-9+/=]+$/);
  }, 120_000);

  test("independent tools agree: openssl verifies lade's signature as skopeo fetches it, and lade verifies one openssl made, pushed by skopeo", async () => {
    const image = `${registry.host}/signed/cluster:1`;
    const digest = (await skopeo(["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${image}`])).trim();
    const fetched = join(work, "fetched-sig");
    await skopeo(["copy", "--src-tls-verify=false", `docker://${registry.host}/signed/cluster:${digest.replace(":", "-")}.sig`, `dir:${fetched}`]);
    const manifest = JSON.parse(readFileSync(join(fetched, "manifest.json"), "utf8"));
    const layer = manifest.layers[0];
    const payloadFile = join(fetched, layer.digest.slice("sha256:".length));
    expect(JSON.parse(readFileSync(payloadFile, "utf8")).critical.image["docker-manifest-digest"]).toBe(digest);
    writeFileSync(join(work, "sig.der"), Buffer.from(layer.annotations["dev.cosignproject.cosign/signature"], "base64"));
    const checked = Bun.spawnSync(["openssl", "dgst", "-sha256", "-verify", join(work, "lade.pub"), "-signature", join(work, "sig.der"), payloadFile]);
    expect(checked.stdout.toString().trim(), checked.stderr.toString()).toBe("Verified OK");

    // the other way: a key and a signature openssl made, laid out as cosign does, pushed by skopeo
    const other = `${registry.host}/signed/by-openssl:1`;
    // copied by skopeo, so none of lade's signatures go along
    await skopeo(["copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${image}`, `docker://${other}`]);
    const key = join(work, "openssl.pem");
    expect(Bun.spawnSync(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]).exitCode).toBe(0);
    expect(Bun.spawnSync(["openssl", "ec", "-in", key, "-pubout", "-out", join(work, "openssl.pub")]).exitCode).toBe(0);
    const layout = join(work, "openssl-sig");
    mkdirSync(layout, { recursive: true });
    const payload = Buffer.from(JSON.stringify({ critical: { identity: { "docker-reference": other }, image: { "docker-manifest-digest": digest }, type: "cosign container image signature" }, optional: null }));
    const blob = (bytes: Buffer) => {
      const hex = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
      writeFileSync(join(layout, hex), bytes);
      return { digest: `sha256:${hex}`, size: bytes.length };
    };
    const payloadBlob = blob(payload);
    writeFileSync(join(work, "openssl-payload"), payload);
    const signed = Bun.spawnSync(["openssl", "dgst", "-sha256", "-sign", key, join(work, "openssl-payload")]);
    expect(signed.exitCode).toBe(0);
    const config = blob(Buffer.from(JSON.stringify({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: [payloadBlob.digest] } })));
    writeFileSync(
      join(layout, "manifest.json"),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", ...payloadBlob, annotations: { "dev.cosignproject.cosign/signature": Buffer.from(signed.stdout).toString("base64") } }],
      }),
    );
    writeFileSync(join(layout, "version"), "Directory Transport Version: 1.1\n");
    await skopeo(["copy", "--dest-tls-verify=false", `dir:${layout}`, `docker://${registry.host}/signed/by-openssl:${digest.replace(":", "-")}.sig`]);
    const elsewhere = join(work, "store-openssl");
    const pulled = await runLade(["--root", elsewhere, "pull", other]);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    // skopeo copied no SBOM: verify says so, and lade sbom --attach makes it from the content
    const noSbom = await runLade(["--root", elsewhere, "verify", other, "--key", join(work, "openssl.pub")]);
    expect(noSbom.exitCode).toBe(1);
    expect(noSbom.stderr).toContain("has no SBOM");
    expect((await runLade(["--root", elsewhere, "sbom", other, "--attach", "-o", join(work, "openssl-sbom.json")])).exitCode).toBe(0);
    const verified = await runLade(["--root", elsewhere, "verify", other, "--key", join(work, "openssl.pub")]);
    expect(verified.exitCode, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("1 of 3 manifests signed by");
    const wrong = await runLade(["--root", elsewhere, "verify", other, "--key", join(work, "lade.pub")]);
    expect(wrong.exitCode).toBe(1);
  }, 120_000);

  test("lade pull fetches the signatures into another store, which verifies them; a flipped byte and another key are named", async () => {
    const image = `${registry.host}/signed/cluster:1`;
    const other = join(work, "store2");
    const pulled = await runLade(["--root", other, "pull", image]);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain("with 3 signature manifests");
    const verified = await runLade(["--root", other, "verify", image, "--key", join(work, "lade.pub")]);
    expect(verified.exitCode, verified.stderr).toBe(0);

    const { publicPem } = generateKeyPair("x");
    writeFileSync(join(work, "other.pub"), publicPem);
    const wrongKey = await runLade(["--root", other, "verify", image, "--key", join(work, "other.pub")]);
    expect(wrongKey.exitCode).toBe(1);
    expect(wrongKey.stderr).toContain("has no good signature by");
    expect(wrongKey.stderr).toContain("a signature that no given key made");

    // one flipped byte in a layer
    const layer = /"digest":\s*"(sha256:[0-9a-f]{64})"/.exec(
      readFileSync(join(other, "blobs", "sha256", /sha256:([0-9a-f]{64})/.exec(JSON.parse(readFileSync(join(other, "index.json"), "utf8")).manifests.find((entry: { annotations?: Record<string, string> }) => entry.annotations?.["org.opencontainers.image.ref.name"] === image).digest)![1]!), "utf8"),
    );
    expect(layer).not.toBeNull();
    const manifestDigest = layer![1]!;
    const manifest = JSON.parse(readFileSync(join(other, "blobs", "sha256", manifestDigest.slice(7)), "utf8"));
    const blobDigest = manifest.layers[0].digest as string;
    const blob = join(other, "blobs", "sha256", blobDigest.slice(7));
    const bytes = readFileSync(blob);
    bytes[10] = bytes[10]! ^ 1;
    writeFileSync(blob, bytes);
    const tampered = await runLade(["--root", other, "verify", image, "--key", join(work, "lade.pub")]);
    expect(tampered.exitCode).toBe(1);
    expect(tampered.stderr).toContain(`blob ${blobDigest} holds content with sha256:`);
  }, 120_000);
});
