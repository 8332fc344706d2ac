import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type {
  AppInstruction,
  CopyInstruction,
  Instruction,
  RunInstruction,
} from "../kubefile/instruction.ts";
import type { Digest } from "../oci/digest.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { SourceLocation } from "../util/source-location.ts";
import { BuildError } from "./build-error.ts";
import type { BuildReporter } from "./build-reporter.ts";
import { collectCopyEntries, type ContextFilter } from "./collect-copy-entries.ts";
import { detectAppType } from "./detect-app-type.ts";
import { chainKey, hashEntries } from "./hash-entries.ts";
import type { LayerEntry } from "./layer-entry.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { runCommand } from "./run-command.ts";
import { downloadSource, extractArchive, isTarArchive, isUrl } from "./stage-remote-sources.ts";
import { appendLayer, produceLayer, type LayerContext } from "./produce-layer.ts";
import { WorkingCopy } from "./working-copy.ts";

export interface ExecutionContext extends LayerContext {
  readonly contextDir: string;
  readonly filter: ContextFilter;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** A private folder for this build's scratch files (downloads, the RUN working copy). */
  readonly scratchDir: string;
}

const APPS_DIR = "application/apps";

/** Carry out one instruction (FROM is handled before) and record its effect on the state. */
export async function executeInstruction(
  instruction: Instruction,
  state: PlatformBuildState,
  context: ExecutionContext,
): Promise<void> {
  switch (instruction.kind) {
    case "FROM":
      return;
    case "ARG":
      if (instruction.value === undefined) state.args.delete(instruction.name);
      else state.args.set(instruction.name, instruction.value);
      return recordConfigStep(state, instruction.text);
    case "ENV":
      for (const [key, value] of instruction.variables) state.env.set(key, value);
      return recordConfigStep(state, instruction.text);
    case "LABEL":
      for (const [key, value] of instruction.labels) state.labels.set(key, value);
      return recordConfigStep(state, instruction.text);
    case "MAINTAINER":
      state.author = instruction.maintainer;
      return recordConfigStep(state, instruction.text);
    case "KUBEVERSION":
      state.labels.set("app.alpha.sealer.io/supported-kube-version", instruction.constraint);
      return recordConfigStep(state, instruction.text);
    case "COPY":
    case "ADD":
      return copyIntoRootfs(instruction, state, context);
    case "RUN":
      return runInWorkingCopy(instruction, state, context);
    case "APP":
    case "CNI":
    case "CSI":
      return addApplication(instruction, state, context);
    case "APPCMDS": {
      const application = requireApplication(state, instruction.app, instruction.location);
      state.applications.set(application.name, { ...application, cmds: [...instruction.commands] });
      return recordConfigStep(state, instruction.text);
    }
    case "APPENV": {
      const application = requireApplication(state, instruction.app, instruction.location);
      const env = { ...application.env, ...Object.fromEntries(instruction.variables) };
      state.applications.set(application.name, { ...application, env });
      return recordConfigStep(state, instruction.text);
    }
    case "LAUNCH":
      for (const app of instruction.apps) requireApplication(state, app, instruction.location);
      state.launch = { app_names: [...instruction.apps] };
      return recordConfigStep(state, instruction.text);
    case "CMDS":
      state.launch = { cmds: [...instruction.commands] };
      return recordConfigStep(state, instruction.text);
    case "CMD":
      state.cmdLines.push(instruction.command);
      state.launch = { cmds: [...state.cmdLines] };
      return recordConfigStep(state, instruction.text);
  }
}

function recordConfigStep(state: PlatformBuildState, text: string): void {
  state.history.push({ created_by: text, empty_layer: true });
}

function requireApplication(state: PlatformBuildState, name: string, location: SourceLocation) {
  const application = state.applications.get(name);
  if (!application) {
    const known = [...state.applications.keys()];
    const hint = known.length > 0 ? `: known apps are ${known.map((app) => `"${app}"`).join(", ")}` : ": no app is declared (use APP, CNI or CSI first)";
    throw new BuildError(location, `Cannot find app "${name}"${hint}`);
  }
  return application;
}

async function copyIntoRootfs(instruction: CopyInstruction, state: PlatformBuildState, context: ExecutionContext): Promise<void> {
  const entries = instruction.kind === "ADD"
    ? await collectAddEntries(instruction, state, context)
    : await collectCopyEntries({
        contextDir: context.contextDir,
        sources: instruction.sources,
        destination: instruction.destination,
        filter: context.filter,
        rootfs: state.rootfs,
        location: instruction.location,
      });
  const key = chainKey(state.chainKey, instruction.kind, instruction.destination, await hashEntries(entries));
  await addLayer(state, context, key, instruction.text, async () => entries);
}

