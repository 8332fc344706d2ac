import type { FunctionMap } from "../template-function.ts";
import { define, fail } from "./define.ts";
import { marshalJson, parseJson } from "./go-json.ts";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * sprig's JSON functions: toJson (json.Marshal; errors give ""), toPrettyJson (2-space indent),
 * toRawJson (no HTML escaping; errors fail), fromJson (any JSON value; errors give nil) and the
 * must* variants that fail instead.
 */
export const jsonFunctions: FunctionMap = {
  toJson: define(["any"], (v) => {
    try {
      return marshalJson(v);
    } catch {
      return "";
    }
  }),
  mustToJson: define(["any"], (v) => {
    try {
      return marshalJson(v);
    } catch (error) {
      fail(message(error));
    }
  }),
  toPrettyJson: define(["any"], (v) => {
    try {
      return marshalJson(v, { indent: "  " });
    } catch {
      return "";
    }
  }),
  mustToPrettyJson: define(["any"], (v) => {
    try {
      return marshalJson(v, { indent: "  " });
    } catch (error) {
      fail(message(error));
    }
  }),
  toRawJson: define(["any"], (v) => {
    try {
      return marshalJson(v, { escapeHtml: false });
    } catch (error) {
      fail(message(error));
    }
  }),
  mustToRawJson: define(["any"], (v) => {
    try {
      return marshalJson(v, { escapeHtml: false });
    } catch (error) {
      fail(message(error));
    }
  }),
  fromJson: define(["string"], (s) => {
    try {
      return parseJson(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: define(["string"], (s) => {
    try {
      return parseJson(s);
    } catch (error) {
      fail(message(error));
    }
  }),
};
