import type { KeyObject } from "node:crypto";
import { isAttachmentName } from "../oci/attachment-tag.ts";
import type { ImageContent } from "../store/image-content.ts";
import type { TaggedImage } from "../store/oci-store.ts";
import { sbomProblems } from "../sbom/check-sbom.ts";
import { keyId, readPublicKey } from "./cosign-key.ts";
import { checkSignatures, signatureProblems } from "./image-signatures.ts";
import { PolicyError, requirementsFor, type KeySource, type SignaturePolicy } from "./signature-policy.ts";

/** What an image must satisfy before lade load or lade run takes it. */
export interface TrustRules {
  readonly policy?: SignaturePolicy;
  /** --trusted-key: every image must (also) carry a good signature by one of these. */
  readonly trustedKeys?: { readonly keys: readonly KeyObject[]; readonly names: string };
  /** --require-signature: an image that nothing names a key for is refused, not accepted. */
  readonly requireSignature: boolean;
}

/** An image refused by the trust rules; the message names the image, its digest and the keys. */
export class TrustError extends Error {
  override name = "TrustError";

  constructor(
    /** What the images are being refused for: "Cannot load x.tar". */
    what: string,
    readonly problems: readonly string[],
  ) {
    super(`${what}: not trusted\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
  }
}

export function hasTrustRules(rules: TrustRules): boolean {
  return rules.policy !== undefined || rules.trustedKeys !== undefined || rules.requireSignature;
}

/** Throws a TrustError naming every image of IMAGES (signature images aside) the rules refuse, and why; WHAT says what is refused. */
export async function enforceTrust(content: ImageContent, images: readonly TaggedImage[], rules: TrustRules, what: string): Promise<void> {
  const problems: string[] = [];
  const keys = new KeyCache();
  for (const image of images) {
    if (isAttachmentName(image.name)) continue;
    problems.push(...(await imageProblems(content, image, rules, keys)));
  }
  if (problems.length > 0) throw new TrustError(what, problems);
}

async function imageProblems(content: ImageContent, image: TaggedImage, rules: TrustRules, keys: KeyCache): Promise<string[]> {
  const problems: string[] = [];
  let named = false;
  if (rules.policy) {
    const { scope, requirements } = requirementsFor(rules.policy, image.name);
    const source = `the policy ${rules.policy.file} (scope "${scope}")`;
    for (const requirement of requirements) {
      if (requirement.type === "reject") problems.push(`${image.name} (${image.descriptor.digest}): ${source} rejects it`);
      if (requirement.type !== "sigstoreSigned") continue;
      named = true;
      const trusted = await keys.read(requirement.keys, rules.policy.file);
      const checks = await checkSignatures(content, image, trusted.keys, requirement.identity);
      for (const problem of signatureProblems(image, checks, trusted.names)) problems.push(`${problem} (${source} requires one)`);
    }
  }
  if (rules.trustedKeys) {
    named = true;
    const checks = await checkSignatures(content, image, rules.trustedKeys.keys);
    for (const problem of signatureProblems(image, checks, rules.trustedKeys.names)) problems.push(`${problem} (--trusted-key requires one)`);
  }
  // a signed image must also say what it holds: its SBOM, checked against the layers
  if (named) problems.push(...(await sbomProblems(content, image)));
  if (rules.requireSignature && !named) {
    const where = rules.policy ? `a sigstoreSigned entry for it in ${rules.policy.file}` : "--trusted-key PUB, or a policy file";
    problems.push(`${image.name} (${image.descriptor.digest}): --require-signature, but no key is named for it (give ${where})`);
  }
  return problems;
}

/** Public keys of a policy, each read once per run. */
class KeyCache {
  private readonly byPath = new Map<string, KeyObject>();

  async read(sources: readonly KeySource[], policyFile: string): Promise<{ keys: KeyObject[]; names: string }> {
    const keys: KeyObject[] = [];
    const names: string[] = [];
    for (const source of sources) {
      const key = "path" in source ? await this.readFile(source.path, policyFile) : parseKey(source.pem, source.label);
      keys.push(key);
      names.push(`${"path" in source ? source.path : source.label} (key ${keyId(key)})`);
    }
    return { keys, names: names.join(", ") };
  }

  private async readFile(path: string, policyFile: string): Promise<KeyObject> {
    const cached = this.byPath.get(path);
    if (cached) return cached;
    const file = Bun.file(path);
    if (!(await file.exists())) throw new PolicyError(`${policyFile} names the key ${path}, which does not exist`);
    const key = parseKey(await file.text(), path);
    this.byPath.set(path, key);
    return key;
  }
}

function parseKey(text: string, label: string): KeyObject {
  try {
    return readPublicKey(text, label);
  } catch (error) {
    throw new PolicyError((error as Error).message);
  }
}
