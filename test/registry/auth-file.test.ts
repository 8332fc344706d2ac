import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { authFilePath, loadCredential, removeCredential, saveCredential } from "../../src/registry/auth-file.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

/**
 * A docker credential helper in bash: `get` answers for a few fixed servers, `store` and `erase`
 * record what they were given next to the script.
 */
const FAKE_HELPER = `#!/bin/bash
dir="$(dirname "$0")"
input="$(cat)"
case "$1" in
  get)
    case "$input" in
      reg.example.com) echo '{"ServerURL":"reg.example.com","Username":"helper-user","Secret":"helper-pass"}' ;;
      token.example.com) echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"refresh-123"}' ;;
      https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hub-user","Secret":"hub-pass"}' ;;
      broken.example.com) echo "the keychain is locked" >&2; exit 3 ;;
      leaky.example.com) echo '{"Username":"u","Secret":"leaked-secret"}'; exit 4 ;;
      *) echo "credentials not found in native keychain"; exit 1 ;;
    esac ;;
  store)
    case "$input" in
      *fail.example.com*) echo "cannot store $input" >&2; exit 5 ;;
    esac
    printf '%s\\n' "$input" >> "$dir/store.log" ;;
  erase) printf '%s\\n' "$input" >> "$dir/erase.log" ;;
  *) exit 2 ;;
esac
`;

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString("base64");
}

/** A HOME with ~/.docker/config.json (when given) and a PATH that starts with the fake helper. */
function setup(config?: unknown) {
  const root = tempDir();
  const bin = writeTree(join(root, "bin"), { "docker-credential-fake": { content: FAKE_HELPER, mode: 0o755 } });
  const home = join(root, "home");
  const file = join(home, ".docker", "config.json");
  if (config !== undefined) writeTree(home, { ".docker/config.json": typeof config === "string" ? config : JSON.stringify(config) });
  const env = { HOME: home, PATH: `${bin}:${process.env.PATH}` };
  return { root, bin, home, file, env, options: { env } };
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}

describe("authFilePath()", () => {
  test("prefers --authfile, then REGISTRY_AUTH_FILE, then DOCKER_CONFIG, then ~/.docker", () => {
    const env = { HOME: "/home/u", REGISTRY_AUTH_FILE: "/run/auth.json", DOCKER_CONFIG: "/etc/docker-config" };
    expect(authFilePath({ authFile: "/x/auth.json", env })).toBe("/x/auth.json");
    expect(authFilePath({ env })).toBe("/run/auth.json");
    expect(authFilePath({ env: { ...env, REGISTRY_AUTH_FILE: undefined } })).toBe("/etc/docker-config/config.json");
    expect(authFilePath({ env: { HOME: "/home/u" } })).toBe("/home/u/.docker/config.json");
  });
});

