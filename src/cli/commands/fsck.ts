import { defineCommand } from "citty";
import { checkStore } from "../../store/check-store.ts";
import { openStore } from "../command-context.ts";
import { printJson } from "../output.ts";

export const fsckCommand = defineCommand({
  meta: {
    name: "fsck",
    description: "Re-hash every blob in the store and check that every image has all its blobs; exits 1 on any problem",
  },
  args: {
    json: { type: "boolean", description: 'Print {"checkedBlobs", "problems": [{"digest","problem","images","actual"}]}' },
  },
  async run({ args }) {
    const store = await openStore();
    const result = await checkStore(store);
    if (args.json) printJson(result);
    else {
      for (const problem of result.problems) {
        if (problem.problem === "corrupt") console.log(`corrupt  ${problem.digest}  (content hashes to ${problem.actual})`);
        else console.log(`missing  ${problem.digest}  (needed by ${problem.images.join(", ")})`);
      }
      console.log(`Checked ${result.checkedBlobs} blobs: ${result.problems.length === 0 ? "no problems" : `${result.problems.length} problems`}`);
    }
    if (result.problems.length > 0) process.exitCode = 1;
  },
});
