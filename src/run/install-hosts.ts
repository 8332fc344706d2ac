import { chmod, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadChartFromPath } from "../builder/load-chart-files.ts";
import { parseShadowedTemplates } from "../builder/node-files-annotation.ts";
import { formatManifests, renderChart } from "../chart/render-chart.ts";
import { renderHelmTemplate } from "../chart/render-helm-template.ts";
import type { Cluster, RegistryConfig } from "../kubeadm/cluster.ts";
import { resolveClusterEnv } from "../kubeadm/cluster-env.ts";
import type { ConfigObject } from "../kubeadm/config-value.ts";
import { formatKubeadmConfig } from "../kubeadm/format-kubeadm-config.ts";
import { resolveKubeadmConfig } from "../kubeadm/resolve-kubeadm-config.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { PlatformImage } from "../store/read-image.ts";
import { formatBytes } from "../util/format-bytes.ts";
import { COPY_EVENT_INTERVAL_MS, stepTeller, type RunEvents } from "./run-events.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import { runCommand, StepFailedError, writeState, type OutputSink, type RunState } from "./execute-steps.ts";
import { imageEnvOf } from "./image-env.ts";
import { readImageKubeadmConfigs, renderRootfsTemplates, unpackRootfs } from "./rootfs-files.ts";
import { writeClusterConfigs } from "./cluster-config-files.ts";
import type { ClusterConfigFile } from "../sealer/cluster-configs.ts";
import { HOST_CHECK_SCRIPT, judgeHost, parseHostReport } from "./host-report.ts";
import { platformGapWarnings } from "./platform-gap-warnings.ts";
import {
  APP_MANIFEST_SCRIPT,
  copyRootfsScripts,
  JOIN_COMMAND_SCRIPT,
  KUBEADM_CONFIG_SCRIPT,
  planHostDelete,
  READ_REGISTRY_CA_SCRIPT,
  READ_REGISTRY_CERTIFICATE_SCRIPT,
  REGISTRY_CA_SCRIPT,
  REGISTRY_CERTIFICATE_SCRIPT,
  RENDERED_FILES_SCRIPT,
  sshCommand,
  UPLOAD_CERTS_SCRIPT,
  withPasswordFile,
  type ClusterHostTarget,
  type HostRole,
  type Phase,
  type SshTarget,
} from "./plan-hosts.ts";
import { formatCommand, type Step, type StepAction } from "./plan-run.ts";

/** What state.json keeps per host: how to reach it, its architecture and the steps done there. */
export interface HostState {
  role: HostRole;
  ssh: SshTarget;
  arch?: string;
  done: string[];
  deleted?: string[];
}

export type MultiHostState = RunState & {
  hosts?: Record<string, HostState>;
  /** The data folder on the hosts. */
  hostDir?: string;
  registryHosts?: string[];
  /** A lade upgrade under way: to which image and version, and the steps done per host. */
  upgrade?: { image: string; digest: string; from: string; to: string; hosts: Record<string, string[]> };
  /** The upgrades that finished, oldest first. */
  upgrades?: { image: string; digest: string; from: string; to: string; at: string }[];
};

export interface HostsContext {
  readonly store: OciStore;
  readonly dataDir: string;
  /** The data folder on every host. */
  readonly hostDir: string;
  /** The hosts that run the registry, the first one first (its certificate is everyone's). */
  readonly registryHosts: readonly string[];
  /** The registry's port, checked free on the registry hosts. */
  readonly registryPort?: number;
  /** The image's Kubernetes version (charts' .Capabilities.KubeVersion). */
  readonly kubeVersion?: string;
  readonly statePath: string;
  readonly state: MultiHostState;
  readonly hosts: readonly ClusterHostTarget[];
  /** The image's platforms, by architecture. */
  readonly platforms: ReadonlyMap<string, PlatformImage>;
  /** The Clusterfile (with the hosts of --masters/--nodes), as text for the kubeadm config and parsed. */
  readonly clusterfile?: { readonly text: string; readonly file: string };
  /** The Clusterfiles' Config files, written into each rootfs before it is copied. */
  readonly configs: readonly ClusterConfigFile[];
  /** The image's etc/Clusterfile, under the user's. */
  readonly imageClusterfile?: { readonly text: string; readonly file: string };
  readonly cluster: Cluster | undefined;
  readonly env: readonly string[];
  /** The registry the image's nodes were made for: the local registry's defaults in the cluster env. */
  readonly imageRegistry?: RegistryConfig;
  readonly dryRun: boolean;
  readonly output: OutputSink;
  /** Told of each phase, each host's steps and the bytes of each copy (not in a dry run). */
  readonly events?: RunEvents;
  /** The local rootfs folders are DATA_DIR/<this>-<arch> (default "rootfs"; lade upgrade unpacks the new image beside the old). */
  readonly rootfsName?: string;
  /** The list a host's steps are recorded in (default state.hosts[ip].done). */
  readonly stepsDone?: (ip: string) => string[];
  /** Handlers for actions of other commands' steps (lade upgrade's). */
  readonly handlers?: Partial<Record<StepAction, HostHandler>>;
}

