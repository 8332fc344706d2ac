// For scripts/example.sh: stand-ins of what a base image needs from the internet, so the example
// builds offline. `bun scripts/example-stand-ins.ts DIR VERSION` fills DIR as a --bin-source
// (stand-in kubeadm, kubelet, containerd… for amd64 and arm64, with their checksum files) and
// prints the container images kubeadm needs for VERSION, one per line.
import { planRootfs } from "../src/rootfs/plan-rootfs.ts";
import { writeStandInBinaries } from "./lib/stand-in-binaries.ts";

const [dir, version] = process.argv.slice(2);
if (!dir || !version) {
  console.error("usage: bun scripts/example-stand-ins.ts DIR VERSION");
  process.exit(2);
}
const plan = planRootfs({ kubernetesVersion: version, runtime: "containerd", arches: ["amd64", "arm64"], cni: "calico", registryDomain: "sea.hub", registryPort: 5000 });
await writeStandInBinaries(dir, plan);
for (const image of plan.kubeadmImages) console.log(image);
