import { describe, expect, test } from "bun:test";
import type { Instruction, KubefileParseOptions } from "../../src/kubefile/instruction.ts";
import { KubefileSyntaxError } from "../../src/kubefile/kubefile-syntax-error.ts";
import { parseKubefile } from "../../src/kubefile/parse-kubefile.ts";
import { UserInputError } from "../../src/util/source-location.ts";

const AMD64: KubefileParseOptions = { file: "Kubefile", platform: { os: "linux", architecture: "amd64" } };
const ARM64_V8: KubefileParseOptions["platform"] = { os: "linux", architecture: "arm64", variant: "v8" };

/** Every Kubefile needs a FROM first; most cases test the line after it. */
const FROM = "FROM scratch\n";

function parse(text: string, options: Partial<KubefileParseOptions> = {}): Instruction[] {
  return parseKubefile(text, { ...AMD64, ...options });
}

/** Instructions without location and text, to compare their fields. */
function fieldsOf(instructions: readonly Instruction[]): unknown[] {
  return instructions.map(({ location: _location, text: _text, ...fields }) => fields);
}

/** The fields of the instructions after `FROM scratch`. */
function parseAfterFrom(text: string, options: Partial<KubefileParseOptions> = {}): unknown[] {
  return fieldsOf(parse(FROM + text, options).slice(1));
}

/** The value of the label `v` that the Kubefile ends with, to observe variable expansion. */
function expandedLabel(prelude: string, word: string, options: Partial<KubefileParseOptions> = {}): string | undefined {
  const instructions = parse(`${prelude}\nLABEL v=${word}\n`, options);
  const label = instructions.findLast((instruction) => instruction.kind === "LABEL");
  return label?.kind === "LABEL" ? label.labels[0]?.[1] : undefined;
}

function parseError(text: string, options: Partial<KubefileParseOptions> = {}): KubefileSyntaxError {
  try {
    parse(text, options);
  } catch (error) {
    if (error instanceof KubefileSyntaxError) return error;
    throw error;
  }
  throw new Error("Expected a KubefileSyntaxError");
}

