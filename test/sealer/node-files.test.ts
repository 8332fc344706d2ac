import { describe, expect, test } from "bun:test";
import { mergeContainerdConfig } from "../../src/sealer/containerd-config.ts";
import { translateDockerDaemonJson } from "../../src/sealer/docker-daemon-json.ts";
import { kubeadmConfigFiles, resolveNodeFiles, type RootfsFileVersion } from "../../src/sealer/node-files.ts";
import { findUnusedRootfsFiles } from "../../src/sealer/rootfs-file-findings.ts";
import { UserInputError } from "../../src/util/source-location.ts";

/** A rootfs where each path was last written by the given layer. */
function rootfs(files: Record<string, number>): (path: string) => RootfsFileVersion | undefined {
  return (path) => (path in files ? { path, layer: files[path]!, createdBy: `COPY (layer ${files[path]})` } : undefined);
}

describe("which node file takes effect", () => {
  test("a child's sealer spelling wins over the base's lade path, and is merged over it", () => {
    const decisions = resolveNodeFiles(rootfs({ "etc/docker/daemon.json": 0, "etc/daemon.json": 3 }));
    const daemon = decisions.find((decision) => decision.role.id === "docker-daemon")!;
    expect(daemon.source.path).toBe("etc/daemon.json");
    expect(daemon.how).toBe("merged");
    expect(daemon.base?.path).toBe("etc/docker/daemon.json");
  });

  test("a child's lade path wins over the base's sealer spelling; one layer with both: lade's path", () => {
    const newer = resolveNodeFiles(rootfs({ "etc/daemon.json": 0, "etc/docker/daemon.json": 2 })).find((decision) => decision.role.id === "docker-daemon")!;
    expect(newer).toMatchObject({ how: "as-is", source: { path: "etc/docker/daemon.json" } });
    expect(newer.overridden.map((file) => file.path)).toEqual(["etc/daemon.json"]);
    const same = resolveNodeFiles(rootfs({ "etc/daemon.json": 1, "etc/docker/daemon.json": 1 })).find((decision) => decision.role.id === "docker-daemon")!;
    expect(same.source.path).toBe("etc/docker/daemon.json");
  });

  test("units are copied byte for byte, replacing lade's", () => {
    const decisions = resolveNodeFiles(rootfs({ "etc/systemd/kubelet.service": 0, "etc/kubelet.service": 1, "etc/10-kubeadm.conf": 1 }));
    expect(decisions.find((decision) => decision.role.id === "kubelet-unit")).toMatchObject({ how: "copied", source: { path: "etc/kubelet.service" } });
    expect(decisions.find((decision) => decision.role.id === "kubelet-unit")!.overridden.map((file) => file.path)).toEqual(["etc/systemd/kubelet.service"]);
    expect(decisions.find((decision) => decision.role.id === "kubelet-dropin")).toMatchObject({ how: "copied", source: { path: "etc/10-kubeadm.conf" } });
    // a role with no file at all is not decided
    expect(decisions.find((decision) => decision.role.id === "docker-unit")).toBeUndefined();
  });

  test("kubeadm config: every spelling takes part, oldest first; a file is left out when its .tmpl twin is as new", () => {
    const order = (files: Record<string, number>) => kubeadmConfigFiles(rootfs(files)).map((file) => file.path);
    // the case: the base's .tmpl must not win over the child's kubeadm.yml
    expect(order({ "etc/kubeadm.yml.tmpl": 0, "etc/kubeadm.yml": 2 })).toEqual(["etc/kubeadm.yml.tmpl", "etc/kubeadm.yml"]);
    expect(order({ "etc/kubeadm.yml": 0, "etc/kubeadm.yml.tmpl": 2 })).toEqual(["etc/kubeadm.yml.tmpl"]);
    expect(order({ "etc/kubeadm.yml": 1, "etc/kubeadm.yml.tmpl": 1 })).toEqual(["etc/kubeadm.yml.tmpl"]);
    expect(order({ "etc/kubeadm.yaml": 0, "etc/kubeadm.yml": 4 })).toEqual(["etc/kubeadm.yaml", "etc/kubeadm.yml"]);
  });
});

describe("sealer's daemon.json on stock docker", () => {
  const lade = JSON.stringify({ "exec-opts": ["native.cgroupdriver=systemd"], "registry-mirrors": ["https://sea.hub:5000"], "log-driver": "json-file" });

  test("mirror-registries for Docker Hub become registry-mirrors; the file's keys win; lade's mirror stays", () => {
    const sealer = JSON.stringify({
      "max-concurrent-downloads": 20,
      "log-driver": "journald",
      "mirror-registries": [
        { domain: "*", mirrors: ["https://sea.hub:5000"] },
        { domain: "quay.io", mirrors: ["https://quay-mirror.example"] },
      ],
      "exec-opts": ["native.cgroupdriver=systemd"],
    });
    const result = translateDockerDaemonJson(sealer, "etc/daemon.json", { ladeText: lade, registry: "registry.lan:5443" });
    const merged = JSON.parse(result.text);
    expect(merged["mirror-registries"]).toBeUndefined();
    expect(merged["registry-mirrors"]).toEqual(["https://registry.lan:5443", "https://sea.hub:5000"]);
    expect(merged["log-driver"]).toBe("journald");
    expect(merged["max-concurrent-downloads"]).toBe(20);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain("quay.io");
    expect(result.infos.join("\n")).toContain('"registry-mirrors"');
  });

  test("a cgroupfs docker is a warning naming the fix; bad JSON is an error at its line", () => {
    const result = translateDockerDaemonJson('{"exec-opts": ["native.cgroupdriver=cgroupfs"]}', "etc/daemon.json");
    expect(result.warnings.join("\n")).toContain("CgroupDriver=cgroupfs");
    try {
      translateDockerDaemonJson('{\n  "a": 1,\n  "b": ,\n}', "etc/daemon.json");
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(UserInputError);
      expect(String((error as Error).message)).toContain("etc/daemon.json:3:");
    }
  });
});

