import { chmod, stat } from "node:fs/promises";
import { defineCommand } from "citty";
import { generateKeyPair, keyId, readPublicKey } from "../../trust/cosign-key.ts";
import { UsageError } from "../global-options.ts";
import { passphraseArgs, readPassphrase } from "../read-passphrase.ts";

const generateCommand = defineCommand({
  meta: {
    name: "generate",
    description:
      "Write a signing key pair in sigstore/cosign's format: PREFIX.key (ECDSA P-256, encrypted with the passphrase: scrypt and " +
      "NaCl secretbox, as cosign generate-key-pair writes it; mode 0600) and PREFIX.pub (PEM). cosign and skopeo " +
      "(--sign-by-sigstore-private-key, policy.json sigstoreSigned) use the same files; their keys work with lade sign and verify.",
  },
  args: {
    out: { type: "string", description: "Prefix of the two files (default: cosign, as cosign names them)", default: "cosign" },
    ...passphraseArgs,
  },
  async run({ args }) {
    const [privateFile, publicFile] = [`${args.out}.key`, `${args.out}.pub`];
    for (const file of [privateFile, publicFile]) {
      if (await stat(file).catch(() => undefined)) throw new UsageError(`${file} exists already: give another --out, or remove it`);
    }
    const { privatePem, publicPem } = generateKeyPair(await readPassphrase(args));
    await Bun.write(privateFile, privatePem);
    await chmod(privateFile, 0o600);
    await Bun.write(publicFile, publicPem);
    console.log(`Wrote ${privateFile} and ${publicFile} (key ${keyId(readPublicKey(publicPem, publicFile))})`);
  },
});

export const keyCommand = defineCommand({
  meta: { name: "key", description: "Signing keys: lade key generate" },
  subCommands: { generate: generateCommand },
});
