// The node-side files of the rootfs, compiled into the binary. This is the only module that
// imports them (DESIGN.md): they stay real files under assets/ so shellcheck and
// systemd-analyze read them from the source tree.
import containerdConfigV2Toml from "./assets/containerd/config-v2.toml" with { type: "text" };
import containerdConfigV3Toml from "./assets/containerd/config-v3.toml" with { type: "text" };
import containerdHostsToml from "./assets/containerd/hosts.toml" with { type: "text" };
import dockerDaemonJson from "./assets/docker/daemon.json" with { type: "text" };
import etcCrictlYaml from "./assets/etc/crictl.yaml" with { type: "text" };
import etcLadeRootfsEnv from "./assets/etc/lade-rootfs.env" with { type: "text" };
import etcModulesLoadDLadeK8sConf from "./assets/etc/modules-load.d/lade-k8s.conf" with { type: "text" };
import etcSysctlD90LadeK8sConf from "./assets/etc/sysctl.d/90-lade-k8s.conf" with { type: "text" };
import kubeadmKubeadmListArgsYmlTmpl from "./assets/kubeadm/kubeadm-list-args.yml.tmpl" with { type: "text" };
import kubeadmKubeadmMapArgsYmlTmpl from "./assets/kubeadm/kubeadm-map-args.yml.tmpl" with { type: "text" };
import scriptsCleanSh from "./assets/scripts/clean.sh" with { type: "text" };
import scriptsContainerdSh from "./assets/scripts/containerd.sh" with { type: "text" };
import scriptsDockerSh from "./assets/scripts/docker.sh" with { type: "text" };
import scriptsInitKubeSh from "./assets/scripts/init-kube.sh" with { type: "text" };
import scriptsInitRegistrySh from "./assets/scripts/init-registry.sh" with { type: "text" };
import scriptsInitSh from "./assets/scripts/init.sh" with { type: "text" };
import scriptsKubeletPreStartSh from "./assets/scripts/kubelet-pre-start.sh" with { type: "text" };
import scriptsLibSh from "./assets/scripts/lib.sh" with { type: "text" };
import scriptsSystemSh from "./assets/scripts/system.sh" with { type: "text" };
import staticsAuditPolicyYml from "./assets/statics/audit-policy.yml" with { type: "text" };
import systemd10KubeadmConf from "./assets/systemd/10-kubeadm.conf" with { type: "text" };
import systemdContainerdService from "./assets/systemd/containerd.service" with { type: "text" };
import systemdCriDockerService from "./assets/systemd/cri-docker.service" with { type: "text" };
import systemdCriDockerSocket from "./assets/systemd/cri-docker.socket" with { type: "text" };
import systemdDockerService from "./assets/systemd/docker.service" with { type: "text" };
import systemdKubeletService from "./assets/systemd/kubelet.service" with { type: "text" };
import systemdLadeRegistryService from "./assets/systemd/lade-registry.service" with { type: "text" };

/** Every asset by its path under src/rootfs/assets/. */
export const rootfsAssets = {
  "containerd/config-v2.toml": containerdConfigV2Toml,
  "containerd/config-v3.toml": containerdConfigV3Toml,
  "containerd/hosts.toml": containerdHostsToml,
  // bun-types types a .json import as its JSON; `type: "text"` makes it the text
  "docker/daemon.json": dockerDaemonJson as unknown as string,
  "etc/crictl.yaml": etcCrictlYaml,
  "etc/lade-rootfs.env": etcLadeRootfsEnv,
  "etc/modules-load.d/lade-k8s.conf": etcModulesLoadDLadeK8sConf,
  "etc/sysctl.d/90-lade-k8s.conf": etcSysctlD90LadeK8sConf,
  "kubeadm/kubeadm-list-args.yml.tmpl": kubeadmKubeadmListArgsYmlTmpl,
  "kubeadm/kubeadm-map-args.yml.tmpl": kubeadmKubeadmMapArgsYmlTmpl,
  "scripts/clean.sh": scriptsCleanSh,
  "scripts/containerd.sh": scriptsContainerdSh,
  "scripts/docker.sh": scriptsDockerSh,
  "scripts/init-kube.sh": scriptsInitKubeSh,
  "scripts/init-registry.sh": scriptsInitRegistrySh,
  "scripts/init.sh": scriptsInitSh,
  "scripts/kubelet-pre-start.sh": scriptsKubeletPreStartSh,
  "scripts/lib.sh": scriptsLibSh,
  "scripts/system.sh": scriptsSystemSh,
  "statics/audit-policy.yml": staticsAuditPolicyYml,
  "systemd/10-kubeadm.conf": systemd10KubeadmConf,
  "systemd/containerd.service": systemdContainerdService,
  "systemd/cri-docker.service": systemdCriDockerService,
  "systemd/cri-docker.socket": systemdCriDockerSocket,
  "systemd/docker.service": systemdDockerService,
  "systemd/kubelet.service": systemdKubeletService,
  "systemd/lade-registry.service": systemdLadeRegistryService,
} as const satisfies Record<string, string>;

export type RootfsAssetName = keyof typeof rootfsAssets;
