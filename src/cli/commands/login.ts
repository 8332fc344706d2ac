import { defineCommand } from "citty";
import { normalizeRegistryHost, saveCredential } from "../../registry/auth-file.ts";
import { verifyLogin } from "../../registry/verify-login.ts";
import { UsageError } from "../global-options.ts";

export const loginCommand = defineCommand({
  meta: {
    name: "login",
    description:
      "Check a user name and password against REGISTRY and save them in docker's config.json format " +
      "(--authfile, else $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json; " +
      "a credsStore or credHelpers entry there is used like docker does)",
  },
  args: {
    registry: { type: "positional", description: "Registry host[:port], e.g. registry.example.com:5000 or docker.io", required: true },
    username: { type: "string", alias: "u", description: "User name", required: true },
    password: { type: "string", alias: "p", description: "Password (visible to other users of this machine: prefer --password-stdin)" },
    "password-stdin": { type: "boolean", description: "Read the password from standard input (one trailing newline is dropped)" },
    authfile: { type: "string", description: "Credential file to write" },
    "ca-file": { type: "string", description: "PEM file of CA certificates to trust for the registry (default: also /etc/docker/certs.d/HOST/*.crt)" },
    "insecure-registry": { type: "boolean", description: "Allow plain HTTP and unverified HTTPS for this registry" },
    verify: {
      type: "boolean",
      default: true,
      description: "Check the credentials against the registry before saving them",
      negativeDescription: "Save the credentials without contacting the registry",
    },
  },
  async run({ args }) {
    const host = registryHost(args.registry);
    const password = await readPassword(args.password, Boolean(args["password-stdin"]));
    const credential = { username: args.username, password };
    if (args.verify) {
      await verifyLogin(host, credential, { caFile: args["ca-file"], insecure: Boolean(args["insecure-registry"]) });
    }
    const saved = await saveCredential(host, credential, { authFile: args.authfile });
    const where = saved.helper ? `${saved.helper} (listed in ${saved.authFile})` : saved.authFile;
    process.stderr.write(`Saved the credentials for ${host} in ${where}\n`);
    console.log("Login succeeded");
  },
});

/** The registry argument as credentials are keyed (scheme and path dropped, Docker Hub as docker.io). */
function registryHost(text: string): string {
  try {
    return normalizeRegistryHost(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readPassword(option: string | undefined, fromStdin: boolean): Promise<string> {
  if (option !== undefined && fromStdin) throw new UsageError('Options "--password" and "--password-stdin" cannot be used together');
  if (option === undefined && !fromStdin) throw new UsageError('Option "--password-stdin" or "--password" is required');
  if (option !== undefined) {
    process.stderr.write("Warning: a password given with --password can be seen by other users of this machine; --password-stdin is safer\n");
    if (option === "") throw new UsageError('Option "--password" needs a value');
    return option;
  }
  const password = (await Bun.stdin.text()).replace(/\r?\n$/, "");
  if (password === "") throw new UsageError('Option "--password-stdin" read an empty password');
  return password;
}
