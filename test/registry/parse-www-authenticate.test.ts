import { describe, expect, test } from "bun:test";
import { parseWwwAuthenticate, type AuthChallenge } from "../../src/registry/parse-www-authenticate.ts";

describe("parseWwwAuthenticate()", () => {
  test.each<[string, string, AuthChallenge[]]>([
    [
      "Docker Hub",
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [{ scheme: "bearer", parameters: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/nginx:pull" } }],
    ],
    [
      "Docker Hub, insufficient scope (a comma inside the quoted scope)",
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope"',
      [
        {
          scheme: "bearer",
          parameters: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:samalba/my-app:pull,push", error: "insufficient_scope" },
        },
      ],
    ],
    [
      "GitHub Container Registry",
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      [{ scheme: "bearer", parameters: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:user/image:pull" } }],
    ],
    [
      "Quay (no scope)",
      'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
      [{ scheme: "bearer", parameters: { realm: "https://quay.io/v2/auth", service: "quay.io" } }],
    ],
    [
      "Azure Container Registry",
      'Bearer realm="https://myregistry.azurecr.io/oauth2/token",service="myregistry.azurecr.io",scope="repository:samples/hello-world:pull"',
      [{ scheme: "bearer", parameters: { realm: "https://myregistry.azurecr.io/oauth2/token", service: "myregistry.azurecr.io", scope: "repository:samples/hello-world:pull" } }],
    ],
    [
      "GitLab, expired token",
      'Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",scope="repository:group/project:pull",error="invalid_token"',
      [
        {
          scheme: "bearer",
          parameters: { realm: "https://gitlab.example.com/jwt/auth", service: "container_registry", scope: "repository:group/project:pull", error: "invalid_token" },
        },
      ],
    ],
    ["distribution with htpasswd", 'Basic realm="Registry Realm"', [{ scheme: "basic", parameters: { realm: "Registry Realm" } }]],
    [
      "Amazon ECR",
      'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
      [{ scheme: "basic", parameters: { realm: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/", service: "ecr.amazonaws.com" } }],
    ],
    [
      "lower-case scheme and unquoted values",
      "bearer realm=https://reg.example.com/token,service=reg.example.com",
      [{ scheme: "bearer", parameters: { realm: "https://reg.example.com/token", service: "reg.example.com" } }],
    ],
    [
      "spaces around = and commas (RFC 7235 allows them)",
      'Bearer realm = "https://reg.example.com/token" , service = "reg"',
      [{ scheme: "bearer", parameters: { realm: "https://reg.example.com/token", service: "reg" } }],
    ],
    [
      "upper-case parameter names",
      'Bearer Realm="https://reg.example.com/token",SERVICE="reg"',
      [{ scheme: "bearer", parameters: { realm: "https://reg.example.com/token", service: "reg" } }],
    ],
    ["escaped quotes in a quoted value", 'Basic realm="say \\"hi\\""', [{ scheme: "basic", parameters: { realm: 'say "hi"' } }]],
    [
      "two challenges in one header",
      'Basic realm="corp", Bearer realm="https://reg.example.com/token",service="reg"',
      [
        { scheme: "basic", parameters: { realm: "corp" } },
        { scheme: "bearer", parameters: { realm: "https://reg.example.com/token", service: "reg" } },
      ],
    ],
    [
      "RFC 7235's own example",
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      [
        { scheme: "newauth", parameters: { realm: "apps", type: "1", title: 'Login to "apps"' } },
        { scheme: "basic", parameters: { realm: "simple" } },
      ],
    ],
    [
      "a scheme without parameters before another challenge",
      'Negotiate, Basic realm="x"',
      [
        { scheme: "negotiate", parameters: {} },
        { scheme: "basic", parameters: { realm: "x" } },
      ],
    ],
    ["an empty header", "", []],
  ])("%s", (_name, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  test("does not loop on garbage", () => {
    expect(parseWwwAuthenticate(',,, =, "x"')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated').map((challenge) => challenge.scheme)).toEqual(["bearer"]);
  });
});
