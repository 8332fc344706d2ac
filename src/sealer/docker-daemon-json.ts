import { UserInputError } from "../util/source-location.ts";
import { parseJsonObject } from "./parse-json-object.ts";

/** A node file made from a sealer file, and what the build should tell the user about it. */
export interface TranslatedFile {
  readonly text: string;
  /** What differs from what the file asked for (the build's warnings). */
  readonly warnings: readonly string[];
  /** What was rewritten to the same effect (the build's log). */
  readonly infos: readonly string[];
}

/** The domains stock docker's `registry-mirrors` covers: Docker Hub only. */
const DOCKER_HUB = new Set(["*", "docker.io", "index.docker.io", "registry-1.docker.io"]);
const SEALER_REGISTRY = "sea.hub:5000";

/**
 * sealer's etc/daemon.json laid over lade's etc/docker/daemon.json: the file's keys win, except
 * that `registry-mirrors` keeps the cluster's registry after the file's own mirrors. sealer ships a
 * patched docker that reads `mirror-registries` (per-domain mirrors); stock dockerd refuses to
 * start on that key, so its Docker Hub and `*` entries become `registry-mirrors` and the others
 * are dropped with a note (docker.sh pulls the image list's images from the cluster registry).
 * `sea.hub:5000`, sealer's default registry, is written as the image's registry when that differs.
 */
export function translateDockerDaemonJson(
  sealerText: string,
  file: string,
  options: { readonly ladeText?: string; readonly ladeFile?: string; readonly registry?: string } = {},
): TranslatedFile {
  const warnings: string[] = [];
  const infos: string[] = [];
  const own = parseJsonObject(sealerText, file);
  const lade = options.ladeText !== undefined ? parseJsonObject(options.ladeText, options.ladeFile ?? "etc/docker/daemon.json") : {};
  const registry = options.registry ?? SEALER_REGISTRY;
  const rewrite = (url: string) => (registry !== SEALER_REGISTRY ? url.replace(SEALER_REGISTRY, registry) : url);

  const mirrors: string[] = [];
  const perDomain = own["mirror-registries"];
  if (perDomain !== undefined) {
    if (!Array.isArray(perDomain)) throw new UserInputError({ file, line: 1, column: 1 }, `"mirror-registries" must be a list of {"domain", "mirrors"}`);
    for (const entry of perDomain as { domain?: unknown; mirrors?: unknown }[]) {
      const domain = typeof entry?.domain === "string" ? entry.domain : "";
      const list = Array.isArray(entry?.mirrors) ? entry.mirrors.filter((item): item is string => typeof item === "string") : [];
      if (DOCKER_HUB.has(domain)) mirrors.push(...list.map(rewrite));
      else warnings.push(`${file}: "mirror-registries" for ${domain || "(no domain)"} needs sealer's patched docker; stock docker mirrors Docker Hub only, so it is left out (docker.sh images pulls the image list's images from the cluster's registry)`);
    }
    delete own["mirror-registries"];
    infos.push(`${file}: sealer's "mirror-registries" is written as "registry-mirrors" (stock dockerd refuses the sealer key)`);
  }
  const listed = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
  const merged: Record<string, unknown> = { ...lade, ...own };
  const allMirrors = [...new Set([...mirrors, ...listed(own["registry-mirrors"]).map(rewrite), ...listed(lade["registry-mirrors"])])];
  if (allMirrors.length > 0) merged["registry-mirrors"] = allMirrors;

  const driver = listed(merged["exec-opts"]).find((option) => option.startsWith("native.cgroupdriver="))?.split("=")[1] ?? "cgroupfs";
  if (driver !== "systemd") {
    warnings.push(`${file}: docker uses the ${driver} cgroup driver but the kubelet is set up for systemd: add "native.cgroupdriver=systemd" to "exec-opts", or run the cluster with the env CgroupDriver=${driver}`);
  }
  return { text: `${JSON.stringify(merged, null, 2)}\n`, warnings, infos };
}
