import { describe, expect, test } from "bun:test";
import { schemaOf } from "../../scripts/config-schemas/go-schema.ts";
import { parseGoFile } from "../../scripts/config-schemas/go-types.ts";
import { mergeMinor } from "../../scripts/config-schemas/ranged-schema.ts";

/** What scripts/gen-config-schemas.ts reads upstream's types.go with, on Go written here. */
const TYPES = `package v1beta1

import (
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	logsapi "k8s.io/component-base/logs/api/v1"
)

// HairpinMode is a string; "//" in a comment and 'a' rune literals do not confuse the reader.
type HairpinMode string

/* A block comment with a } brace. */
type Thing struct {
	metav1.TypeMeta \`json:",inline"\`
	// url: "https://example.com/{a}"
	Mode HairpinMode \`json:"mode,omitempty"\`
	Enabled *bool \`json:"enabled,omitempty"\`
	Ports []int32 \`json:"ports"\`
	Labels map[string]string \`json:"labels,omitempty"\`
	Limits map[string][]Limit \`json:"limits,omitempty"\`
	Every metav1.Duration \`json:"every"\`
	Taints []v1.Taint \`json:"taints,omitempty"\`
	Logging logsapi.LoggingConfiguration \`json:"logging"\`
	Ratio *float64 \`json:"ratio,omitempty"\`
	Raw []byte \`json:"raw,omitempty"\`
	Hidden string \`json:"-"\`
	untagged string
	Shared \`json:",inline"\`
}

type Shared struct {
	Name string \`json:"name"\`
}

type Limit struct {
	Max int64 \`json:"max"\`
	Extra interface{} \`json:"extra"\`
}
`;

describe("gen-config-schemas: Go types to JSON schemas", () => {
  test("reads structs, pointers, lists, maps, inline embeds and named types; skips json:\"-\", untagged fields and TypeMeta; types from unread packages are any", () => {
    const file = parseGoFile(TYPES);
    expect(file.imports.get("logsapi")).toBe("k8s.io/component-base/logs/api/v1");
    expect([...file.structs.keys()]).toEqual(["Thing", "Shared", "Limit"]);
    const { schema, opaque } = schemaOf(new Map([["example/v1beta1", file]]), "example/v1beta1", "Thing");
    expect(schema).toEqual({
      type: "struct",
      fields: {
        mode: { type: "string" },
        enabled: { type: "bool" },
        ports: { type: "list", items: { type: "int" } },
        labels: { type: "map", values: { type: "string" } },
        limits: { type: "map", values: { type: "list", items: { type: "struct", fields: { max: { type: "int" }, extra: { type: "any" } } } } },
        every: { type: "duration" },
        taints: { type: "list", items: { type: "struct", fields: { key: { type: "string" }, value: { type: "string" }, effect: { type: "string" }, timeAdded: { type: "string" } } } },
        logging: { type: "any" },
        ratio: { type: "number" },
        raw: { type: "string" },
        name: { type: "string" },
      },
    });
    expect([...opaque]).toEqual(["k8s.io/component-base/logs/api/v1.LoggingConfiguration"]);
  });

  test("minors merged: a field new in a minor gets since, one gone gets until, nested too", () => {
    const v16 = { type: "struct", fields: { a: { type: "string" }, gone: { type: "int" }, nested: { type: "struct", fields: { x: { type: "bool" } } } } } as const;
    const v17 = { type: "struct", fields: { a: { type: "string" }, added: { type: "bool" }, nested: { type: "struct", fields: { x: { type: "bool" }, y: { type: "int" } } } } } as const;
    const merged = mergeMinor(mergeMinor(undefined, v16, 16), v17, 17);
    expect(merged).toEqual({
      type: "struct",
      fields: {
        a: { type: "string" },
        gone: { type: "int", until: 16 },
        nested: { type: "struct", fields: { x: { type: "bool" }, y: { type: "int", since: 17 } } },
        added: { type: "bool", since: 17 },
      },
    });
  });
});
