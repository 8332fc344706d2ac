import { BUILTIN_FUNCTIONS } from "./builtin-functions.ts";
import { engineFunctionsOf, type EngineFunction } from "./engine-function.ts";
import { executeTemplate, type ExecEnvironment } from "./execute-template.ts";
import type { GoValue } from "./go-value.ts";
import { isEmptyTree, parseTemplate, type ParsedTemplate } from "./parse-template.ts";
import { quoteGoString } from "./quote-go-string.ts";
import { TemplateError } from "./template-error.ts";
import type { FunctionMap, TemplateRuntime } from "./template-function.ts";

/** How a set parses and runs its templates. */
export interface TemplateSetOptions {
  /** Functions on top of the builtins (a name here hides a builtin of the same name, as in Go). */
  readonly functions?: FunctionMap;
  /** Go's missingkey option: a missing map key prints `<no value>`, gives the zero value, or fails. */
  readonly missingKey?: "default" | "zero" | "error";
  /** Helm: "<no value>" is removed from what `execute` and `tpl` return (not from `include`'s, as in Helm). */
  readonly helmNoValue?: boolean;
  /** The set's own name (Go's root template): `tpl` parses under it, messages name it. Default "gotpl", as Helm. */
  readonly name?: string;
}

/** Shared by a set and its clones, so a runtime made by one sees the others executing. */
interface SharedState {
  /** Sets executing right now, innermost last: include/tpl act on the innermost. */
  readonly active: TemplateSet[];
}

/**
 * A set of named Go templates sharing functions and options — Go's *template.Template with its
 * associated templates. `parse` adds the text under its name and every `{{define}}` in it; a
 * later definition of a name replaces the earlier one (an empty body never replaces one).
 *
 * @example
 * const set = new TemplateSet();
 * set.parse("t", `{{define "name"}}{{.}}!{{end}}Hello {{template "name" .who}}`);
 * set.execute("t", { who: "you" }); // "Hello you!"
 */
export class TemplateSet {
  readonly #templates: Map<string, ParsedTemplate>;
  readonly #options: TemplateSetOptions;
  readonly #functions: Map<string, EngineFunction>;
  #shared: SharedState;
  readonly #env: ExecEnvironment;

  constructor(options: TemplateSetOptions = {}) {
    this.#options = options;
    this.#templates = new Map();
    this.#functions = engineFunctionsOf(options.functions ?? {});
    this.#shared = { active: [] };
    this.#env = this.#environment();
  }

  /**
   * Parses `text` as the template `name`, adding the templates it defines.
   * @throws {TemplateError} `template: NAME:LINE: …` when the text does not parse
   */
  parse(name: string, text: string): void {
    this.#parse(name, text);
  }

  /** Adds the templates of `text` (Go's AddParseTree) and returns its own body, kept or not. */
  #parse(name: string, text: string): ParsedTemplate {
    const trees = parseTemplate(name, text, (fn) => this.#functions.has(fn) || BUILTIN_FUNCTIONS.has(fn));
    for (const [treeName, tree] of trees) {
      const old = this.#templates.get(treeName);
      if (old && isEmptyTree(tree.root)) continue;
      this.#templates.set(treeName, tree);
    }
    return trees.get(name)!;
  }

  has(name: string): boolean {
    return this.#templates.has(name);
  }

  /** The names of the templates in the set, sorted. */
  names(): string[] {
    return [...this.#templates.keys()].sort();
  }

  /**
   * Executes the template `name` with `data` as dot and `$`.
   * @throws {TemplateError} `template: NAME:LINE:COL: executing "NAME" at <…>: …`
   */
  execute(name: string, data: GoValue): string {
    const template = this.#lookup(name);
    return this.#strip(this.#execute(template, data));
  }

  #execute(template: ParsedTemplate, data: GoValue): string {
    this.#shared.active.push(this);
    try {
      return executeTemplate(this.#env, template, data);
    } finally {
      this.#shared.active.pop();
    }
  }

  /** Helm removes "<no value>" from a rendered file and from tpl's result, not from include's. */
  #strip(output: string): string {
    return this.#options.helmNoValue ? output.replaceAll("<no value>", "") : output;
  }

  #lookup(name: string): ParsedTemplate {
    const template = this.#templates.get(name);
    if (template) return template;
    throw new TemplateError(
      `template: no template ${quoteGoString(name)} associated with template ${quoteGoString(this.#name())}`,
      { location: { file: name, line: 1, column: 1 }, templateName: name, phase: "exec" },
    );
  }

  /** An independent copy: parsing into it does not change this set. */
  clone(): TemplateSet {
    const copy = new TemplateSet(this.#options);
    for (const [name, tree] of this.#templates) copy.#templates.set(name, tree);
    copy.#shared = this.#shared;
    return copy;
  }

  /** include and tpl for Helm's functions, acting on whichever set of this family is executing. */
  runtime(): TemplateRuntime {
    const current = (): TemplateSet => this.#shared.active.at(-1) ?? this;
    return {
      include: (name, data) => {
        const set = current();
        return set.#execute(set.#lookup(name), data);
      },
      tpl: (text, data) => {
        // Helm: parent.Clone(), then t.New(parent.Name()).Parse(text).Execute(…): the new body
        // runs even when it is empty and the name keeps its old template.
        const base = current();
        const copy = base.clone();
        return copy.#strip(copy.#execute(copy.#parse(base.#name(), text), data));
      },
    };
  }

  #name(): string {
    return this.#options.name ?? "gotpl";
  }

  #environment(): ExecEnvironment {
    return {
      missingKey: this.#options.missingKey ?? "default",
      lookup: (name) => this.#templates.get(name),
      findFunction: (name) => {
        const fn = this.#functions.get(name);
        if (fn) return { fn, builtin: false };
        const builtin = BUILTIN_FUNCTIONS.get(name);
        return builtin ? { fn: builtin, builtin: true } : undefined;
      },
    };
  }
}
