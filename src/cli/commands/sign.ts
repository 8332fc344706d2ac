import { defineCommand } from "citty";
import { signImage } from "../../trust/image-signatures.ts";
import { findImage } from "../../store/find-image.ts";
import { openStore } from "../command-context.ts";
import { passphraseArgs, readPassphrase } from "../read-passphrase.ts";
import { readSigningKey } from "../read-keys.ts";

export const signCommand = defineCommand({
  meta: {
    name: "sign",
    description:
      "Sign an image of the store with a cosign/sigstore key: its index (or only manifest) and each platform's manifest, for the " +
      "image's name, in sigstore's simple-signing format. The signatures are kept in the store as cosign keeps them in a registry " +
      "(REPO:sha256-<hex>.sig), so lade save carries them, lade push pushes them (skopeo and cosign find them there) and lade pull " +
      "fetches them. Signing again with the same key changes nothing; another key adds its signature.",
  },
  args: {
    image: { type: "positional", description: "Image in the store (its name is what the signature names: tag it with the name it is pushed under first)", required: true },
    key: { type: "string", description: "The private key (cosign.key of lade key generate or cosign generate-key-pair)", required: true },
    ...passphraseArgs,
  },
  async run({ args }) {
    const store = await openStore();
    const image = await findImage(store, args.image);
    const key = await readSigningKey(args.key, await readPassphrase(args));
    const signed = await signImage(store, image, key);
    console.log(signed.length > 0 ? `Signed ${image.name}: ${signed.join(", ")}` : `${image.name} is signed with this key already`);
  },
});
