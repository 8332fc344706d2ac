import { afterAll, setDefaultTimeout } from "bun:test";
import { removeTempDirs } from "./temp-dir.ts";

// Integration tests start real registries and build images; bunfig's timeout is not read by bun
// test. Set here, the default reaches only the last test file of a run (bun 1.4.5), so
// scripts/test.sh and `bun run test` also pass --timeout 60000; this covers `bun test FILE`.
setDefaultTimeout(60_000);

// Hooks in a preload file apply to the whole run.
afterAll(removeTempDirs);
