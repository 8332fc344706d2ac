import { Document } from "yaml";
import type { ConfigDocument } from "./config-document.ts";

/**
 * The documents as one multi-document YAML file, `apiVersion` and `kind` first. Written as YAML 1.1
 * (what kubeadm's decoder reads), so strings such as "on", "yes" or "0777" come out quoted.
 */
export function formatKubeadmConfig(documents: readonly ConfigDocument[]): string {
  return documents
    .map((document) => {
      const yaml = new Document({ apiVersion: document.apiVersion, kind: document.kind, ...document.body }, { version: "1.1" });
      return yaml.toString({ lineWidth: 0 });
    })
    .join("---\n");
}
