import { defineCommand } from "citty";
import { mergeValueMaps, newMap } from "../../chart/coalesce-values.ts";
import { parseGoYaml } from "../../chart/parse-go-yaml.ts";
import { parseSetValues, SetValuesError } from "../../chart/parse-set-values.ts";
import { renderHelmTemplate } from "../../chart/render-helm-template.ts";
import { isGoMap, type GoValue } from "../../template/go-value.ts";
import { UsageError } from "../global-options.ts";
import { repeatedOption } from "../repeated-option.ts";

export const renderTemplateCommand = defineCommand({
  meta: {
    name: "template",
    description:
      "Render one Go text/template file with sprig's and Helm's functions (include, tpl, required, toYaml…) " +
      "and print the result; a missing key prints <no value>, as in Go",
  },
  args: {
    file: { type: "positional", description: "The template file", required: true },
    data: { type: "string", description: "JSON or YAML file whose content is the template's dot (repeatable; maps are merged, later wins)" },
    set: { type: "string", description: "Set a value in the data, Helm syntax: a.b=c,list[0]=x (repeatable)" },
  },
  async run({ args, rawArgs }) {
    const file = args.file as string;
    const text = await readText(file);
    let data: GoValue = newMap();
    for (const dataFile of repeatedOption(rawArgs, "data")) {
      const value = parseGoYaml(await readText(dataFile), dataFile);
      data = isGoMap(data) && isGoMap(value) ? mergeValueMaps(data, value) : value;
    }
    for (const set of repeatedOption(rawArgs, "set")) {
      if (!isGoMap(data)) throw new UsageError('Option "--set" needs the data to be a map');
      try {
        parseSetValues(set, data);
      } catch (error) {
        if (error instanceof SetValuesError) throw new UsageError(`Cannot parse --set "${set}": ${error.message}`);
        throw error;
      }
    }
    process.stdout.write(renderHelmTemplate(file, text, data));
  },
});

async function readText(path: string): Promise<string> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new UsageError(`Cannot read "${path}": no such file`);
  return file.text();
}
