import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serializeJson, type ImageIndex, type ImageManifest } from "../../src/oci/image-manifest.ts";
import { MediaTypes } from "../../src/oci/media-types.ts";
import { signatureName } from "../../src/oci/attachment-tag.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { generateKeyPair } from "../../src/trust/cosign-key.ts";
import { SIGNATURE_ANNOTATION, signatureManifest } from "../../src/trust/signature-manifest.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

/** Signatures judged where images come in: lade build --sign-key, then lade load and lade run against a policy. */
const work = tempDir("lade-trust-");
const store = join(work, "store");
const PASSPHRASE = "trust-me";
const passphraseFile = join(work, "passphrase");
const SIGNED = "registry.example.com/team/cluster:1";
const UNSIGNED = "registry.example.com/team/unsigned:1";
const lade = (root: string, ...args: string[]) => runLade(["--root", root, ...args]);

const KUBEADM_TMPL = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: {{ .HostIP }}\n";

beforeAll(async () => {
  writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
  const pair = generateKeyPair(PASSPHRASE);
  writeFileSync(join(work, "lade.key"), pair.privatePem);
  writeFileSync(join(work, "lade.pub"), pair.publicPem);
  writeFileSync(join(work, "other.pub"), generateKeyPair("x").publicPem);
  const context = join(work, "context");
  mkdirSync(join(context, "etc"), { recursive: true });
  writeFileSync(join(context, "etc", "kubeadm.yml.tmpl"), KUBEADM_TMPL);
  writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY etc etc\n");
  const platforms = ["--platform", "linux/amd64,linux/arm64"];
  const signed = await lade(store, "build", "-q", "-t", SIGNED, ...platforms, "--sign-key", join(work, "lade.key"), "--passphrase-file", passphraseFile, context);
  expect(signed.exitCode, signed.stderr).toBe(0);
  const unsigned = await lade(store, "build", "-q", "-t", UNSIGNED, ...platforms, context);
  expect(unsigned.exitCode, unsigned.stderr).toBe(0);
  for (const [image, file] of [[SIGNED, "signed.tar"], [UNSIGNED, "unsigned.tar"]] as const) {
    const saved = await lade(store, "save", image, "-o", join(work, file));
    expect(saved.exitCode, saved.stderr).toBe(0);
  }
}, 120_000);

/** index.json and every blob name of a store: what "unchanged" means. */
function snapshot(root: string): string {
  const blobs = join(root, "blobs", "sha256");
  return JSON.stringify({ index: readFileSync(join(root, "index.json"), "utf8"), blobs: readdirSync(blobs).sort() });
}

async function freshStore(name: string): Promise<string> {
  const root = join(work, name);
  await OciStore.open(root);
  return root;
}

