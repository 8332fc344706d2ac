import type { KeyObject } from "node:crypto";
import { KeyError, keyId, readPrivateKey, readPublicKey } from "../trust/cosign-key.ts";
import { UsageError } from "./global-options.ts";

/** The public keys of --key (files, comma-separated or repeated), and how messages name them. */
export async function readPublicKeys(files: readonly string[]): Promise<{ keys: KeyObject[]; names: string }> {
  if (files.length === 0) throw new UsageError("Give the public key to verify with: --key FILE.pub");
  const keys: KeyObject[] = [];
  for (const file of files) keys.push(readKey(file, await readText(file), (text) => readPublicKey(text, file)));
  return { keys, names: files.map((file, index) => `${file} (key ${keyId(keys[index]!)})`).join(", ") };
}

export async function readSigningKey(file: string, passphrase: string): Promise<KeyObject> {
  return readKey(file, await readText(file), (text) => readPrivateKey(text, passphrase, file));
}

function readKey(file: string, text: string, read: (text: string) => KeyObject): KeyObject {
  try {
    return read(text);
  } catch (error) {
    if (error instanceof KeyError) throw new UsageError(error.message);
    throw error;
  }
}

async function readText(file: string): Promise<string> {
  const handle = Bun.file(file);
  if (!(await handle.exists())) throw new UsageError(`The key file ${file} does not exist`);
  return handle.text();
}
