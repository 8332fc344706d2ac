import type { FunctionMap } from "../template-function.ts";
import { cryptoFunctions } from "./crypto-functions.ts";
import { dateFunctions } from "./date-functions.ts";
import { defaultFunctions } from "./default-functions.ts";
import { define, fail } from "./define.ts";
import { dictFunctions } from "./dict-functions.ts";
import { encodingFunctions } from "./encoding-functions.ts";
import { envFunctions } from "./env-functions.ts";
import { jsonFunctions } from "./json-functions.ts";
import { listFunctions } from "./list-functions.ts";
import { mathFunctions } from "./math-functions.ts";
import { pathFunctions } from "./path-functions.ts";
import { randomFunctions } from "./random-functions.ts";
import { reflectFunctions } from "./reflect-functions.ts";
import { regexFunctions } from "./regex-functions.ts";
import { semverFunctions } from "./semver-functions.ts";
import { stringFunctions } from "./string-functions.ts";
import { urlFunctions } from "./url-functions.ts";

/** Functions with no better home: hello, fail, getHostByName. */
const miscFunctions: FunctionMap = {
  hello: define([], () => "Hello!"),
  fail: define(["string"], (message) => fail(message)),
  getHostByName: define(["string"], (name) =>
    fail(`getHostByName ${JSON.stringify(name)}: DNS lookups are not supported (templates render without network access)`),
  ),
};

/**
 * sprig v3's TxtFuncMap (Masterminds/sprig 3.2, plus sha512sum from 3.3), implemented over the
 * value model of go-value.ts. `env` and `expandenv` read an empty environment here; use
 * `envFunctions(env)` to inject one. The README's "Template functions" section lists every
 * function with its status.
 */
export const sprigFunctions: FunctionMap = {
  ...stringFunctions,
  ...listFunctions,
  ...dictFunctions,
  ...mathFunctions,
  ...defaultFunctions,
  ...jsonFunctions,
  ...reflectFunctions,
  ...encodingFunctions,
  ...cryptoFunctions,
  ...randomFunctions,
  ...dateFunctions,
  ...semverFunctions,
  ...regexFunctions,
  ...pathFunctions,
  ...urlFunctions,
  ...envFunctions(),
  ...miscFunctions,
};
