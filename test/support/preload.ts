import { afterAll, setDefaultTimeout } from "bun:test";
import { removeTempDirs } from "./temp-dir.ts";

// Integration tests start real registries and build images; bunfig's timeout is not read by bun
// test, so the default is set here for the whole run.
setDefaultTimeout(60_000);

// Hooks in a preload file apply to the whole run.
afterAll(removeTempDirs);
