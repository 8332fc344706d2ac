import { afterAll } from "bun:test";
import { removeTempDirs } from "./temp-dir.ts";

// Hooks in a preload file apply to the whole run.
afterAll(removeTempDirs);
