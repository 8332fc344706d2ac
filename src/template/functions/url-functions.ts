import type { GoMap, GoValue } from "../go-value.ts";
import type { FunctionMap } from "../template-function.ts";
import { define, fail } from "./define.ts";
import { decodeUtf8, goQuote, utf8 } from "./go-string.ts";
import { goKindOf } from "./go-type.ts";

/** Go's net/url: the parts of URL that sprig's urlParse and urlJoin use. */
type Mode = "path" | "host" | "userinfo" | "fragment" | "query";

interface GoUrl {
  scheme: string;
  opaque: string;
  user: { username: string; password: string | null } | null;
  host: string;
  path: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}

function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    switch (mode) {
      case "path":
        return ch === "?";
      case "userinfo":
        return ch === "@" || ch === "/" || ch === "?" || ch === ":";
      case "query":
        return true;
      case "fragment":
        return false;
    }
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = "";
  for (const b of utf8(s)) {
    if (shouldEscape(b, mode)) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

class UrlError extends Error {}

function unescape(s: string, mode: Mode): string {
  const bytes = utf8(s);
  const out: number[] = [];
  const isHex = (b: number | undefined) => b !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(b));
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b === 0x25) {
      if (!isHex(bytes[i + 1]) || !isHex(bytes[i + 2])) {
        throw new UrlError(`invalid URL escape ${goQuote(decodeUtf8(bytes.subarray(i, i + 3)))}`);
      }
      const value = Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      if (mode === "host" && value < 0x80 && decodeUtf8(bytes.subarray(i, i + 3)) !== "%25") {
        throw new UrlError(`invalid URL escape ${goQuote(decodeUtf8(bytes.subarray(i, i + 3)))}`);
      }
      out.push(value);
      i += 3;
      continue;
    }
    if (mode === "host" && b < 0x80 && shouldEscape(b, mode)) {
      throw new UrlError(`invalid character ${goQuote(String.fromCharCode(b))} in host name`);
    }
    out.push(mode === "query" && b === 0x2b ? 0x20 : b);
    i++;
  }
  return decodeUtf8(new Uint8Array(out));
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new UrlError("missing ']' in host");
    const port = host.slice(i + 1);
    if (!validOptionalPort(port)) throw new UrlError(`invalid port ${goQuote(port)} after host`);
  } else {
    const i = host.lastIndexOf(":");
    if (i >= 0 && !validOptionalPort(host.slice(i))) throw new UrlError(`invalid port ${goQuote(host.slice(i))} after host`);
  }
  return unescape(host, "host");
}

function parseAuthority(authority: string): Pick<GoUrl, "user" | "host"> {
  const i = authority.lastIndexOf("@");
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return { user: null, host };
  const userinfo = authority.slice(0, i);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError("net/url: invalid userinfo");
  const colon = userinfo.indexOf(":");
  if (colon < 0) return { user: { username: unescape(userinfo, "userinfo"), password: null }, host };
  return {
    user: { username: unescape(userinfo.slice(0, colon), "userinfo"), password: unescape(userinfo.slice(colon + 1), "userinfo") },
    host,
  };
}