/** Run the phases: lanes of a parallel phase side by side, each host's steps recorded in state.hosts[ip].done. */
export async function executePhases(phases: readonly Phase[], context: HostsContext): Promise<void> {
  const { state, output } = context;
  state.hosts ??= {};
  for (const host of context.hosts) {
    const previous = state.hosts[host.ip];
    state.hosts[host.ip] = { ...previous, role: host.role, ssh: host.ssh, done: previous?.done ?? [] };
  }
  Object.assign(state, { hostDir: context.hostDir, registryHosts: [...context.registryHosts] });
  let writing = Promise.resolve();
  const save = () => (writing = writing.then(() => (context.dryRun ? undefined : writeState(context.statePath, state))));
  const handlers = { ...hostHandlers(context), ...context.handlers };
  const pendingJoin = () => context.hosts.some((host) => host.role !== "master0" && !state.hosts![host.ip]!.done.includes("kubeadm-join"));

  const events = context.dryRun ? undefined : context.events;
  for (const phase of phases) {
    output(`== ${phase.name}${phase.parallel && phase.lanes.length > 1 ? " (hosts in parallel)" : ""}`, "stdout");
    events?.({ event: "phase", name: phase.name, hosts: phase.lanes.map((lane) => lane.host), parallel: phase.parallel });
    const runLane = async (lane: Phase["lanes"][number]) => {
      const done = context.stepsDone?.(lane.host) ?? state.hosts![lane.host]!.done;
      const say: OutputSink = (line, stream) => output(`[${lane.host}] ${line}`, stream);
      for (const [index, step] of lane.steps.entries()) {
        const tell = stepTeller(events, lane.host, step, index + 1, lane.steps.length);
        const doneAlready = lane.record !== false && done.includes(step.id);
        const header = `${step.id}: ${step.description}`;
        if (context.dryRun) {
          say(`${header}${doneAlready ? " (done already)" : ""}`, "stdout");
          for (const command of step.shows ?? []) say(`    (lade) ${command}`, "stdout");
          for (const command of step.commands) say(`    ${formatCommand(command)}`, "stdout");
          continue;
        }
        if (doneAlready) {
          say(`${header}: done already, skipped`, "stdout");
          tell("skipped");
          continue;
        }
        if (step.action === "join-credentials" && !pendingJoin()) {
          say(`${header}: every host joined already, skipped`, "stdout");
          tell("skipped");
          continue;
        }
        say(header, "stdout");
        tell("start");
        try {
          if (step.action) {
            const handler = handlers[step.action];
            if (!handler) throw new StepFailedError(`[${lane.host}] Step "${step.id}" failed: nothing does "${step.action}"`);
            try {
              await handler(lane.host, say, step);
            } catch (error) {
              throw new StepFailedError(`[${lane.host}] Step "${step.id}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
            }
          }
          for (const command of step.commands) {
            try {
              await runCommand(step, command, say);
            } catch (error) {
              throw new StepFailedError(`[${lane.host}] ${error instanceof Error ? error.message : String(error)}`, { cause: error });
            }
          }
        } catch (error) {
          tell("failed", error);
          throw error;
        }
        tell("done");
        if (lane.record !== false) {
          done.push(step.id);
          await save();
        }
      }
    };
    if (phase.parallel) {
      // every host's failure is told, not only the first (the check phase reports them all)
      await allSettled(phase.lanes, runLane, output);
    } else {
      for (const lane of phase.lanes) await runLane(lane);
    }
  }
}

export type HostHandler = (ip: string, say: OutputSink, step: Step) => Promise<void>;

function hostHandlers(context: HostsContext): Partial<Record<StepAction, HostHandler>> {
  const { dataDir, state } = context;
  const target = (ip: string) => context.hosts.find((host) => host.ip === ip)!;
  const hostState = (ip: string) => state.hosts![ip]!;
  const rootfsPromises = new Map<string, Promise<{ dir: string; tar: string; sha256: string }>>();
  let credentials: Promise<{ token: string; caCertHash: string; certificateKey?: string }> | undefined;
  let registryCa: Promise<string> | undefined;
  const firstRegistry = context.registryHosts[0]!;
  const registryDefaults = context.imageRegistry ? { imageRegistry: context.imageRegistry } : {};

  const platformFor = (ip: string): PlatformImage => {
    const arch = hostState(ip).arch;
    const platform = arch ? context.platforms.get(arch) : undefined;
    if (!platform) throw new Error(`the architecture of ${ip} is not known: state.json lost its check; run "lade delete --nodes ${ip}", then lade run again`);
    return platform;
  };
  /** DATA_DIR/rootfs-<arch> unpacked, and its tar with a checksum; made once per architecture. */
  const localRootfs = (ip: string) => {
    const arch = hostState(ip).arch!;
    const platform = platformFor(ip);
    let promise = rootfsPromises.get(arch);
    if (!promise) {
      promise = (async () => {
        const dir = join(dataDir, `${context.rootfsName ?? "rootfs"}-${arch}`);
        const tar = `${dir}.tar`;
        const sumFile = Bun.file(`${tar}.sha256`);
        if ((await sumFile.exists()) && (await stat(dir).catch(() => undefined))) return { dir, tar, sha256: (await sumFile.text()).trim() };
        await unpackRootfs(context.store, platform, dir, (partial) => writeClusterConfigs(partial, context.configs, (line) => context.output(line, "stdout")));
        await run(["tar", "--sort=name", "--numeric-owner", "-C", dir, "-cf", tar, "."]);
        const sha256 = await sha256OfFile(tar);
        await Bun.write(`${tar}.sha256`, `${sha256}\n`);
        return { dir, tar, sha256 };
      })();
      rootfsPromises.set(arch, promise);
    }
    return promise;
  };
  const ssh = (ip: string, script: string, stdin?: string) => run(sshCommand(target(ip).ssh, script), stdin);

  return {
    "check-host": async (ip, say) => {
      const report = parseHostReport(
        await ssh(ip, HOST_CHECK_SCRIPT).catch((error: Error) => {
          if (!error.message.includes("Host key verification failed")) throw error;
          const { knownHosts } = target(ip).ssh;
          throw new Error(`${ip}'s host key is not in ${knownHosts} (or differs): add it there from ssh-keyscan output you have checked, or give --ssh-accept-new-host-keys to trust it on first use`);
        }),
      );
      const verdict = judgeHost(report, {
        role: target(ip).role,
        ...(context.registryHosts.includes(ip) && context.registryPort ? { registryPort: context.registryPort } : {}),
        architectures: [...context.platforms.keys()],
      });
      if (verdict.problems.length > 0) throw new Error(`${ip} cannot be installed: ${verdict.problems.join("; ")}`);
      hostState(ip).arch = verdict.arch;
      say(`[check-host] ${verdict.notes.join("; ")}`, "stdout");
      for (const warning of platformGapWarnings(platformFor(ip), `this ${verdict.arch} host`)) say(`[check-host] ${warning}`, "stderr");
    },
    "copy-rootfs": async (ip, say) => {
      const local = await localRootfs(ip);
      const file = Bun.file(local.tar);
      const scripts = copyRootfsScripts(context.hostDir, local.sha256, file.size);
      const [installed = "", partial = "0"] = (await ssh(ip, scripts.check)).split("\n").map((line) => line.trim());
      if (installed === local.sha256) {
        say(`[copy-rootfs] the rootfs there has sha256 ${local.sha256} already: not copied`, "stdout");
        return;
      }
      const offset = Number(partial) > 0 && Number(partial) <= file.size ? Number(partial) : 0;
      if (offset > 0) say(`[copy-rootfs] an earlier copy stopped after ${formatBytes(offset)}: continuing from there`, "stdout");
      const events = context.dryRun ? undefined : context.events;
      await run(
        sshCommand(target(ip).ssh, scripts.receive(offset)),
        withProgress(file, offset, {
          line: (sent) => say(`[copy-rootfs] ${progressLine(sent, file.size)}`, "stdout"),
          ...(events ? { event: (sent: number) => events({ event: "copy", host: ip, done: sent, total: file.size }) } : {}),
        }),
      );
      events?.({ event: "copy", host: ip, done: file.size, total: file.size });
      say(`[copy-rootfs] copied ${local.tar} (${formatBytes(file.size)}, sha256 ${local.sha256}, verified there)`, "stdout");
    },
    "render-templates": async (ip, say) => {
      const local = await localRootfs(ip);
      const platform = platformFor(ip);
      const env = resolveClusterEnv({ imageEnv: imageEnvOf(platform), cluster: context.cluster, host: ip, overrides: context.env, ...registryDefaults });
      const out = join(dataDir, "hosts", ip, "files");
      await rm(out, { recursive: true, force: true });
      await mkdir(out, { recursive: true });
      await renderRootfsTemplates(local.dir, out, env, (template, result) => say(`[render-templates] ${template} → ${result}`, "stdout"), {
        shadowed: parseShadowedTemplates(platform.manifest.annotations),
      });
      const tar = join(dataDir, "hosts", ip, "files.tar");
      await run(["tar", "--sort=name", "--numeric-owner", "-C", out, "-cf", tar, "."]);
      await chmod(tar, 0o600); // the cluster env file in it may hold secrets
      await run(sshCommand(target(ip).ssh, RENDERED_FILES_SCRIPT(context.hostDir)), Bun.file(tar));
    },
    "registry-ca": async (ip, say) => {
      registryCa ??= ssh(firstRegistry, READ_REGISTRY_CA_SCRIPT);
      const certificate = await registryCa;
      if (!certificate.includes("BEGIN CERTIFICATE")) {
        say(`[registry-ca] ${firstRegistry} has no /etc/lade/registry/ca.crt: nothing to copy`, "stdout");
        return;
      }
      await run(sshCommand(target(ip).ssh, REGISTRY_CA_SCRIPT(context.hostDir)), certificate);
      say(`[registry-ca] the registry's certificate from ${firstRegistry} is ${context.hostDir}/registry-ca.crt there`, "stdout");
    },
    "registry-certificate": async (ip, say) => {
      const pem = await ssh(firstRegistry, READ_REGISTRY_CERTIFICATE_SCRIPT);
      if (!pem.includes("BEGIN CERTIFICATE") || !pem.includes("PRIVATE KEY")) throw new Error(`${firstRegistry} has no registry certificate and key in /etc/lade/registry`);
      await run(sshCommand(target(ip).ssh, REGISTRY_CERTIFICATE_SCRIPT(context.hostDir)), pem);
      say(`[registry-certificate] ${ip} serves with the certificate of ${firstRegistry}`, "stdout");
    },
    "render-helm-app": async (ip, say, step) => {
      const name = step.helmApp!;
      const local = await localRootfs(ip);
      const chart = await loadChartFromPath(join(local.dir, "application", "apps", name));
      const rendered = renderChart(chart, { releaseName: name, includeCrds: true, ...(context.kubeVersion ? { kubeVersion: context.kubeVersion } : {}) });
      for (const warning of rendered.warnings) say(`[${step.id}] warning: ${warning}`, "stderr");
      if (rendered.errors.length > 0) throw new Error(`the chart of ${name} does not render: ${rendered.errors.join("; ")}`);
      const file = join(dataDir, "hosts", ip, "apps", `${name}.yaml`);
      await mkdir(dirname(file), { recursive: true });
      await Bun.write(file, formatManifests(rendered.manifests));
      await run(sshCommand(target(ip).ssh, APP_MANIFEST_SCRIPT(context.hostDir, name)), Bun.file(file));
      say(`[${step.id}] rendered ${rendered.manifests.length} manifests into ${file}`, "stdout");
    },
    "join-credentials": async () => {
      credentials = (async () => {
        const master0 = context.hosts.find((host) => host.role === "master0")!.ip;
        const join = await ssh(master0, JOIN_COMMAND_SCRIPT);
        const token = /--token\s+(\S+)/.exec(join)?.[1];
        const caCertHash = /--discovery-token-ca-cert-hash\s+(\S+)/.exec(join)?.[1];
        if (!token || !caCertHash) throw new Error(`\`${JOIN_COMMAND_SCRIPT}\` printed no token and CA hash: ${join.trim()}`);
        if (!context.hosts.some((host) => host.role === "master")) return { token, caCertHash };
        const upload = await ssh(master0, UPLOAD_CERTS_SCRIPT);
        const certificateKey = /^\s*([0-9a-f]{64})\s*$/m.exec(upload)?.[1];
        if (!certificateKey) throw new Error(`\`${UPLOAD_CERTS_SCRIPT}\` printed no certificate key: ${upload.trim()}`);
        return { token, caCertHash, certificateKey };
      })();
      await credentials;
    },
    "write-kubeadm-config": async (ip, say) => {
      const host = target(ip);
      const local = await localRootfs(ip);
      const platform = platformFor(ip);
      const imageConfigs = await readImageKubeadmConfigs(local.dir, platformFor(ip));
      const config = resolveKubeadmConfig(
        {
          imageConfigs,
          ...(context.clusterfile ? { clusterfile: context.clusterfile } : {}),
          ...(context.imageClusterfile ? { imageClusterfile: context.imageClusterfile } : {}),
          imageEnv: imageEnvOf(platform), imageLabels: { ...platform.config.config.Labels }, ...registryDefaults },
        { role: host.role, node: ip, envOverrides: context.env, renderTemplate: (text, data, name) => renderHelmTemplate(name, text, data) },
      );
      for (const warning of config.warnings) say(`[kubeadm-config] warning: ${warning}`, "stderr");
      let documents = config.documents;
      if (host.role !== "master0") {
        if (!credentials) throw new Error("the join credentials were not read from master0");
        const creds = await credentials;
        documents = documents.map((document) => (document.kind === "JoinConfiguration" ? { ...document, body: withCredentials(document.body, creds, host.role) } : document));
      }
      const file = join(dataDir, "hosts", ip, "kubeadm.yaml");
      await mkdir(dirname(file), { recursive: true });
      await Bun.write(file, formatKubeadmConfig(documents));
      await chmod(file, 0o600);
      await run(sshCommand(host.ssh, KUBEADM_CONFIG_SCRIPT(context.hostDir)), Bun.file(file));
    },
  };
}

function withCredentials(body: ConfigObject, creds: { token: string; caCertHash: string; certificateKey?: string }, role: HostRole): ConfigObject {
  const object = (value: unknown): ConfigObject => (value && typeof value === "object" && !Array.isArray(value) ? (value as ConfigObject) : {});
  const discovery = object(body.discovery);
  const result: ConfigObject = {
    ...body,
    discovery: { ...discovery, bootstrapToken: { ...object(discovery.bootstrapToken), token: creds.token, caCertHashes: [creds.caCertHash] } },
  };
  if (role === "master") result.controlPlane = { ...object(body.controlPlane), certificateKey: creds.certificateKey ?? "" };
  return result;
}

/**
 * `lade delete` on hosts over SSH: kubeadm reset, clean.sh, the data folder there; each host's
 * steps recorded. A host leaving a cluster whose master0 stays is first removed from it there.
 */
export async function deleteHosts(options: {
  /** The data folder here, which was also the hosts' one before state.json recorded hostDir. */
  dataDir: string;
  statePath: string;
  state: MultiHostState;
  ips: readonly string[];
  /** Replaces the password file of hosts that were reached with a password: per host, else for all. */
  passwordFiles?: ReadonlyMap<string, string>;
  passwordFile?: string;
  dryRun: boolean;
  output: OutputSink;
}): Promise<void> {
  const { state, output } = options;
  const hosts = state.hosts ?? {};
  const hostDir = state.hostDir ?? options.dataDir;
  const sshOf = (host: HostState): SshTarget => withPasswordFile(host.ssh, options.passwordFiles, options.passwordFile);
  const master0 = Object.entries(hosts).find(([, host]) => host.role === "master0");
  const staying = master0 && !options.ips.includes(master0[0]) ? { ...sshOf(master0[1]), ip: master0[0] } : undefined;
  let writing = Promise.resolve();
  const save = () => (writing = writing.then(() => writeState(options.statePath, state)));
  const plans = new Map(
    options.ips.map((ip) => {
      const host = hosts[ip]!;
      const joined = host.done.includes("kubeadm-join");
      return [ip, planHostDelete(hostDir, { ...sshOf(host), role: host.role }, joined ? staying : undefined, state.cleanPlugins, state.hostAliases)];
    }),
  );
  const runSteps = async (ip: string, steps: readonly Step[]) => {
    const host = hosts[ip]!;
    const say: OutputSink = (line, stream) => output(`[${ip}] ${line}`, stream);
    host.deleted ??= [];
    for (const step of steps) {
      const done = host.deleted.includes(step.id);
      if (options.dryRun) {
        say(`${step.id}: ${step.description}${done ? " (done already)" : ""}`, "stdout");
        for (const command of step.commands) say(`    ${formatCommand(command)}`, "stdout");
        continue;
      }
      if (done) continue;
      say(`${step.id}: ${step.description}`, "stdout");
      for (const command of step.commands) await runCommand(step, command, say);
      host.deleted.push(step.id);
      await save();
    }
  };
  // every host's before-clean plugins first, then each host cleaned and forgotten
  await allSettled(options.ips, (ip) => runSteps(ip, plans.get(ip)!.beforeClean), output);
  await allSettled(
    options.ips,
    async (ip) => {
      await runSteps(ip, plans.get(ip)!.clean);
      if (!options.dryRun) {
        delete hosts[ip];
        await save();
      }
    },
    output,
  );
}

/** WORK on every item (host) at once; all of them finish, then the first failure is thrown (the others printed). */
async function allSettled<T>(items: readonly T[], work: (item: T) => Promise<void>, output: OutputSink): Promise<void> {
  const results = await Promise.allSettled(items.map(work));
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
  for (const result of failed.slice(1)) output(result.reason instanceof Error ? result.reason.message : String(result.reason), "stderr");
  if (failed[0]) throw failed[0].reason;
}

const PROGRESS_INTERVAL_MS = 5_000;

/**
 * FILE from OFFSET on as a stream, telling the bytes sent so far: as a log line at most every few
 * seconds, as an event twice a second.
 */
function withProgress(file: ReturnType<typeof Bun.file>, offset: number, report: { line: (sent: number) => void; event?: (sent: number) => void }): ReadableStream<Uint8Array> {
  let sent = offset;
  let lastLine = Date.now();
  let lastEvent = 0;
  return file
    .slice(offset)
    .stream()
    .pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          sent += chunk.byteLength;
          const now = Date.now();
          if (now - lastLine >= PROGRESS_INTERVAL_MS) {
            lastLine = now;
            report.line(sent);
          }
          if (report.event && now - lastEvent >= COPY_EVENT_INTERVAL_MS) {
            lastEvent = now;
            report.event(sent);
          }
          controller.enqueue(chunk);
        },
      }),
    );
}

function progressLine(sent: number, total: number): string {
  return `${formatBytes(sent)} of ${formatBytes(total)} (${Math.floor((sent / Math.max(total, 1)) * 100)}%)`;
}

/** Run a command, feeding it stdin; its stdout, or an error with its stderr. */
async function run(command: readonly string[], stdin?: string | ReturnType<typeof Bun.file> | ReadableStream<Uint8Array>): Promise<string> {
  const child = Bun.spawn([...command], {
    stdin: stdin === undefined ? "ignore" : typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`\`${formatCommand(command)}\` exited with code ${code}${stderr.trim() ? `: ${stderr.trim()}` : ""}`);
  return stdout;
}
