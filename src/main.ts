#!/usr/bin/env bun
import { runCli } from "./cli/run-cli.ts";

// A reader that went away (`lade … | head`) ends lade quietly, as SIGPIPE ends other tools.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(141);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
