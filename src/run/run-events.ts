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
      readonly status: StepStatus;
      /** Its place among the host's steps of this phase (1-based) and how many there are. */
      readonly index: number;
      readonly total: number;
      readonly error?: string;
    }
  | { readonly event: "copy"; readonly host: string; readonly done: number; readonly total: number };

export type RunEvents = (event: RunEvent) => void;

export type StepStatus = "start" | "done" | "skipped" | "failed";

/**
 * A function that tells RunEvents of one step's status (and a failure's message); nothing without
 * events. `index` is the step's place (1-based) among the `total` of its host's steps.
 */
export function stepTeller(
  events: RunEvents | undefined,
  host: string,
  step: { readonly id: string; readonly description: string },
  index: number,
  total: number,
): (status: StepStatus, error?: unknown) => void {
  return (status, error) =>
    events?.({ event: "step", host, id: step.id, description: step.description, status, index, total, ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}) });
}

/** The host name events use for this machine. */
export const LOCAL_HOST = "local";

/** How often a copy's bytes are told as events (the log line comes less often). */
export const COPY_EVENT_INTERVAL_MS = 500;
