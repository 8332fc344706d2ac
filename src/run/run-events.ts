/**
 * What lade run reports as it goes, for a live view and for `--json`: the phases, each host's
 * steps, and the bytes of a rootfs copy. Hosts are their addresses; "local" is this machine.
 */
export type RunEvent =
  | { readonly event: "phase"; readonly name: string; readonly hosts: readonly string[]; readonly parallel: boolean }
  | {
      readonly event: "step";
      readonly host: string;
      readonly id: string;
      readonly description: string;
      readonly status: "start" | "done" | "skipped" | "failed";
      /** Its place among the host's steps of this phase (1-based) and how many there are. */
      readonly index: number;
      readonly total: number;
      readonly error?: string;
    }
  | { readonly event: "copy"; readonly host: string; readonly done: number; readonly total: number };

export type RunEvents = (event: RunEvent) => void;

/** The host name events use for this machine. */
export const LOCAL_HOST = "local";

/** How often a copy's bytes are told as events (the log line comes less often). */
export const COPY_EVENT_INTERVAL_MS = 500;
