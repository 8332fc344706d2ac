import { loadCredential } from "./auth-file.ts";
import { RegistryClient, type Credential, type RegistryClientOptions } from "./registry-client.ts";
import { resolveEndpoint, type EndpointOptions } from "./registry-endpoint.ts";

/** How lade reaches registries: credentials file, extra CAs, plain-HTTP registries. */
export interface RegistryAccessOptions extends EndpointOptions {
  /** --authfile; default REGISTRY_AUTH_FILE, then ~/.docker/config.json. */
  readonly authFile?: string;
  /** Credentials by registry name that go before the auth file's (a config file's proxy account). */
  readonly credentials?: ReadonlyMap<string, Credential>;
  readonly client?: Omit<RegistryClientOptions, "credentials">;
}

/** One client per registry, created on first use and shared, so tokens are fetched once. */
export function createRegistryClients(options: RegistryAccessOptions = {}): (registry: string) => Promise<RegistryClient> {
  const clients = new Map<string, Promise<RegistryClient>>();
  return (registry) => {
    let client = clients.get(registry);
    if (!client) {
      client = resolveEndpoint(registry, options).then(
        (endpoint) =>
          new RegistryClient(endpoint, {
            ...options.client,
            credentials: async (name) => options.credentials?.get(name) ?? loadCredential(name, { authFile: options.authFile }),
          }),
      );
      clients.set(registry, client);
    }
    return client;
  };
}