describe("parseKubefile()", () => {
  describe("parses every instruction form", () => {
    test.each<[string, string, unknown[]]>([
      ["FROM scratch", "FROM scratch", [{ kind: "FROM", image: "scratch" }]],
      ["FROM an image", "FROM docker.io/sealerio/kubernetes:v1.22.15", [{ kind: "FROM", image: "docker.io/sealerio/kubernetes:v1.22.15" }]],
      ["FROM a quoted image", 'FROM "registry.local/k8s:v1"', [{ kind: "FROM", image: "registry.local/k8s:v1" }]],
      ["FROM with --platform", "FROM --platform=linux/arm64 k8s:v1", [{ kind: "FROM", image: "k8s:v1", platform: "linux/arm64" }]],
      ["FROM with a quoted --platform", 'FROM --platform="linux/amd64" k8s:v1', [{ kind: "FROM", image: "k8s:v1", platform: "linux/amd64" }]],
    ])("%s", (_, text, expected) => {
      expect(fieldsOf(parse(text))).toEqual(expected);
    });

    test.each<[string, string, unknown[]]>([
      ["COPY one source", "COPY a /dst", [{ kind: "COPY", sources: ["a"], destination: "/dst" }]],
      ["COPY several sources", "COPY a b c /dst/", [{ kind: "COPY", sources: ["a", "b", "c"], destination: "/dst/" }]],
      ["COPY quoted paths", `COPY "a b" 'c d' /dst`, [{ kind: "COPY", sources: ["a b", "c d"], destination: "/dst" }]],
      ["COPY an escaped space", "COPY a\\ b /dst", [{ kind: "COPY", sources: ["a b"], destination: "/dst" }]],
      ["COPY JSON form", `COPY ["a b", "c", "/dst"]`, [{ kind: "COPY", sources: ["a b", "c"], destination: "/dst" }]],
      ["COPY JSON form without spaces", `COPY ["a","/dst"]`, [{ kind: "COPY", sources: ["a"], destination: "/dst" }]],
      ["COPY JSON keeps quotes literal", `COPY ["it's", "/dst"]`, [{ kind: "COPY", sources: ["it's"], destination: "/dst" }]],
      ["ADD a URL", "ADD https://example.com/a.tgz /opt", [{ kind: "ADD", sources: ["https://example.com/a.tgz"], destination: "/opt" }]],
      ["ADD several sources", "ADD a b /opt/", [{ kind: "ADD", sources: ["a", "b"], destination: "/opt/" }]],
      ["ADD JSON form", `ADD ["a", "/opt"]`, [{ kind: "ADD", sources: ["a"], destination: "/opt" }]],
      ["RUN shell form", "RUN echo hi && ls -l", [{ kind: "RUN", command: "echo hi && ls -l" }]],
      ["RUN exec form", `RUN ["sh", "-c", "echo $HOME"]`, [{ kind: "RUN", command: ["sh", "-c", "echo $HOME"] }]],
      ["RUN test brackets are shell form", "RUN [ -f /x ] && echo yes", [{ kind: "RUN", command: "[ -f /x ] && echo yes" }]],
      ["RUN non-string JSON is shell form", `RUN ["a", 1]`, [{ kind: "RUN", command: `["a", 1]` }]],
      ["RUN keeps quotes", `RUN echo "a  b" 'c'`, [{ kind: "RUN", command: `echo "a  b" 'c'` }]],
      ["RUN keeps a hash", "RUN echo a # not a comment", [{ kind: "RUN", command: "echo a # not a comment" }]],
      ["ARG without default", "ARG VERSION", [{ kind: "ARG", name: "VERSION" }]],
      ["ARG with default", "ARG VERSION=1.0", [{ kind: "ARG", name: "VERSION", defaultValue: "1.0", value: "1.0" }]],
      ["ARG with quoted default", `ARG NAME="a b"`, [{ kind: "ARG", name: "NAME", defaultValue: "a b", value: "a b" }]],
      ["ARG with empty default", "ARG EMPTY=", [{ kind: "ARG", name: "EMPTY", defaultValue: "", value: "" }]],
      [
        "ARG with several names",
        "ARG A=1 B",
        [
          { kind: "ARG", name: "A", defaultValue: "1", value: "1" },
          { kind: "ARG", name: "B" },
        ],
      ],
      ["ENV one pair", "ENV A=1", [{ kind: "ENV", variables: [["A", "1"]] }]],
      [
        "ENV several pairs with quotes",
        `ENV A=1 B="x y" C='$Z' D="say \\"hi\\""`,
        [{ kind: "ENV", variables: [["A", "1"], ["B", "x y"], ["C", "$Z"], ["D", 'say "hi"']] }],
      ],
      ["ENV escaped space", "ENV A=a\\ b", [{ kind: "ENV", variables: [["A", "a b"]] }]],
      ["ENV empty value", `ENV A= B=""`, [{ kind: "ENV", variables: [["A", ""], ["B", ""]] }]],
      ["ENV value with =", "ENV OPTS=a=b", [{ kind: "ENV", variables: [["OPTS", "a=b"]] }]],
      ["ENV legacy form", "ENV PATH_EXTRA /opt/bin:/usr/bin", [{ kind: "ENV", variables: [["PATH_EXTRA", "/opt/bin:/usr/bin"]] }]],
      ["ENV legacy form keeps spaces", "ENV GREETING hello   big  world", [{ kind: "ENV", variables: [["GREETING", "hello   big  world"]] }]],
      ["ENV legacy form with a quoted value", `ENV GREETING "hello world"`, [{ kind: "ENV", variables: [["GREETING", "hello world"]] }]],
      ["LABEL pairs", `LABEL a=b "k 2"="v 2"`, [{ kind: "LABEL", labels: [["a", "b"], ["k 2", "v 2"]] }]],
      ["LABEL dotted key", `LABEL io.example/version="1.0"`, [{ kind: "LABEL", labels: [["io.example/version", "1.0"]] }]],
      ["LABEL quoted key with =", `LABEL "a=b"=c`, [{ kind: "LABEL", labels: [["a=b", "c"]] }]],
      ["LABEL legacy form", "LABEL description a small image", [{ kind: "LABEL", labels: [["description", "a small image"]] }]],
      ["MAINTAINER", "MAINTAINER Jane Doe <jane@example.com>", [{ kind: "MAINTAINER", maintainer: "Jane Doe <jane@example.com>" }]],
      ["MAINTAINER quoted", `MAINTAINER "Jane  Doe"`, [{ kind: "MAINTAINER", maintainer: "Jane  Doe" }]],
      ["APP local source", "APP my-app local://manifests/app.yaml", [{ kind: "APP", name: "my-app", sources: ["local://manifests/app.yaml"] }]],
      [
        "APP several sources",
        "APP app_1.x local://a.yaml http://example.com/b.yaml HTTPS://example.com/c.yaml",
        [
          {
            kind: "APP",
            name: "app_1.x",
            sources: ["local://a.yaml", "http://example.com/b.yaml", "HTTPS://example.com/c.yaml"],
          },
        ],
      ],
      [
        "CNI",
        "CNI calico local://calico https://example.com/tigera.yaml",
        [{ kind: "CNI", name: "calico", sources: ["local://calico", "https://example.com/tigera.yaml"] }],
      ],
      ["CSI", "CSI openebs local://openebs", [{ kind: "CSI", name: "openebs", sources: ["local://openebs"] }]],
      [
        "APPCMDS",
        `APPCMDS my-app ["kubectl apply -f app.yaml", "echo $HOME"]`,
        [{ kind: "APPCMDS", app: "my-app", commands: ["kubectl apply -f app.yaml", "echo $HOME"] }],
      ],
      ["APPCMDS without spaces", `APPCMDS a ["x"]`, [{ kind: "APPCMDS", app: "a", commands: ["x"] }]],
      [
        "APPENV",
        `APPENV my-app NAMESPACE=kube-system REPLICAS="2" NOTE='a b'`,
        [{ kind: "APPENV", app: "my-app", variables: [["NAMESPACE", "kube-system"], ["REPLICAS", "2"], ["NOTE", "a b"]] }],
      ],
      ["KUBEVERSION range", "KUBEVERSION >=1.22", [{ kind: "KUBEVERSION", constraint: ">=1.22" }]],
      ["KUBEVERSION exact with v", "KUBEVERSION v1.27.3", [{ kind: "KUBEVERSION", constraint: "v1.27.3" }]],
      ["KUBEVERSION two comparators", "KUBEVERSION >=v1.22 <1.28", [{ kind: "KUBEVERSION", constraint: ">=v1.22 <1.28" }]],
      ["KUBEVERSION alternatives", "KUBEVERSION ~1.26 || ^1.28.0", [{ kind: "KUBEVERSION", constraint: "~1.26 || ^1.28.0" }]],
      ["KUBEVERSION quoted", `KUBEVERSION "1.27.x"`, [{ kind: "KUBEVERSION", constraint: "1.27.x" }]],
      ["LAUNCH JSON form", `LAUNCH ["calico", "my-app"]`, [{ kind: "LAUNCH", apps: ["calico", "my-app"] }]],
      ["LAUNCH shell form", "LAUNCH calico my-app", [{ kind: "LAUNCH", apps: ["calico", "my-app"] }]],
      ["CMDS", `CMDS ["kubectl apply -f a.yaml", "echo $HOME"]`, [{ kind: "CMDS", commands: ["kubectl apply -f a.yaml", "echo $HOME"] }]],
      ["CMD raw text", `CMD kubectl apply -f "$DIR"/a.yaml && echo done`, [{ kind: "CMD", command: `kubectl apply -f "$DIR"/a.yaml && echo done` }]],
      [
        "several CMD",
        "CMD a\nCMD b",
        [
          { kind: "CMD", command: "a" },
          { kind: "CMD", command: "b" },
        ],
      ],
    ])("%s", (_, text, expected) => {
      expect(parseAfterFrom(text)).toEqual(expected);
    });
  });

  test("leaves checking that apps exist to the build, since they may come from the base image", () => {
    const text = `APPENV base-app K=v\nAPPCMDS base-app ["x"]\nLAUNCH base-app`;
    expect(parseAfterFrom(text).map((fields) => (fields as Instruction).kind)).toEqual(["APPENV", "APPCMDS", "LAUNCH"]);
  });

  test("keeps no variables between calls", () => {
    parse("FROM scratch\nENV A=1");
    expect(expandedLabel("FROM scratch", "${A-unset}")).toBe("unset");
  });

  describe("matches keywords in any letter case", () => {
    test.each([
      ["from scratch", "FROM"],
      ["copy a b", "COPY"],
      ["Add a b", "ADD"],
      ["run x", "RUN"],
      ["arg A", "ARG"],
      ["env A=1", "ENV"],
      ["label a=b", "LABEL"],
      ["maintainer me", "MAINTAINER"],
      ["app a local://a", "APP"],
      ['appCmds a ["x"]', "APPCMDS"],
      ["appenv a K=V", "APPENV"],
      ["cni a local://a", "CNI"],
      ["Csi a local://a", "CSI"],
      ["kubeVersion >=1.22", "KUBEVERSION"],
      ["launch a", "LAUNCH"],
      ['cmds ["x"]', "CMDS"],
      ["cmd x", "CMD"],
    ])("%s", (text, kind) => {
      const kubefile = kind === "FROM" ? text : FROM + text;
      expect(parse(kubefile).at(-1)?.kind).toBe(kind as Instruction["kind"]);
    });
  });

  describe("locations and text", () => {
    test("points at each instruction's keyword", () => {
      const instructions = parse("# comment\n\nFROM scratch\n  COPY a b\n\tRUN x\n");
      expect(instructions.map((instruction) => instruction.location)).toEqual([
        { file: "Kubefile", line: 3, column: 1 },
        { file: "Kubefile", line: 4, column: 3 },
        { file: "Kubefile", line: 5, column: 2 },
      ]);
    });

    test("uses the file name from the options", () => {
      expect(parse("FROM scratch", { file: "dir/My.Kubefile" })[0]?.location.file).toBe("dir/My.Kubefile");
    });

    test("joins continuation lines into the text and points at the first line", () => {
      const [, copy] = parse("FROM scratch\nCOPY a \\\n  b \\\n  /dst\n");
      expect(copy).toEqual({
        kind: "COPY",
        sources: ["a", "b"],
        destination: "/dst",
        location: { file: "Kubefile", line: 2, column: 1 },
        text: "COPY a   b   /dst",
      });
    });

    test("joins without adding a space, as Docker does", () => {
      const [, run] = parse("FROM scratch\nRUN echo ab\\\ncd\n");
      expect(run).toMatchObject({ command: "echo abcd", text: "RUN echo abcd" });
    });

    test("accepts spaces after the continuation backslash", () => {
      const [, run] = parse("FROM scratch\nRUN a \\  \n b\n");
      expect(run).toMatchObject({ command: "a  b" });
    });

    test("skips comment and blank lines inside a continuation", () => {
      const [, run] = parse("FROM scratch\nRUN a \\\n# comment\n  # indented comment\n\n   \n  && b\n");
      expect(run).toMatchObject({ command: "a   && b", location: { line: 2, column: 1 } });
    });

    test("does not continue a comment ending in a backslash", () => {
      expect(parse("FROM scratch\n# comment \\\nRUN x\n").map((i) => i.kind)).toEqual(["FROM", "RUN"]);
    });

    test("treats parser directives and indented # lines as comments", () => {
      expect(parse("# escape=`\n# syntax=docker/dockerfile:1\n   # note\nFROM scratch\n")).toHaveLength(1);
    });

    test("trims the text", () => {
      expect(parse("  FROM   scratch   \n")[0]?.text).toBe("FROM   scratch");
    });

    test("reads Windows line endings and a byte order mark", () => {
      const instructions = parse("\uFEFFFROM scratch\r\nCOPY a \\\r\n b\r\n");
      expect(instructions[1]).toMatchObject({ sources: ["a"], destination: "b", location: { line: 2, column: 1 } });
    });

    test("gives every name of one ARG line the ARG's location and text", () => {
      const args = parse("ARG A=1 B=2\nFROM scratch").slice(0, 2);
      expect(args.map((arg) => [arg.location, arg.text])).toEqual([
        [{ file: "Kubefile", line: 1, column: 1 }, "ARG A=1 B=2"],
        [{ file: "Kubefile", line: 1, column: 1 }, "ARG A=1 B=2"],
      ]);
    });

    test("parses a complete Kubefile", () => {
      const kubefile = [
        "# A cluster image with an app",
        "ARG VERSION=v1.27.3",
        "FROM docker.io/sealerio/kubernetes:${VERSION}",
        "LABEL maintainer=ops",
        "ENV NAMESPACE=demo",
        "KUBEVERSION >=1.25",
        "COPY bin/${ARCH}/helm /usr/local/bin/",
        "RUN chmod +x /usr/local/bin/helm",
        "CNI calico local://cni/calico.yaml",
        "APP nginx local://apps/nginx",
        "APPENV nginx REPLICAS=2",
        `APPCMDS nginx ["helm install nginx . -n $NAMESPACE"]`,
        `LAUNCH ["calico", "nginx"]`,
      ].join("\n");
      expect(parse(kubefile, { platform: ARM64_V8 }).map((i) => i.kind)).toEqual([
        "ARG",
        "FROM",
        "LABEL",
        "ENV",
        "KUBEVERSION",
        "COPY",
        "RUN",
        "CNI",
        "APP",
        "APPENV",
        "APPCMDS",
        "LAUNCH",
      ]);
      expect(parse(kubefile, { platform: ARM64_V8 })[5]).toMatchObject({ sources: ["bin/arm64/helm"] });
    });
  });

  describe("expands variables", () => {
    test.each<[string, string, string, Partial<KubefileParseOptions>, string]>([
      ["$ARCH on amd64", "", "$ARCH", {}, "amd64"],
      ["${ARCH} on arm64", "", "${ARCH}", { platform: ARM64_V8 }, "arm64"],
      ["TARGETARCH", "", "$TARGETARCH", { platform: ARM64_V8 }, "arm64"],
      ["TARGETOS", "", "$TARGETOS", {}, "linux"],
      ["TARGETPLATFORM without variant", "", "$TARGETPLATFORM", {}, "linux/amd64"],
      ["TARGETPLATFORM with variant", "", "$TARGETPLATFORM", { platform: ARM64_V8 }, "linux/arm64/v8"],
      ["TARGETVARIANT", "", "$TARGETVARIANT", { platform: ARM64_V8 }, "v8"],
      ["TARGETVARIANT without variant is empty but set", "", "${TARGETVARIANT-unset}", {}, ""],
      ["a build arg cannot override ARCH", "ARG ARCH", "$ARCH", { buildArgs: { ARCH: "s390x" } }, "amd64"],
      ["an ARG default cannot override ARCH", "ARG ARCH=s390x", "$ARCH", {}, "amd64"],
      ["an undefined variable is empty", "", "a${NOPE}b$NOPE", {}, "ab"],
      ["an ARG default", "ARG A=1", "$A", {}, "1"],
      ["a build arg overrides the default", "ARG A=1", "$A", { buildArgs: { A: "2" } }, "2"],
      ["a build arg sets an ARG without default", "ARG A", "$A", { buildArgs: { A: "2" } }, "2"],
      ["an empty build arg", "ARG A=1", "${A-unset}", { buildArgs: { A: "" } }, ""],
      ["an undeclared build arg is ignored", "", "${B-unset}", { buildArgs: { B: "2" } }, "unset"],
      ["a build arg is ignored before its ARG", "", "${A-unset}\nARG A", { buildArgs: { A: "2" } }, "unset"],
      ["a build arg named like an Object method", "ARG toString", "${toString-unset}", {}, "unset"],
      ["an ARG without default is unset", "ARG A", "${A-unset}", {}, "unset"],
      ["an ARG default uses earlier ARGs", "ARG A=1\nARG B=${A}2", "$B", {}, "12"],
      ["one ARG line declares in order", "ARG A=1 B=${A}2", "$B", {}, "12"],
      ["a redeclared ARG keeps its value", "ARG A=1\nARG A", "$A", {}, "1"],
      ["a redeclared ARG with a default changes", "ARG A=1\nARG A=2", "$A", {}, "2"],
      ["ENV overrides ARG", "ARG A=1\nENV A=2", "$A", {}, "2"],
      ["ENV stays over a later ARG", "ENV A=2\nARG A=3", "$A", {}, "2"],
      ["ENV uses earlier ENV", "ENV A=1\nENV B=${A}2", "$B", {}, "12"],
      ["ENV legacy value", "ARG V=9\nENV A version $V", "$A", {}, "version 9"],
      [":- when unset", "", "${A:-d}", {}, "d"],
      [":- when empty", "ARG A=", "${A:-d}", {}, "d"],
      [":- when set", "ARG A=x", "${A:-d}", {}, "x"],
      ["- when unset", "", "${A-d}", {}, "d"],
      ["- when empty", "ARG A=", "${A-d}", {}, ""],
      [":+ when set", "ARG A=x", "${A:+alt}", {}, "alt"],
      [":+ when empty", "ARG A=", "${A:+alt}", {}, ""],
      [":+ when unset", "", "${A:+alt}", {}, ""],
      ["+ when empty", "ARG A=", "${A+alt}", {}, "alt"],
      ["+ when unset", "", "${A+alt}", {}, ""],
      ["a nested default", "ARG B=b", "${A:-${B}}", {}, "b"],
      ["a default with spaces", "", `"\${A:-a b}"`, {}, "a b"],
      ["an unquoted default with spaces stays one word", "", "${A:-a b}", {}, "a b"],
      ["a default with a quoted part", "", `\${A:-'x y'}`, {}, "x y"],
      ["a single quote inside a quoted default", "", `"\${A:-it's}"`, {}, "it's"],
      ["a name ends at a non-name character", "ARG A=x", "$A-y.$A/z", {}, "x-y.x/z"],
      ["a name takes underscores and digits", "ARG A_1=x", "$A_1", {}, "x"],
      ["braces separate a name from text", "ARG A=x", "${A}_1", {}, "x_1"],
      ["an escaped dollar is literal", "ARG A=x", "\\$A", {}, "$A"],
      ["single quotes are literal", "ARG A=x", "'$A ${A}'", {}, "$A ${A}"],
      ["double quotes expand", "ARG A=x", `"$A \${A}"`, {}, "x x"],
      ["an escaped dollar inside double quotes", "ARG A=x", `"\\$A"`, {}, "$A"],
      ["an escaped quote inside double quotes", "", `"a\\"b"`, {}, 'a"b'],
      ["other backslashes stay inside double quotes", "", `"a\\b"`, {}, "a\\b"],
      ["a backslash outside quotes escapes", "", "a\\b", {}, "ab"],
      ["a lone dollar is literal", "", `"a$ $"`, {}, "a$ $"],
      ["a positional parameter is never set, as in Docker", "", "a$1b${2}", {}, "ab"],
      ["a positional parameter takes a default", "", "${1:-x}", {}, "x"],
      ["a backtick is not escapable inside double quotes", "", '"\\`"', {}, "\\`"],
      ["a value is not split or re-expanded", "ARG A='$B c'", "$A", {}, "$B c"],
    ])("%s", (_, prelude, word, options, expected) => {
      expect(expandedLabel(`FROM scratch\n${prelude}`, word, options)).toBe(expected);
    });

    test("ENV does not see pairs of the same instruction, as in Docker", () => {
      expect(parseAfterFrom("ENV A=1 B=$A")).toEqual([{ kind: "ENV", variables: [["A", "1"], ["B", ""]] }]);
    });

    test("records the ARG value in effect", () => {
      const [arg] = parse("ARG A=1\nFROM scratch", { buildArgs: { A: "2" } });
      expect(arg).toMatchObject({ name: "A", defaultValue: "1", value: "2" });
    });

    test("records the platform's value for built-in ARGs", () => {
      const [arg] = parse("ARG TARGETARCH=x\nFROM scratch", { platform: ARM64_V8 });
      expect(arg).toMatchObject({ name: "TARGETARCH", defaultValue: "x", value: "arm64" });
    });

    test.each<[string, string, unknown]>([
      ["FROM image and platform", "ARG V=1\nFROM --platform=linux/$ARCH k8s:$V", { kind: "FROM", image: "k8s:1", platform: "linux/amd64" }],
      ["COPY sources and destination", "FROM scratch\nCOPY bin/$ARCH/a ${ARCH}.tgz /opt/$ARCH", { sources: ["bin/amd64/a", "amd64.tgz"], destination: "/opt/amd64" }],
      ["COPY JSON form", `FROM scratch\nCOPY ["bin/$ARCH", "\\\\$ARCH", "/opt/\${ARCH}"]`, { sources: ["bin/amd64", "$ARCH"], destination: "/opt/amd64" }],
      ["an instruction after FROM, with an ARG from before FROM", "ARG A=1\nFROM scratch\nLABEL v=$A", { labels: [["v", "1"]] }],
      ["ADD", "FROM scratch\nADD ${ARCH}.tgz /opt", { sources: ["amd64.tgz"] }],
      ["ENV keys and values", "ARG K=KEY\nFROM scratch\nENV ${K}_1=$ARCH", { variables: [["KEY_1", "amd64"]] }],
      ["LABEL keys", "ARG K=key\nFROM scratch\nLABEL $K=v", { labels: [["key", "v"]] }],
      ["MAINTAINER", "ARG WHO=ops\nFROM scratch\nMAINTAINER team $WHO", { maintainer: "team ops" }],
      ["APP name and sources", "ARG N=web\nFROM scratch\nAPP $N local://apps/$ARCH/$N", { name: "web", sources: ["local://apps/amd64/web"] }],
      ["CNI", "FROM scratch\nCNI calico local://cni/$ARCH", { sources: ["local://cni/amd64"] }],
      ["APPENV app and values", "ARG N=web\nFROM scratch\nAPPENV $N ARCH=$ARCH", { app: "web", variables: [["ARCH", "amd64"]] }],
      ["APPCMDS app only", `ARG N=web\nFROM scratch\nAPPCMDS $N ["echo $N \${ARCH}"]`, { app: "web", commands: ["echo $N ${ARCH}"] }],
      ["KUBEVERSION", "ARG KV=1.27\nFROM scratch\nKUBEVERSION >=$KV", { constraint: ">=1.27" }],
      ["LAUNCH shell form", "ARG N=web\nFROM scratch\nLAUNCH $N", { apps: ["web"] }],
      ["LAUNCH JSON form", `ARG N=web\nFROM scratch\nLAUNCH ["$N"]`, { apps: ["web"] }],
      ["not RUN shell form", "ARG A=1\nFROM scratch\nRUN echo $A ${ARCH}", { command: "echo $A ${ARCH}" }],
      ["not RUN exec form", `ARG A=1\nFROM scratch\nRUN ["echo", "$A"]`, { command: ["echo", "$A"] }],
      ["not CMDS", `ARG A=1\nFROM scratch\nCMDS ["echo $A"]`, { commands: ["echo $A"] }],
      ["not CMD", "ARG A=1\nFROM scratch\nCMD echo $A", { command: "echo $A" }],
    ])("in %s", (_, text, expected) => {
      expect(parse(text).at(-1)).toMatchObject(expected as object);
    });
  });

  describe("errors", () => {
    test("are KubefileSyntaxError and UserInputError with a location", () => {
      const error = parseError("FROM scratch\n  COPPY a b");
      expect(error).toBeInstanceOf(KubefileSyntaxError);
      expect(error).toBeInstanceOf(UserInputError);
      expect(error).toBeInstanceOf(SyntaxError);
      expect(error.name).toBe("KubefileSyntaxError");
      expect(error.location).toEqual({ file: "Kubefile", line: 2, column: 3 });
      expect(error.message).toBe('Kubefile:2:3: Unknown instruction "COPPY"');
    });

    test("use the file name from the options", () => {
      expect(parseError("FROM", { file: "build/Kubefile.arm" }).message).toStartWith("build/Kubefile.arm:1:1: ");
    });

    test.each([
      // file structure
      ["an empty file", "", "Kubefile:1:1: Empty Kubefile: it needs at least a FROM instruction"],
      ["only comments", "# nothing\n\n   \n", "Kubefile:1:1: Empty Kubefile: it needs at least a FROM instruction"],
      ["only ARG", "\nARG A=1\n", "Kubefile:2:1: Missing FROM instruction: a Kubefile must have one after its ARG instructions"],
      ["an instruction before FROM", "ARG A\nCOPY a b\nFROM x", "Kubefile:2:1: Cannot use COPY before FROM: only ARG may come before FROM"],
      ["LAUNCH before FROM", "LAUNCH a", "Kubefile:1:1: Cannot use LAUNCH before FROM: only ARG may come before FROM"],
      ["a second FROM", "FROM a\nRUN x\n  from b", "Kubefile:3:3: Cannot use a second FROM (first on line 1): multi-stage builds are not supported"],
      ["a continuation at the end of the file", FROM + "RUN a \\", 'Kubefile:2:7: Unexpected end of file after the line continuation "\\": the instruction is never finished'],
      [
        "a continuation followed only by comments",
        FROM + "RUN a \\\n  b \\\n# c\n\n",
        'Kubefile:3:5: Unexpected end of file after the line continuation "\\": the instruction is never finished',
      ],
      // keywords
      ["an unknown instruction", FROM + "COPPY a b", 'Kubefile:2:1: Unknown instruction "COPPY"'],
      ["an unknown instruction as written", FROM + "  coppy a b", 'Kubefile:2:3: Unknown instruction "coppy"'],
      ["an unknown instruction before FROM", "FORM x", 'Kubefile:1:1: Unknown instruction "FORM"'],
      ["a keyword glued to JSON", FROM + `RUN["x"]`, 'Kubefile:2:1: Unknown instruction "RUN["x"]"'],
      ["WORKDIR", FROM + "WORKDIR /x", 'Kubefile:2:1: Instruction "WORKDIR" is not supported in a Kubefile'],
      ["lower-case workdir", FROM + "workdir /x", 'Kubefile:2:1: Instruction "WORKDIR" is not supported in a Kubefile'],
      ["USER", FROM + "USER root", 'Kubefile:2:1: Instruction "USER" is not supported in a Kubefile'],
      ["ENTRYPOINT", FROM + `ENTRYPOINT ["x"]`, 'Kubefile:2:1: Instruction "ENTRYPOINT" is not supported in a Kubefile'],
      ["EXPOSE", FROM + "EXPOSE 80", 'Kubefile:2:1: Instruction "EXPOSE" is not supported in a Kubefile'],
      ["VOLUME", FROM + "VOLUME /data", 'Kubefile:2:1: Instruction "VOLUME" is not supported in a Kubefile'],
      ["SHELL", FROM + `SHELL ["bash"]`, 'Kubefile:2:1: Instruction "SHELL" is not supported in a Kubefile'],
      ["HEALTHCHECK", FROM + "HEALTHCHECK NONE", 'Kubefile:2:1: Instruction "HEALTHCHECK" is not supported in a Kubefile'],
      ["ONBUILD", FROM + "ONBUILD RUN x", 'Kubefile:2:1: Instruction "ONBUILD" is not supported in a Kubefile'],
      ["STOPSIGNAL", FROM + "STOPSIGNAL SIGTERM", 'Kubefile:2:1: Instruction "STOPSIGNAL" is not supported in a Kubefile'],
      ["an unsupported instruction before FROM", "WORKDIR /x", 'Kubefile:1:1: Instruction "WORKDIR" is not supported in a Kubefile'],
      // FROM
      ["FROM without image", "FROM", 'Kubefile:1:1: FROM requires an image or "scratch"'],
      ["FROM with only a flag", "FROM --platform=linux/amd64", 'Kubefile:1:1: FROM requires an image or "scratch"'],
      ["FROM AS", "FROM k8s AS base", 'Kubefile:1:10: Cannot name the stage with "AS": a Kubefile has exactly one stage'],
      ["FROM with two images", "FROM a b", 'Kubefile:1:8: Unexpected argument "b": FROM takes one image'],
      ["FROM with an unknown flag", "FROM --foo=1 a", 'Kubefile:1:6: Unsupported flag "--foo" for FROM: only "--platform" is allowed'],
      ["FROM --platform without value", "FROM --platform linux/amd64 a", 'Kubefile:1:6: Missing value for flag "--platform": write --platform=<os>/<arch>'],
      ["FROM with an empty image", "FROM $NOPE", 'Kubefile:1:6: Image "$NOPE" is empty after variable expansion'],
      ["FROM with an empty platform", "FROM --platform=$NOPE a", 'Kubefile:1:6: Platform "--platform=$NOPE" is empty after variable expansion'],
      // COPY and ADD
      ["COPY --chown", FROM + "COPY --chown=1000:1000 a /b", 'Kubefile:2:6: Unsupported flag "--chown" for COPY: flags are not supported in a Kubefile'],
      ["COPY --from", FROM + "COPY --from=builder /a /b", 'Kubefile:2:6: Unsupported flag "--from" for COPY: flags are not supported in a Kubefile'],
      ["COPY flag before JSON", FROM + `COPY --link ["a", "b"]`, 'Kubefile:2:6: Unsupported flag "--link" for COPY: flags are not supported in a Kubefile'],
      ["ADD --checksum", FROM + "add --checksum=sha256:x a /b", 'Kubefile:2:5: Unsupported flag "--checksum" for ADD: flags are not supported in a Kubefile'],
      ["COPY without arguments", FROM + "COPY", "Kubefile:2:1: COPY requires at least one source and a destination"],
      ["COPY with one argument", FROM + "COPY a", "Kubefile:2:1: COPY requires at least one source and a destination"],
      ["COPY JSON with one element", FROM + `COPY ["a"]`, "Kubefile:2:1: COPY requires at least one source and a destination"],
      ["ADD with one argument", FROM + "ADD a", "Kubefile:2:1: ADD requires at least one source and a destination"],
      ["COPY an empty source", FROM + "COPY $NOPE /b", 'Kubefile:2:6: Source "$NOPE" is empty after variable expansion'],
      ["COPY an empty destination", FROM + "COPY a ${NOPE}", 'Kubefile:2:8: Destination "${NOPE}" is empty after variable expansion'],
      ["COPY an empty JSON source", FROM + `COPY ["$NOPE", "/b"]`, 'Kubefile:2:7: Source "$NOPE" is empty after variable expansion'],
      ["COPY unterminated JSON", FROM + `COPY ["a", "b"`, 'Kubefile:2:15: Unterminated JSON array: missing "]"'],
      ["COPY JSON without comma", FROM + `COPY ["a" "b"]`, 'Kubefile:2:11: Expected "," or "]" in the JSON array'],
      ["COPY JSON number", FROM + `COPY ["a", 1]`, "Kubefile:2:12: Expected a string in the JSON array"],
      ["COPY JSON trailing comma", FROM + `COPY ["a",]`, "Kubefile:2:11: Expected a string in the JSON array"],
      ["COPY JSON then text", FROM + `COPY ["a", "b"] c`, "Kubefile:2:17: Unexpected text after the JSON array"],
      ["COPY JSON bad escape", FROM + `COPY ["a\\q", "b"]`, 'Kubefile:2:7: Invalid JSON string "a\\q"'],
      ["COPY JSON unterminated string", FROM + `COPY ["a", "b]`, "Kubefile:2:12: Unterminated string in the JSON array"],
      ["COPY JSON unterminated variable", FROM + `COPY ["\${A", "b"]`, 'Kubefile:2:7: Unterminated variable reference "${A": missing "}"'],
      // quotes and variables
      ["an unterminated double quote", FROM + `COPY "a b /c`, "Kubefile:2:6: Unterminated double-quoted string"],
      ["an unterminated single quote", FROM + "COPY a 'b /c", "Kubefile:2:8: Unterminated single-quoted string"],
      ["an unterminated quote in ENV", FROM + `ENV A="x`, "Kubefile:2:7: Unterminated double-quoted string"],
      ["an unterminated quote in a legacy ENV", FROM + `ENV A "x`, "Kubefile:2:7: Unterminated double-quoted string"],
      ["an unterminated ${", FROM + "COPY ${A /c", 'Kubefile:2:6: Unterminated variable reference "${A /c": missing "}"'],
      ["an unterminated ${ with modifier", FROM + "COPY a${A:-x /c", 'Kubefile:2:7: Unterminated variable reference "${A:-x /c": missing "}"'],
      ["an unterminated nested ${", FROM + "COPY ${A:-${B} /c", 'Kubefile:2:6: Unterminated variable reference "${A:-${B}": missing "}"'],
      ["an unsupported modifier", FROM + "COPY ${A?x} /c", 'Kubefile:2:9: Unsupported modifier "?" in "${A?x}": use ":-", "-", ":+" or "+"'],
      ["an unsupported : modifier", FROM + "COPY ${A:?x} /c", 'Kubefile:2:9: Unsupported modifier ":?" in "${A:?x}": use ":-", "-", ":+" or "+"'],
      ["a pattern modifier", FROM + "COPY ${A#x} /c", 'Kubefile:2:9: Unsupported modifier "#" in "${A#x}": use ":-", "-", ":+" or "+"'],
      ["an empty variable name", FROM + "COPY ${} /c", 'Kubefile:2:6: Missing variable name in "${}"'],
      ["a space before the variable name", FROM + "COPY a${ A} /c", 'Kubefile:2:7: Missing variable name in "${ A}"'],
      ["a dot in a variable name", FROM + "COPY ${A.b} /c", 'Kubefile:2:9: Unsupported modifier "." in "${A.b}": use ":-", "-", ":+" or "+"'],
      ["a bad variable inside double quotes", FROM + `LABEL a="\${A"`, 'Kubefile:2:10: Unterminated variable reference "${A"": missing "}"'],
      ["a bad variable in MAINTAINER", FROM + "MAINTAINER ${A", 'Kubefile:2:12: Unterminated variable reference "${A": missing "}"'],
      // RUN, CMD
      ["RUN without command", FROM + "RUN", "Kubefile:2:1: RUN requires a command"],
      ["RUN with spaces only", FROM + "RUN    ", "Kubefile:2:1: RUN requires a command"],
      ["RUN with an empty JSON array", FROM + "RUN [ ]", "Kubefile:2:1: RUN requires a command: the JSON array is empty"],
      ["CMD without command", FROM + "CMD", "Kubefile:2:1: CMD requires a command"],
      // ARG
      ["ARG without name", "ARG", "Kubefile:1:1: ARG requires a name"],
      ["ARG with a bad name", "ARG 1A=x", 'Kubefile:1:5: Invalid ARG name "1A": use letters, digits and "_", not starting with a digit'],
      ["ARG with a dash", "ARG A B-C=1", 'Kubefile:1:7: Invalid ARG name "B-C": use letters, digits and "_", not starting with a digit'],
      ["ARG with an empty name", "ARG =1", 'Kubefile:1:5: Invalid ARG name "": use letters, digits and "_", not starting with a digit'],
      // ENV, LABEL
      ["ENV without pairs", FROM + "ENV", "Kubefile:2:1: ENV requires KEY=VALUE pairs"],
      ["ENV legacy without value", FROM + "ENV A", 'Kubefile:2:5: Missing value for "A": write ENV A=<value>'],
      ["ENV pair without =", FROM + "ENV A=1 B", 'Kubefile:2:9: Missing "=" in "B": write KEY=VALUE'],
      ["ENV empty key", FROM + "ENV =1", 'Kubefile:2:5: Empty key in "=1"'],
      ["ENV key empty after expansion", FROM + "ENV A=1 ${NOPE}=2", 'Kubefile:2:9: Empty key in "${NOPE}=2"'],
      ["ENV bad name", FROM + "ENV A-B=1", 'Kubefile:2:5: Invalid variable name "A-B": use letters, digits and "_", not starting with a digit'],
      ["ENV bad legacy name", FROM + "ENV 9A x", 'Kubefile:2:5: Invalid variable name "9A": use letters, digits and "_", not starting with a digit'],
      ["ENV ARCH", FROM + "ENV ARCH=arm64", 'Kubefile:2:5: Cannot set "ARCH": it is a built-in variable taken from the target platform'],
      ["ENV TARGETPLATFORM", FROM + "ENV A=1 TARGETPLATFORM=x", 'Kubefile:2:9: Cannot set "TARGETPLATFORM": it is a built-in variable taken from the target platform'],
      ["LABEL without pairs", FROM + "LABEL", "Kubefile:2:1: LABEL requires key=value pairs"],
      ["LABEL empty key", FROM + "LABEL a=b =c", 'Kubefile:2:11: Empty key in "=c"'],
      ["LABEL empty quoted key", FROM + `LABEL ""=c`, 'Kubefile:2:7: Empty key in """=c"'],
      ["LABEL legacy without value", FROM + "LABEL k", 'Kubefile:2:7: Missing value for "k": write LABEL k=<value>'],
      ["LABEL pair without =", FROM + "LABEL a=b c", 'Kubefile:2:11: Missing "=" in "c": write KEY=VALUE'],
      // MAINTAINER
      ["MAINTAINER without name", FROM + "MAINTAINER", "Kubefile:2:1: MAINTAINER requires a name"],
      ["MAINTAINER empty after expansion", FROM + "MAINTAINER $NOPE", 'Kubefile:2:12: Maintainer "$NOPE" is empty after variable expansion'],
      // APP, CNI, CSI
      ["APP without arguments", FROM + "APP", "Kubefile:2:1: APP requires a name and at least one source"],
      ["APP without source", FROM + "APP a", "Kubefile:2:1: APP requires a name and at least one source"],
      ["CNI without source", FROM + "CNI calico", "Kubefile:2:1: CNI requires a name and at least one source"],
      ["CSI without source", FROM + "csi x", "Kubefile:2:1: CSI requires a name and at least one source"],
      [
        "APP with ..",
        FROM + "APP .. local://a",
        'Kubefile:2:5: Invalid app name "..": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      [
        "APP with a slash",
        FROM + "APP a/b local://a",
        'Kubefile:2:5: Invalid app name "a/b": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      [
        "APP with upper case",
        FROM + "APP MyApp local://a",
        'Kubefile:2:5: Invalid app name "MyApp": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      [
        "APP ending in a dash",
        FROM + "APP app- local://a",
        'Kubefile:2:5: Invalid app name "app-": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      ["APP with an empty name", FROM + "APP $NOPE local://a", 'Kubefile:2:5: App name "$NOPE" is empty after variable expansion'],
      ["APP with a bare path", FROM + "APP a ./manifests", 'Kubefile:2:7: Unsupported source "./manifests": use a "local://", "http://" or "https://" URL'],
      ["APP with oss://", FROM + "APP a local://x oss://bucket/a", 'Kubefile:2:17: Unsupported source "oss://bucket/a": use a "local://", "http://" or "https://" URL'],
      ["APP with helm://", FROM + "APP a helm://chart", 'Kubefile:2:7: Unsupported source "helm://chart": use a "local://", "http://" or "https://" URL'],
      ["APP with an empty local path", FROM + "APP a local://", 'Kubefile:2:7: Empty path in source "local://"'],
      ["APP with an invalid URL", FROM + "APP a http://", 'Kubefile:2:7: Invalid URL "http://"'],
      ["APP with an empty source", FROM + "APP a $NOPE", 'Kubefile:2:7: Source "$NOPE" is empty after variable expansion'],
      // APPCMDS
      ["APPCMDS without arguments", FROM + "APPCMDS", `Kubefile:2:1: APPCMDS requires an app name and a JSON array of commands, e.g. APPCMDS my-app ["kubectl apply -f app.yaml"]`],
      ["APPCMDS without commands", FROM + "APPCMDS a", `Kubefile:2:1: APPCMDS requires an app name and a JSON array of commands, e.g. APPCMDS my-app ["kubectl apply -f app.yaml"]`],
      ["APPCMDS without app", FROM + `APPCMDS ["x"]`, `Kubefile:2:1: APPCMDS requires an app name and a JSON array of commands, e.g. APPCMDS my-app ["kubectl apply -f app.yaml"]`],
      ["APPCMDS shell form", FROM + "APPCMDS a echo hi", `Kubefile:2:11: APPCMDS requires an app name and a JSON array of commands, e.g. APPCMDS my-app ["kubectl apply -f app.yaml"]`],
      ["APPCMDS empty array", FROM + "APPCMDS a []", "Kubefile:2:11: APPCMDS requires at least one command"],
      ["APPCMDS empty command", FROM + `APPCMDS a ["x", " "]`, "Kubefile:2:17: Empty command in APPCMDS"],
      ["APPCMDS bad JSON", FROM + `APPCMDS a ["x",`, 'Kubefile:2:16: Unterminated JSON array: missing "]"'],
      [
        "APPCMDS bad app name",
        FROM + `APPCMDS ../a ["x"]`,
        'Kubefile:2:9: Invalid app name "../a": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      // APPENV
      ["APPENV without arguments", FROM + "APPENV", "Kubefile:2:1: APPENV requires an app name and KEY=VALUE pairs"],
      ["APPENV without pairs", FROM + "APPENV a", "Kubefile:2:1: APPENV requires KEY=VALUE pairs after the app name"],
      ["APPENV legacy form", FROM + "APPENV a K v", 'Kubefile:2:10: Missing "=" in "K": write KEY=VALUE'],
      ["APPENV bad name", FROM + "APPENV a 1K=v", 'Kubefile:2:10: Invalid variable name "1K": use letters, digits and "_", not starting with a digit'],
      ["APPENV empty key", FROM + "APPENV a K=1 =v", 'Kubefile:2:14: Empty key in "=v"'],
      [
        "APPENV bad app name",
        FROM + "APPENV A/b K=v",
        'Kubefile:2:8: Invalid app name "A/b": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      // KUBEVERSION
      ["KUBEVERSION without constraint", FROM + "KUBEVERSION", 'Kubefile:2:1: KUBEVERSION requires a version constraint, e.g. ">=1.22"'],
      ["KUBEVERSION not semver", FROM + "KUBEVERSION latest", 'Kubefile:2:13: Invalid Kubernetes version constraint "latest": use a semver range such as ">=1.22" or "v1.27.3"'],
      ["KUBEVERSION four numbers", FROM + "KUBEVERSION 1.2.3.4", 'Kubefile:2:13: Invalid Kubernetes version constraint "1.2.3.4": use a semver range such as ">=1.22" or "v1.27.3"'],
      ["KUBEVERSION empty after expansion", FROM + "KUBEVERSION $NOPE", 'Kubefile:2:13: Invalid Kubernetes version constraint "": use a semver range such as ">=1.22" or "v1.27.3"'],
      // LAUNCH, CMDS
      ["LAUNCH without apps", FROM + "LAUNCH", "Kubefile:2:1: LAUNCH requires at least one app name"],
      ["LAUNCH empty array", FROM + "LAUNCH []", "Kubefile:2:1: LAUNCH requires at least one app name"],
      ["LAUNCH twice the same app", FROM + "LAUNCH a b a", 'Kubefile:2:12: App "a" is listed twice in LAUNCH'],
      [
        "LAUNCH bad app name",
        FROM + `LAUNCH ["a", "B"]`,
        'Kubefile:2:14: Invalid app name "B": use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ],
      ["LAUNCH bad JSON", FROM + `LAUNCH ["a"`, 'Kubefile:2:12: Unterminated JSON array: missing "]"'],
      ["CMDS without commands", FROM + "CMDS", `Kubefile:2:1: CMDS requires a JSON array of commands, e.g. CMDS ["kubectl apply -f app.yaml"]`],
      ["CMDS shell form", FROM + "CMDS echo hi", `Kubefile:2:6: CMDS requires a JSON array of commands, e.g. CMDS ["kubectl apply -f app.yaml"]`],
      ["CMDS empty array", FROM + "CMDS []", "Kubefile:2:6: CMDS requires at least one command"],
      ["CMDS empty command", FROM + `CMDS [""]`, "Kubefile:2:7: Empty command in CMDS"],
      ["CMDS bad JSON", FROM + `CMDS ["a" 'b']`, 'Kubefile:2:11: Expected "," or "]" in the JSON array'],
      // order of LAUNCH, CMDS, CMD
      ["an instruction after LAUNCH", FROM + "LAUNCH a\nCOPY a b", "Kubefile:3:1: Cannot use COPY after LAUNCH (line 2): LAUNCH must be the last instruction"],
      ["a second LAUNCH", FROM + "LAUNCH a\nLAUNCH b", "Kubefile:3:1: Cannot use LAUNCH after LAUNCH (line 2): LAUNCH must be the last instruction"],
      ["CMDS after LAUNCH", FROM + `LAUNCH a\nCMDS ["x"]`, "Kubefile:3:1: Cannot use CMDS after LAUNCH (line 2): LAUNCH must be the last instruction"],
      ["LAUNCH after CMDS", FROM + `CMDS ["x"]\n\nLAUNCH a`, "Kubefile:4:1: Cannot use LAUNCH after CMDS (line 2): CMDS must be the last instruction"],
      ["a second CMDS", FROM + `CMDS ["x"]\nCMDS ["y"]`, "Kubefile:3:1: Cannot use CMDS after CMDS (line 2): CMDS must be the last instruction"],
      ["CMD after LAUNCH", FROM + "LAUNCH a\nCMD x", "Kubefile:3:1: Cannot use CMD after LAUNCH (line 2): LAUNCH must be the last instruction"],
      ["CMD after CMDS", FROM + `CMDS ["x"]\nCMD y`, "Kubefile:3:1: Cannot use CMD after CMDS (line 2): CMDS must be the last instruction"],
      ["CMD before LAUNCH", FROM + "CMD x\nCMD y\nLAUNCH a", "Kubefile:4:1: Cannot use LAUNCH together with the deprecated CMD (line 2): use only LAUNCH or CMDS"],
      ["CMD before CMDS", FROM + `CMD x\nCMDS ["y"]`, "Kubefile:3:1: Cannot use CMDS together with the deprecated CMD (line 2): use only LAUNCH or CMDS"],
      // positions inside continuations
      ["a flag on a continuation line", FROM + "COPY \\\n   --chown=1 a b", 'Kubefile:3:4: Unsupported flag "--chown" for COPY: flags are not supported in a Kubefile'],
      ["a word on a continuation line", FROM + "COPY a \\\n  # comment\n  $NOPE", 'Kubefile:4:3: Destination "$NOPE" is empty after variable expansion'],
      ["a keyword error in a continued line", FROM + "  COPY \\\n  a", "Kubefile:2:3: COPY requires at least one source and a destination"],
      ["an error after tabs", FROM + "\tENV\tA=1\t=2", 'Kubefile:2:10: Empty key in "=2"'],
    ])("for %s", (_, text, message) => {
      expect(parseError(text).message).toBe(message);
    });

    test("report the first error in the file", () => {
      expect(parseError("FROM a\nCOPPY\nWORKDIR /x").message).toBe('Kubefile:2:1: Unknown instruction "COPPY"');
    });

    test("report build args only through declared ARGs", () => {
      expect(parseError("FROM $IMAGE", { buildArgs: { IMAGE: "k8s" } }).message).toBe(
        'Kubefile:1:6: Image "$IMAGE" is empty after variable expansion',
      );
    });
  });
});