describe("lade build --sign-key, lade images and lade rmi", () => {
  test("the built image is signed for its name before it is tagged: index and both platform manifests", async () => {
    const verified = await lade(store, "verify", SIGNED, "--key", join(work, "lade.pub"));
    expect(verified.exitCode, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("3 of 3 manifests signed by");
    const inspected = await lade(store, "inspect", SIGNED);
    expect(inspected.stdout).toContain("\nSignatures: 1 (lade verify checks them)\nSBOM:       attached (lade sbom prints it)\n");
    expect(JSON.parse((await lade(store, "inspect", UNSIGNED, "--json")).stdout).attachments).toEqual({ signatures: 0, sbom: true });
  });

  test("a wrong passphrase stops the build before it starts; nothing is tagged", async () => {
    const before = snapshot(store);
    writeFileSync(join(work, "wrong"), "nope\n");
    const wrong = await lade(store, "build", "-q", "-t", "registry.example.com/team/never:1", "--sign-key", join(work, "lade.key"), "--passphrase-file", join(work, "wrong"), join(work, "context"));
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain("wrong passphrase");
    expect(snapshot(store)).toBe(before);
    const stray = await lade(store, "build", "-q", "-t", "x:1", "--passphrase-file", passphraseFile, join(work, "context"));
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toContain("A passphrase is for --sign-key");
  });

  test("lade images counts the signatures and lists their images only with --all; lade rmi takes them with the image", async () => {
    const root = await freshStore("images");
    expect((await lade(root, "load", "-i", join(work, "signed.tar"))).exitCode).toBe(0);
    expect((await lade(root, "load", "-i", join(work, "unsigned.tar"))).exitCode).toBe(0);
    const listed = JSON.parse((await lade(root, "images", "--json")).stdout) as { name: string; signatures: number }[];
    expect(listed.map((row) => [row.name, row.signatures])).toEqual([
      [SIGNED, 1],
      [UNSIGNED, 0],
    ]);
    const table = (await lade(root, "images")).stdout;
    expect(table.split("\n")[0]).toMatch(/^NAME +DIGEST +PLATFORMS +SIZE +SIGNATURES$/);
    expect(table).not.toContain(".sig");
    const all = (await lade(root, "images", "--all", "-q")).stdout.trim().split("\n");
    // two images, the signed one's three signature manifests, and each one's SBOM
    expect(all).toHaveLength(7);
    expect(all.filter((name) => /^registry\.example\.com\/team\/cluster:sha256-[0-9a-f]{64}\.sig$/.test(name))).toHaveLength(3);
    expect(all.filter((name) => /^registry\.example\.com\/team\/(cluster|unsigned):sha256-[0-9a-f]{64}\.sbom$/.test(name))).toHaveLength(2);

    const removed = await lade(root, "rmi", SIGNED);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(removed.stdout.match(/\(attached to a removed image\)/g)).toHaveLength(4);
    expect((await lade(root, "images", "--all", "-q")).stdout.trim().split("\n")).toEqual([UNSIGNED, expect.stringMatching(/^registry\.example\.com\/team\/unsigned:sha256-[0-9a-f]{64}\.sbom$/)]);
  });
});

describe("lade load against a signature policy", () => {
  const teamPolicy = () => ({
    default: [{ type: "reject" }],
    transports: { docker: { "registry.example.com/team": [{ type: "sigstoreSigned", keyPath: join(work, "lade.pub") }] } },
  });

  test("STORE/policy.json: a signed image loads, an unsigned one is refused naming its digest and the scope; the store unchanged", async () => {
    const root = await freshStore("policy");
    writeFileSync(join(root, "policy.json"), JSON.stringify(teamPolicy()));
    const loaded = await lade(root, "load", "-i", join(work, "signed.tar"));
    expect(loaded.exitCode, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain(`Loaded ${SIGNED} (sha256:`);
    const before = snapshot(root);
    const refused = await lade(root, "load", "-i", join(work, "unsigned.tar"));
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`Cannot load "${join(work, "unsigned.tar")}" (nothing of it reached the store): not trusted`);
    expect(refused.stderr).toMatch(new RegExp(`${UNSIGNED.replace(/\./g, "\\.")} \\(sha256:[0-9a-f]{64}\\) is not signed \\(the policy ${join(root, "policy.json")} \\(scope "registry\\.example\\.com/team"\\) requires one\\)`));
    expect(snapshot(root)).toBe(before);

    writeFileSync(join(work, "other-repo.json"), JSON.stringify({ default: [{ type: "reject" }] }));
    const rejected = await lade(root, "load", "-i", join(work, "signed.tar"), "--policy", join(work, "other-repo.json"));
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stderr).toContain(`the policy ${join(work, "other-repo.json")} (scope "default") rejects it`);
  });

  test("--trusted-key with another key: refused naming the key; --require-signature with no key named: refused; --trusted-key with the key: loaded", async () => {
    const root = await freshStore("trusted-key");
    const empty = snapshot(root);
    const other = await lade(root, "load", "-i", join(work, "signed.tar"), "--trusted-key", join(work, "other.pub"));
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/has no good signature by .*other\.pub \(key [0-9a-f]{16}\): a signature that no given key made/);
    expect(other.stderr).toContain("(--trusted-key requires one)");
    const required = await lade(root, "load", "-i", join(work, "signed.tar"), "--require-signature");
    expect(required.exitCode).toBe(1);
    expect(required.stderr).toContain("--require-signature, but no key is named for it (give --trusted-key PUB, or a policy file)");
    expect(snapshot(root)).toBe(empty);
    const good = await lade(root, "load", "-i", join(work, "signed.tar"), "--trusted-key", `${join(work, "other.pub")},${join(work, "lade.pub")}`);
    expect(good.exitCode, good.stderr).toBe(0);
  });

  test("a bad policy stops before reading the archive", async () => {
    const root = await freshStore("bad-policy");
    writeFileSync(join(root, "policy.json"), JSON.stringify({ default: [{ type: "signedBy", keyType: "GPGKeys", keyPath: "/k" }] }));
    const refused = await lade(root, "load", "-i", join(work, "signed.tar"));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${join(root, "policy.json")}: default[0]: "signedBy" (GPG signatures) is not something lade checks`);
    const missing = await lade(root, "load", "-i", join(work, "signed.tar"), "--policy", join(work, "nope.json"));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("The policy file");
  });
});

describe("tampered archives are refused at load, naming what failed; nothing loaded", () => {
  /** A store holding the signed image, changed by CHANGE, saved as an archive. */
  async function tamperedArchive(name: string, change: (store: OciStore, index: ImageIndex, top: string) => Promise<string>): Promise<{ file: string; image: string }> {
    const root = await freshStore(`tamper-${name}`);
    expect((await lade(root, "load", "-i", join(work, "signed.tar"))).exitCode).toBe(0);
    const opened = await OciStore.open(root);
    const top = (await opened.resolve(SIGNED))!;
    const image = await change(opened, await opened.readJson<ImageIndex>(top.digest), top.digest);
    const file = join(work, `${name}.tar`);
    const saved = await lade(root, "save", image, "-o", file);
    expect(saved.exitCode, saved.stderr).toBe(0);
    return { file, image };
  }

  async function rewriteSignature(store: OciStore, name: string, change: (manifest: ImageManifest) => Promise<ImageManifest>): Promise<void> {
    const descriptor = (await store.resolve(name))!;
    const changed = await change(await store.readJson<ImageManifest>(descriptor.digest));
    await store.tag(name, await store.writeBlob(serializeJson(changed), MediaTypes.ociManifest));
  }

  async function expectRefused(file: string, message: string | RegExp): Promise<void> {
    const root = await freshStore(`judge-${Math.random().toString(36).slice(2)}`);
    const empty = snapshot(root);
    const refused = await lade(root, "load", "-i", file, "--trusted-key", join(work, "lade.pub"));
    expect(refused.exitCode).toBe(1);
    if (typeof message === "string") expect(refused.stderr).toContain(message);
    else expect(refused.stderr).toMatch(message);
    expect(snapshot(root)).toBe(empty);
  }

  test("one flipped byte in the signature", async () => {
    const { file } = await tamperedArchive("signature", async (store, _index, top) => {
      await rewriteSignature(store, signatureName(SIGNED, top), async (manifest) => {
        const signature = Buffer.from(manifest.layers[0]!.annotations![SIGNATURE_ANNOTATION]!, "base64");
        signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 1, signature.length - 1);
        return { ...manifest, layers: [{ ...manifest.layers[0]!, annotations: { [SIGNATURE_ANNOTATION]: signature.toString("base64") } }] };
      });
      return SIGNED;
    });
    await expectRefused(file, new RegExp(`${SIGNED.replace(/\./g, "\\.")} \\(sha256:[0-9a-f]{64}\\) has no good signature by .*lade\\.pub \\(key [0-9a-f]{16}\\): a signature that no given key made \\(or a payload changed after signing\\)`));
  });

  test("the payload changed after signing (another digest put in it)", async () => {
    const { file } = await tamperedArchive("payload", async (store, index, top) => {
      await rewriteSignature(store, signatureName(SIGNED, top), async (manifest) => {
        const payload = new TextDecoder().decode(await store.readBlob(manifest.layers[0]!.digest));
        const forged = await store.writeBlob(new TextEncoder().encode(payload.replace(top, index.manifests[0]!.digest)), manifest.layers[0]!.mediaType);
        return signatureManifest(manifest.config, [{ payload: forged, signature: manifest.layers[0]!.annotations![SIGNATURE_ANNOTATION]! }]);
      });
      return SIGNED;
    });
    await expectRefused(file, "a signature that no given key made (or a payload changed after signing)");
  });

  test("a good signature, but for another manifest (a platform's, moved onto the index)", async () => {
    const { file } = await tamperedArchive("digest", async (store, index, top) => {
      const platform = index.manifests[0]!.digest;
      await store.tag(signatureName(SIGNED, top), (await store.resolve(signatureName(SIGNED, platform)))!);
      return SIGNED;
    });
    await expectRefused(file, /\(sha256:[0-9a-f]{64}\) has no good signature by .*: a signature for sha256:[0-9a-f]{64}, another manifest/);
  });

  test("a good signature, but for another image (the same content under another name)", async () => {
    const evil = "registry.example.com/evil/cluster:1";
    const { file } = await tamperedArchive("identity", async (store, _index, top) => {
      const descriptor = (await store.resolve(SIGNED))!;
      await store.tag(evil, descriptor);
      await store.tag(signatureName(evil, top), (await store.resolve(signatureName(SIGNED, top)))!);
      return evil;
    });
    await expectRefused(file, `${evil} (${"sha256:"}`);
    await expectRefused(file, `a signature for ${SIGNED}, another image`);
  });

  test("an unknown key: signed, but by a key no one trusts", async () => {
    const root = await freshStore("unknown-key");
    const refused = await lade(root, "load", "-i", join(work, "signed.tar"), "--policy", join(work, "unknown.json"));
    expect(refused.exitCode).toBe(2);
    writeFileSync(join(work, "unknown.json"), JSON.stringify({ default: [{ type: "sigstoreSigned", keyPath: join(work, "other.pub") }] }));
    const judged = await lade(root, "load", "-i", join(work, "signed.tar"), "--policy", join(work, "unknown.json"));
    expect(judged.exitCode).toBe(1);
    expect(judged.stderr).toMatch(/other\.pub \(key [0-9a-f]{16}\): a signature that no given key made .* \(the policy .*unknown\.json \(scope "default"\) requires one\)/);
  });
});

describe("lade run against a signature policy", () => {
  test("an image the rules refuse is refused before any step; a trusted one goes on to the plan", async () => {
    const dataDir = join(work, "run-data");
    const run = (image: string, ...extra: string[]) => lade(store, "run", image, "--data-dir", dataDir, "--host-ip", "10.0.0.5", "--dry-run", ...extra);
    const refused = await run(UNSIGNED, "--trusted-key", join(work, "lade.pub"));
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`Cannot run ${UNSIGNED} (no host changed): not trusted`);
    expect(refused.stderr).toContain(") is not signed (--trusted-key requires one)");
    expect(refused.stdout).toBe("");
    const trusted = await run(SIGNED, "--trusted-key", join(work, "lade.pub"));
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain("kubeadm-init");

    const before = snapshot(store);
    const archive = await lade(store, "run", join(work, "signed.tar"), "--data-dir", dataDir, "--trusted-key", join(work, "other.pub"));
    expect(archive.exitCode).toBe(1);
    expect(archive.stderr).toContain(`Cannot run "${join(work, "signed.tar")}" (nothing loaded, no host changed): not trusted`);
    expect(snapshot(store)).toBe(before);
  });
});