describe("sealer's dump-config.toml over lade's containerd config", () => {
  const lade = [
    "version = 2",
    "[plugins]",
    '  [plugins."io.containerd.grpc.v1.cri"]',
    '    sandbox_image = "sea.hub:5000/pause:3.9"',
    '    [plugins."io.containerd.grpc.v1.cri".registry]',
    '      config_path = "/etc/containerd/certs.d"',
    '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    "      SystemdCgroup = true",
    "",
  ].join("\n");

  test("tables merge key by key, the file's values win, sealer's registry becomes the image's", () => {
    const sealer = ["version = 2", 'root = "/data/containerd"', '[plugins."io.containerd.grpc.v1.cri"]', '  sandbox_image = "sea.hub:5000/pause:3.6"', ""].join("\n");
    const result = mergeContainerdConfig(sealer, "etc/dump-config.toml", { ladeText: lade, registry: "sea.hub:5443" });
    const merged = Bun.TOML.parse(result.text) as Record<string, any>;
    const cri = merged.plugins["io.containerd.grpc.v1.cri"];
    expect(merged.root).toBe("/data/containerd");
    expect(cri.sandbox_image).toBe("sea.hub:5443/pause:3.6");
    expect(cri.registry.config_path).toBe("/etc/containerd/certs.d");
    expect(cri.containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
    expect(merged.version).toBe(2);
    expect(result.infos).toEqual([]);
  });

  test("another config_path is said; another config version is refused at its line; bad TOML at its line", () => {
    const moved = mergeContainerdConfig('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/opt/certs"\n', "etc/dump-config.toml", { ladeText: lade });
    expect(moved.infos.join("\n")).toContain("/opt/certs");
    expect(() => mergeContainerdConfig("# v1\n\nversion = 3\n", "etc/dump-config.toml", { ladeText: lade })).toThrow(/etc\/dump-config.toml:3:.*version 3.*version 2/);
    expect(() => mergeContainerdConfig('version = 2\nroot = "/x"\nbroken = \n', "etc/dump-config.toml", { ladeText: lade })).toThrow(/etc\/dump-config.toml:3:.*not valid TOML/);
  });
});

describe("files nothing reads", () => {
  test("a typo names the file it is closest to; sealer files lade does not apply say so; known files (sealer's registry.yml and registry_config.yml too) are quiet", () => {
    const findings = findUnusedRootfsFiles({
      files: ["etc/deamon.json", "etc/daemon.json", "etc/kubeadm.yml.tmpl", "etc/registry.yml", "etc/registry_config.yml", "etc/kubeadm-init.yaml.tmpl", "statics/audit-policy.yml", "plugins/shell.yaml", "etc/notes.md", "images/registry.tar", "images/mysql.tar", "images/readme.md"],
      texts: new Map(),
    });
    const byPath = Object.fromEntries(findings.map((finding) => [finding.path, finding.message]));
    expect(Object.keys(byPath).sort()).toEqual(["etc/deamon.json", "etc/kubeadm-init.yaml.tmpl", "etc/notes.md", "images/readme.md", "images/registry.tar", "plugins/shell.yaml"]);
    expect(byPath["plugins/shell.yaml"]).toBe("plugins/shell.yaml: holds no kind: Plugin document");
    expect(byPath["images/registry.tar"]).toContain("sealer's registry container image: lade serves the cluster's registry itself");
    expect(byPath["images/readme.md"]).toContain("this name is none of those: it stays a plain file of the rootfs");
    expect(byPath["etc/deamon.json"]).toContain("did you mean etc/daemon.json");
    expect(byPath["etc/notes.md"]).toContain("lade neither uses nor knows this file");
    expect(byPath["etc/kubeadm-init.yaml.tmpl"]).toContain("one of sealer 0.5's split kubeadm templates");
  });

  test("a helper script counts as used when a script calls it", () => {
    const files = ["scripts/init.sh", "scripts/helper.sh", "scripts/orphan.sh"];
    const findings = findUnusedRootfsFiles({ files, texts: new Map([["scripts/init.sh", "bash ./helper.sh\n"]]) });
    expect(findings.map((finding) => finding.path)).toEqual(["scripts/orphan.sh"]);
  });
});