/** ADD is COPY plus URLs (downloaded) and local tar archives (unpacked into the destination). */
async function collectAddEntries(instruction: CopyInstruction, state: PlatformBuildState, context: ExecutionContext): Promise<LayerEntry[]> {
  const merged = new Map<string, LayerEntry>();
  const intoDirectory = instruction.sources.length > 1 || instruction.destination.endsWith("/");
  if (instruction.sources.length > 1 && !instruction.destination.endsWith("/") && !state.rootfs.isDirectory(instruction.destination.replace(/^\/+|\/+$/g, ""))) {
    throw new BuildError(instruction.location, `Cannot add several sources to "${instruction.destination}": the destination must end with "/"`);
  }
  for (const [index, source] of instruction.sources.entries()) {
    const staging = join(context.scratchDir, `add-${state.layers.length}-${index}`);
    let request = { contextDir: context.contextDir, sources: [source], destination: instruction.destination };
    if (isUrl(source)) {
      const name = await downloadSource(source, staging, instruction.location);
      request = { contextDir: staging, sources: [name], destination: intoDirectory ? `${instruction.destination.replace(/\/?$/, "/")}` : instruction.destination };
    } else if (!source.startsWith("/") && !source.includes("*") && (await isRegularFile(join(context.contextDir, source))) && (await isTarArchive(join(context.contextDir, source)))) {
      await collectCopyEntries({ ...request, filter: context.filter, rootfs: state.rootfs, location: instruction.location });
      await extractArchive(join(context.contextDir, source), staging, instruction.location);
      request = { contextDir: staging, sources: ["."], destination: instruction.destination.replace(/\/?$/, "/") };
    }
    const entries = await collectCopyEntries({
      ...request,
      filter: request.contextDir === context.contextDir ? context.filter : noFilter,
      rootfs: state.rootfs,
      location: instruction.location,
    });
    for (const entry of entries) merged.set(entry.path, entry);
  }
  return [...merged.values()];
}

const noFilter: ContextFilter = { excludes: () => false, mayIncludeBelow: () => true };

async function isRegularFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() ?? false;
}

async function addApplication(instruction: AppInstruction, state: PlatformBuildState, context: ExecutionContext): Promise<void> {
  const destination = `${APPS_DIR}/${instruction.name}/`;
  const merged = new Map<string, LayerEntry>();
  for (const [index, source] of instruction.sources.entries()) {
    let request = { contextDir: context.contextDir, sources: [source.replace(/^local:\/\//, "")] };
    if (isUrl(source)) {
      const staging = join(context.scratchDir, `app-${instruction.name}-${index}`);
      request = { contextDir: staging, sources: [await downloadSource(source, staging, instruction.location)] };
    }
    const entries = await collectCopyEntries({
      ...request,
      destination,
      filter: request.contextDir === context.contextDir ? context.filter : noFilter,
      rootfs: state.rootfs,
      location: instruction.location,
    });
    for (const entry of entries) merged.set(entry.path, entry);
  }
  const entries = [...merged.values()];
  const key = chainKey(state.chainKey, instruction.kind, instruction.name, await hashEntries(entries));
  await addLayer(state, context, key, instruction.text, async () => entries);

  const detected = detectAppType(state.rootfs.listBelow(`${APPS_DIR}/${instruction.name}`));
  const previous = state.applications.get(instruction.name);
  state.applications.set(instruction.name, {
    name: instruction.name,
    type: detected.type,
    files: detected.files,
    version: "v1",
    ...(previous?.env ? { env: previous.env } : {}),
    ...(previous?.cmds ? { cmds: previous.cmds } : {}),
  });
  state.appLocations.set(instruction.name, instruction.location);
  if (instruction.kind !== "APP") {
    state.labels.set(`cluster.alpha.sealer.io/kube-${instruction.kind.toLowerCase()}-${instruction.name}`, "true");
  }
}

async function runInWorkingCopy(instruction: RunInstruction, state: PlatformBuildState, context: ExecutionContext): Promise<void> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ...Object.fromEntries(state.args),
    ...Object.fromEntries(state.env),
  };
  const key = chainKey(state.chainKey, "RUN", JSON.stringify(instruction.command), JSON.stringify(Object.entries(env).sort()));
  let ranHere = false;
  await addLayer(state, context, key, instruction.text, async () => {
    const workingCopy = await syncWorkingCopy(state, context);
    const before = await workingCopy.snapshot();
    await runCommand(instruction, workingCopy.dir, env, context.reporter);
    ranHere = true;
    return workingCopy.diff(before, await workingCopy.snapshot());
  });
  // The command's changes are already in the working copy, so its layer needs no applying there.
  if (ranHere && state.workingCopy) state.workingCopy.appliedLayers = state.layers.length;
}

/** Bring the working copy up to the layers so far, creating it on first use. */
async function syncWorkingCopy(state: PlatformBuildState, context: ExecutionContext): Promise<WorkingCopy> {
  state.workingCopy ??= await WorkingCopy.create(join(context.scratchDir, "rootfs"));
  const workingCopy = state.workingCopy;
  for (const layer of state.layers.slice(workingCopy.appliedLayers)) {
    await workingCopy.applyLayer(context.store.blobPath(layer.descriptor.digest));
  }
  return workingCopy;
}

/** Reuse or produce the layer of an instruction and append it to the state. */
async function addLayer(
  state: PlatformBuildState,
  context: ExecutionContext,
  key: Digest,
  text: string,
  produce: () => Promise<readonly LayerEntry[]>,
): Promise<void> {
  const record = await produceLayer(context, key, produce);
  state.chainKey = key;
  appendLayer(state, record, text);
}
