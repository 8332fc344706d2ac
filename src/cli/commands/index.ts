import type { CommandDef } from "citty";

type CommandLoader = () => Promise<CommandDef<any>>;

/** Every verb, loaded only when chosen so start-up stays cheap. */
export const commandLoaders: Record<string, CommandLoader> = {
  build: () => import("./build.ts").then((module) => module.buildCommand),
  images: () => import("./images.ts").then((module) => module.imagesCommand),
  inspect: () => import("./inspect.ts").then((module) => module.inspectCommand),
  tag: () => import("./tag.ts").then((module) => module.tagCommand),
  rmi: () => import("./rmi.ts").then((module) => module.rmiCommand),
  prune: () => import("./prune.ts").then((module) => module.pruneCommand),
  fsck: () => import("./fsck.ts").then((module) => module.fsckCommand),
  login: () => import("./login.ts").then((module) => module.loginCommand),
  logout: () => import("./logout.ts").then((module) => module.logoutCommand),
  version: () => import("./version.ts").then((module) => module.versionCommand),
  mirror: () => import("./mirror.ts").then((module) => module.mirrorCommand),
  pull: () => import("./pull.ts").then((module) => module.pullCommand),
  push: () => import("./push.ts").then((module) => module.pushCommand),
  save: () => import("./save.ts").then((module) => module.saveCommand),
  load: () => import("./load.ts").then((module) => module.loadCommand),
  diff: () => import("./diff.ts").then((module) => module.diffCommand),
  scan: () => import("./scan.ts").then((module) => module.scanCommand),
  serve: () => import("./serve.ts").then((module) => module.serveCommand),
  rootfs: () => import("./rootfs.ts").then((module) => module.rootfsCommand),
  render: () => import("./render.ts").then((module) => module.renderCommand),
  run: () => import("./run.ts").then((module) => module.runCommand),
  delete: () => import("./delete.ts").then((module) => module.deleteCommand),
};

export const commandSummaries: Record<string, string> = {
  build: "Build a cluster image from a Kubefile",
  images: "List the images in the store",
  inspect: "Show an image's configuration, apps, launch and layers",
  tag: "Give an image another name",
  rmi: "Remove images from the store",
  prune: "Free space: drop unused blobs, stale build cache and leftovers",
  fsck: "Check every blob in the store against its digest",
  login: "Check and save credentials for a registry",
  logout: "Remove the saved credentials of a registry",
  version: "Print version, git commit and platform",
  mirror: "Copy container images into a folder in the registry's storage layout",
  pull: "Copy a cluster image from a registry into the store",
  push: "Push a cluster image to a registry",
  save: "Write images to an archive (full, or a delta against older images)",
  load: "Load images from an archive, verifying every digest",
  diff: "Compare two images: layers, files, container images, metadata, update size",
  scan: "Find the container images that manifests, charts and image lists name",
  serve: "Serve a registry folder or a cluster image's registry, read-only (serve registry)",
  rootfs: "Write the build context of a base cluster image for a Kubernetes version",
  render: "Render a Go template, a Helm chart like helm template, or an image's kubeadm config (render template|chart|kubeadm)",
  run: "Install a cluster from a cluster image, on this machine or over SSH (resumable; --dry-run)",
  delete: "Remove the cluster lade run installed (this machine, or hosts over SSH)",
};