describe("loadCredential()", () => {
  test.each([
    ["reg.example.com", "reg.example.com"],
    ["https://reg.example.com", "reg.example.com"],
    ["http://reg.example.com", "reg.example.com"],
    ["https://reg.example.com/v2/", "reg.example.com"],
    ["reg.example.com:5000", "reg.example.com:5000"],
    ["https://reg.example.com:5000/v2/", "reg.example.com:5000"],
    ["https://index.docker.io/v1/", "docker.io"],
    ["https://index.docker.io/v1/", "registry-1.docker.io"],
    ["https://index.docker.io/v1/", "index.docker.io"],
    ["docker.io", "docker.io"],
  ])("finds the key %p for %p", async (key, host) => {
    const { options } = setup({ auths: { [key]: { auth: basic("alice", "pa:ss") } } });
    expect(await loadCredential(host, options)).toEqual({ username: "alice", password: "pa:ss" });
  });

  test("tells ports apart and ignores other registries", async () => {
    const { options } = setup({ auths: { "reg.example.com:5000": { auth: basic("a", "b") }, "other.example.com": { auth: basic("c", "d") } } });
    expect(await loadCredential("reg.example.com", options)).toBeUndefined();
    expect(await loadCredential("reg.example.com:5001", options)).toBeUndefined();
  });

  test("prefers the exact key to other spellings of the registry", async () => {
    const { options } = setup({
      auths: { "https://reg.example.com/v2/": { auth: basic("old", "x") }, "reg.example.com": { auth: basic("new", "y") } },
    });
    expect(await loadCredential("reg.example.com", options)).toEqual({ username: "new", password: "y" });
  });

  test("accepts username and password fields, and an identity token", async () => {
    const { options } = setup({
      auths: {
        "plain.example.com": { username: "bob", password: "secret" },
        "token.example.com": { auth: basic("bob", ""), identitytoken: "refresh-abc" },
      },
    });
    expect(await loadCredential("plain.example.com", options)).toEqual({ username: "bob", password: "secret" });
    expect(await loadCredential("token.example.com", options)).toEqual({ identityToken: "refresh-abc" });
  });

  test("finds nothing without a file or an entry", async () => {
    expect(await loadCredential("reg.example.com", setup().options)).toBeUndefined();
    expect(await loadCredential("reg.example.com", setup({ auths: { "reg.example.com": {} } }).options)).toBeUndefined();
    expect(await loadCredential("reg.example.com", setup({ proxies: {} }).options)).toBeUndefined();
  });

  test("names the file when it is not JSON, without quoting its content", async () => {
    const { file, options } = setup('{"auths": {"reg.example.com": {"auth": s3cr3t-value}}}');
    const error = await loadCredential("reg.example.com", options).catch((caught) => caught);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.message).toBe(`Cannot parse credential file "${file}": it is not valid JSON`);
    expect(error.message).not.toContain("s3cr3t");
  });

  test("names the file and the entry when an auth field cannot be decoded", async () => {
    const { file, options } = setup({ auths: { "reg.example.com": { auth: Buffer.from("no-colon").toString("base64") } } });
    const error = await loadCredential("reg.example.com", options).catch((caught) => caught);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.message).toContain(`"reg.example.com"`);
    expect(error.message).toContain(`"${file}"`);
  });

  test("asks the credential helper of credHelpers, whatever auths says", async () => {
    const { options } = setup({
      credHelpers: { "reg.example.com": "fake" },
      auths: { "reg.example.com": { auth: basic("file-user", "file-pass") }, "other.example.com": { auth: basic("o", "p") } },
    });
    expect(await loadCredential("reg.example.com", options)).toEqual({ username: "helper-user", password: "helper-pass" });
    expect(await loadCredential("other.example.com", options)).toEqual({ username: "o", password: "p" });
  });

  test("asks credsStore for every registry; <token> means an identity token; not found means none", async () => {
    const { options } = setup({ credsStore: "fake", auths: { "missing.example.com": { auth: basic("x", "y") } } });
    expect(await loadCredential("reg.example.com", options)).toEqual({ username: "helper-user", password: "helper-pass" });
    expect(await loadCredential("token.example.com", options)).toEqual({ identityToken: "refresh-123" });
    expect(await loadCredential("docker.io", options)).toEqual({ username: "hub-user", password: "hub-pass" });
    expect(await loadCredential("missing.example.com", options)).toBeUndefined();
  });

  test("names the helper when it fails, and never repeats a secret it printed", async () => {
    const { options } = setup({ credsStore: "fake" });
    const broken = await loadCredential("broken.example.com", options).catch((caught) => caught);
    expect(broken.message).toBe('Credential helper "docker-credential-fake get" failed with exit code 3: the keychain is locked');
    const leaky = await loadCredential("leaky.example.com", options).catch((caught) => caught);
    expect(leaky.message).toContain("docker-credential-fake");
    expect(leaky.message).not.toContain("leaked-secret");
    const missing = await loadCredential("reg.example.com", setup({ credsStore: "absent" }).options).catch((caught) => caught);
    expect(missing.message).toBe('Cannot run credential helper "docker-credential-absent": it is not in PATH');
  });
});

