import { defineCommand } from "citty";
import { authFilePath, normalizeRegistryHost, removeCredential } from "../../registry/auth-file.ts";
import { UsageError } from "../global-options.ts";

export const logoutCommand = defineCommand({
  meta: {
    name: "logout",
    description: "Remove the saved credentials of REGISTRY (from the credential file, and from its credential helper if one applies)",
  },
  args: {
    registry: { type: "positional", description: "Registry host[:port], e.g. registry.example.com:5000 or docker.io", required: true },
    authfile: { type: "string", description: "Credential file (default: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json)" },
  },
  async run({ args }) {
    let host: string;
    try {
      host = normalizeRegistryHost(args.registry);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const removed = await removeCredential(host, { authFile: args.authfile });
    if (!removed) {
      throw new Error(`Cannot log out of ${host}: there are no saved credentials for it in ${JSON.stringify(authFilePath({ authFile: args.authfile }))}`);
    }
    console.log(`Removed the credentials for ${host}`);
  },
});
