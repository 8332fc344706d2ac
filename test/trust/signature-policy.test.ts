import { describe, expect, test } from "bun:test";
import { parsePolicy, requirementsFor } from "../../src/trust/signature-policy.ts";

const policy = (json: unknown, file = "/etc/lade/policy.json") => parsePolicy(JSON.stringify(json), file);

describe("signature policy (containers-policy.json)", () => {
  const parsed = policy({
    default: [{ type: "reject" }],
    transports: {
      docker: {
        "registry.example.com/team/cluster:v1": [{ type: "sigstoreSigned", keyPath: "v1.pub" }],
        "registry.example.com/team": [{ type: "sigstoreSigned", keyPaths: ["/keys/a.pub", "/keys/b.pub"], signedIdentity: { type: "matchRepository" } }],
        "registry.example.com": [{ type: "insecureAcceptAnything" }],
        "*.example.com": [{ type: "sigstoreSigned", keyData: Buffer.from("-----BEGIN PUBLIC KEY-----\n").toString("base64") }],
        "": [{ type: "reject" }],
      },
      "docker-daemon": { "": [{ type: "insecureAcceptAnything" }] },
    },
  });

  test("the most specific scope wins: tag, repository, namespace, registry, parent domains, the transport default", () => {
    expect(requirementsFor(parsed, "registry.example.com/team/cluster:v1")).toEqual({
      scope: "registry.example.com/team/cluster:v1",
      requirements: [{ type: "sigstoreSigned", keys: [{ path: "/etc/lade/v1.pub" }], identity: "matchRepoDigestOrExact" }],
    });
    const team = requirementsFor(parsed, "registry.example.com/team/cluster:v2");
    expect(team.scope).toBe("registry.example.com/team");
    expect(team.requirements).toEqual([{ type: "sigstoreSigned", keys: [{ path: "/keys/a.pub" }, { path: "/keys/b.pub" }], identity: "matchRepository" }]);
    expect(requirementsFor(parsed, "registry.example.com/other/x:1").scope).toBe("registry.example.com");
    expect(requirementsFor(parsed, "mirror.example.com/x:1").scope).toBe("*.example.com");
    expect(requirementsFor(parsed, "a.b.example.com:5000/x:1").scope).toBe("*.example.com");
    expect(requirementsFor(parsed, "docker.io/library/nginx:latest")).toEqual({ scope: "docker default", requirements: [{ type: "reject" }] });
  });

  test("without a docker entry, the policy's default", () => {
    const onlyDefault = policy({ default: [{ type: "insecureAcceptAnything" }] });
    expect(requirementsFor(onlyDefault, "docker.io/library/nginx:1")).toEqual({ scope: "default", requirements: [{ type: "insecureAcceptAnything" }] });
  });

  test.each([
    [{ transports: {} }, '"default" is missing'],
    [{ default: [] }, "default must be a non-empty list of requirements"],
    [{ default: [{ type: "signedBy", keyType: "GPGKeys", keyPath: "/k.gpg" }] }, '"signedBy" (GPG signatures) is not something lade checks'],
    [{ default: [{ type: "sigstoreSigned", fulcio: {}, rekorPublicKeyPath: "/r.pub" }] }, '"fulcio" asks for keyless or Rekor-logged signatures, which cannot be checked offline'],
    [{ default: [{ type: "sigstoreSigned" }] }, "sigstoreSigned needs keyPath, keyPaths, keyData or keyDatas"],
    [{ default: [{ type: "sigstoreSigned", keyPath: "/k", keyPth: "/k" }] }, 'default[0]: unknown field "keyPth" for type "sigstoreSigned"'],
    [{ default: [{ type: "sigstoreSigned", keyPath: "/k", signedIdentity: { type: "remapIdentity", prefix: "a", signedPrefix: "b" } }] }, 'signedIdentity "remapIdentity" is not supported by lade'],
    [{ default: [{ type: "insecureAcceptAnything", keyPath: "/k" }] }, 'unknown field "keyPath" for type "insecureAcceptAnything"'],
    [{ default: [{ type: "acceptAll" }] }, 'unknown requirement type "acceptAll"'],
    [{ default: [{ type: "reject" }], transports: { docker: { nginx: [{ type: "reject" }] } } }, 'the scope "nginx" must name a registry host first'],
    [{ default: [{ type: "reject" }], transports: { docker: { "registry.example.com/*": [{ type: "reject" }] } } }, 'the scope "registry.example.com/*" has a "*"'],
    [{ default: [{ type: "reject" }], defaults: [] }, 'unknown field "defaults"'],
  ])("refused with the place named: %j", (json, message) => {
    expect(() => policy(json, "p.json")).toThrow(message);
  });

  test("not JSON", () => {
    expect(() => parsePolicy("{", "p.json")).toThrow("p.json: not JSON");
  });
});