describe("saveCredential()", () => {
  test("creates the file 0600 in a new 0700 directory, with base64 user:password", async () => {
    const { file, options } = setup();
    const saved = await saveCredential("reg.example.com:5000", { username: "alice", password: "s3cret" }, options);
    expect(saved).toEqual({ authFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, "..")).mode & 0o777).toBe(0o700);
    expect(readJson(file)).toEqual({ auths: { "reg.example.com:5000": { auth: basic("alice", "s3cret") } } });
    expect(await loadCredential("reg.example.com:5000", options)).toEqual({ username: "alice", password: "s3cret" });
  });

  test("keeps every other key, replaces other spellings of the registry and makes the file 0600", async () => {
    const original = {
      auths: {
        "other.example.com": { auth: basic("o", "p"), email: "o@example.com" },
        "https://reg.example.com/v2/": { auth: basic("old", "old") },
      },
      credHelpers: { "ecr.example.com": "ecr-login" },
      proxies: { default: { httpProxy: "http://proxy:3128" } },
      HttpHeaders: { "User-Agent": "x" },
      somethingNew: [1, 2, 3],
    };
    const { file, home, options } = setup(original);
    writeTree(home, { ".docker/config.json": { content: JSON.stringify(original), mode: 0o644 } });
    await saveCredential("https://reg.example.com", { username: "alice", password: "new" }, options);
    expect(readJson(file)).toEqual({
      ...original,
      auths: { "other.example.com": original.auths["other.example.com"], "reg.example.com": { auth: basic("alice", "new") } },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test("saves Docker Hub under https://index.docker.io/v1/", async () => {
    const { file, options } = setup();
    await saveCredential("registry-1.docker.io", { username: "hub", password: "pw" }, options);
    expect(Object.keys(readJson(file).auths)).toEqual(["https://index.docker.io/v1/"]);
    expect(await loadCredential("docker.io", options)).toEqual({ username: "hub", password: "pw" });
  });

  test("writes through a symbolic link and keeps the link", async () => {
    const { root, options } = setup();
    const target = join(root, "real-auth.json");
    writeTree(root, { "real-auth.json": "{}" });
    const link = join(root, "auth.json");
    symlinkSync(target, link);
    await saveCredential("reg.example.com", { username: "a", password: "b" }, { ...options, authFile: link });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readJson(target).auths["reg.example.com"]).toEqual({ auth: basic("a", "b") });
  });

  test("hands the secret to the credential helper and leaves an empty entry in the file", async () => {
    const { bin, file, options } = setup({ credsStore: "fake", auths: { "reg.example.com": { auth: basic("x", "y") } } });
    const saved = await saveCredential("reg.example.com", { username: "alice", password: "s3cret" }, options);
    expect(saved).toEqual({ authFile: file, helper: "docker-credential-fake" });
    expect(JSON.parse(readFileSync(join(bin, "store.log"), "utf8"))).toEqual({
      ServerURL: "reg.example.com",
      Username: "alice",
      Secret: "s3cret",
    });
    expect(readJson(file)).toEqual({ credsStore: "fake", auths: { "reg.example.com": {} } });
  });

  test("a helper that fails leaves the file alone and its error without the secret", async () => {
    const original = { credHelpers: { "fail.example.com": "fake" }, auths: {} };
    const { file, options } = setup(original);
    const error = await saveCredential("fail.example.com", { username: "alice", password: "s3cret" }, options).catch((caught) => caught);
    expect(error.message).toStartWith('Credential helper "docker-credential-fake store" failed with exit code 5');
    expect(error.message).not.toContain("s3cret");
    expect(readJson(file)).toEqual(original);
  });
});

describe("removeCredential()", () => {
  test("drops every spelling of the registry and keeps the rest", async () => {
    const { file, options } = setup({
      auths: {
        "reg.example.com": { auth: basic("a", "b") },
        "https://reg.example.com/v2/": { auth: basic("a", "b") },
        "other.example.com": { auth: basic("o", "p") },
      },
      credHelpers: { "ecr.example.com": "ecr-login" },
    });
    expect(await removeCredential("reg.example.com", options)).toBe(true);
    expect(readJson(file)).toEqual({
      auths: { "other.example.com": { auth: basic("o", "p") } },
      credHelpers: { "ecr.example.com": "ecr-login" },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await removeCredential("reg.example.com", options)).toBe(false);
  });

  test("reports false when there is no file", async () => {
    const { file, options } = setup();
    expect(await removeCredential("reg.example.com", options)).toBe(false);
    expect(existsSync(file)).toBe(false);
  });

  test("erases from the credential helper", async () => {
    const { bin, file, options } = setup({ credsStore: "fake", auths: { "reg.example.com": {} } });
    expect(await removeCredential("reg.example.com", options)).toBe(true);
    expect(readFileSync(join(bin, "erase.log"), "utf8")).toBe("reg.example.com\n");
    expect(readJson(file)).toEqual({ credsStore: "fake", auths: {} });
    expect(await removeCredential("missing.example.com", options)).toBe(false);
  });
});
