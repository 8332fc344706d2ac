import { defineCommand } from "citty";
import { ladeVersion } from "../version-info.ts";
import { printJson } from "../output.ts";

export const versionCommand = defineCommand({
  meta: { name: "version", description: "Print lade's version, git commit and platform" },
  args: {
    json: { type: "boolean", description: 'Print {"version","commit","platform","bun"}' },
  },
  async run({ args }) {
    const info = await ladeVersion();
    if (args.json) return printJson(info);
    console.log(`lade ${info.version} (commit ${info.commit}, ${info.platform}, bun ${info.bun})`);
  },
});