/** url.Parse; throws with Go's `parse "…": …` message. */
export function parseUrl(raw: string): GoUrl {
  const hash = raw.indexOf("#");
  const text = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? "" : raw.slice(hash + 1);
  const url: GoUrl = { scheme: "", opaque: "", user: null, host: "", path: "", rawQuery: "", forceQuery: false, fragment: "" };
  try {
    if (/[\x00-\x1f\x7f]/.test(text)) throw new UrlError("net/url: invalid control character in URL");
    if (text === "*") {
      url.path = "*";
    } else {
      let rest = text;
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
      if (text.startsWith(":")) throw new UrlError("missing protocol scheme");
      if (scheme) {
        url.scheme = scheme[1]!.toLowerCase();
        rest = text.slice(scheme[0].length);
      }
      if (rest.endsWith("?") && rest.split("?").length === 2) {
        url.forceQuery = true;
        rest = rest.slice(0, -1);
      } else {
        const q = rest.indexOf("?");
        if (q >= 0) {
          url.rawQuery = rest.slice(q + 1);
          rest = rest.slice(0, q);
        }
      }
      if (!rest.startsWith("/")) {
        if (url.scheme !== "") {
          url.opaque = rest;
          rest = "";
        } else if (rest.split("/")[0]!.includes(":")) throw new UrlError("first path segment in URL cannot contain colon");
      }
      if (url.opaque === "") {
        if ((url.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
          let authority = rest.slice(2);
          rest = "";
          const slash = authority.indexOf("/");
          if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
          Object.assign(url, parseAuthority(authority));
        }
        url.path = unescape(rest, "path");
      }
    }
  } catch (error) {
    if (error instanceof UrlError) throw new UrlError(`parse ${goQuote(text)}: ${error.message}`);
    throw error;
  }
  if (fragment !== "") {
    try {
      url.fragment = unescape(fragment, "fragment");
    } catch (error) {
      if (error instanceof UrlError) throw new UrlError(`parse ${goQuote(raw)}: ${error.message}`);
      throw error;
    }
  }
  return url;
}

function userString(user: NonNullable<GoUrl["user"]>): string {
  let s = escape(user.username, "userinfo");
  if (user.password !== null) s += `:${escape(user.password, "userinfo")}`;
  return s;
}

function hostname(host: string): string {
  if (host.startsWith("[")) {
    const i = host.indexOf("]");
    return i < 0 ? host.slice(1) : host.slice(1, i);
  }
  const i = host.lastIndexOf(":");
  return i < 0 ? host : host.slice(0, i);
}

/** URL.String. */
export function formatUrl(u: GoUrl): string {
  let out = "";
  if (u.scheme) out += `${u.scheme}:`;
  if (u.opaque) out += u.opaque;
  else {
    if (u.scheme || u.host || u.user) {
      if (u.host || u.path || u.user) out += "//";
      if (u.user) out += `${userString(u.user)}@`;
      if (u.host) out += escape(u.host, "host");
    }
    const path = u.path === "*" ? "*" : escape(u.path, "path");
    if (path !== "" && path[0] !== "/" && u.host !== "") out += "/";
    if (out === "" && path.split("/")[0]!.includes(":")) out += "./";
    out += path;
  }
  if (u.forceQuery || u.rawQuery) out += `?${u.rawQuery}`;
  if (u.fragment) out += `#${escape(u.fragment, "fragment")}`;
  return out;
}

function stringField(d: GoMap, key: string): string {
  if (!Object.hasOwn(d, key)) return "";
  const value: GoValue = d[key];
  if (value === null || value === undefined) fail("runtime error: invalid memory address or nil pointer dereference");
  if (typeof value !== "string") fail(`unable to parse ${key} key, must be of type string, but ${goKindOf(value)} found`);
  return value;
}

/** sprig's urlParse and urlJoin. */
export const urlFunctions: FunctionMap = {
  urlParse: define(["string"], (s) => {
    let u: GoUrl;
    try {
      u = parseUrl(s);
    } catch (error) {
      fail(`unable to parse url: ${(error as Error).message}`);
    }
    return {
      scheme: u.scheme,
      host: u.host,
      hostname: hostname(u.host),
      path: u.path,
      query: u.rawQuery,
      opaque: u.opaque,
      fragment: u.fragment,
      userinfo: u.user ? userString(u.user) : "",
    };
  }),
  urlJoin: define(["map"], (d) => {
    const dict = d ?? {};
    const userinfo = stringField(dict, "userinfo");
    let user: GoUrl["user"] = null;
    if (userinfo !== "") {
      try {
        user = parseUrl(`proto://${userinfo}@host`).user;
      } catch (error) {
        fail(`unable to parse userinfo in dict: ${(error as Error).message}`);
      }
    }
    return formatUrl({
      scheme: stringField(dict, "scheme"),
      host: stringField(dict, "host"),
      path: stringField(dict, "path"),
      rawQuery: stringField(dict, "query"),
      opaque: stringField(dict, "opaque"),
      fragment: stringField(dict, "fragment"),
      forceQuery: false,
      user,
    });
  }),
};
