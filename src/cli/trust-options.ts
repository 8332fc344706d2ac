import { join } from "node:path";
import type { OciStore } from "../store/oci-store.ts";
import type { LoadOptions } from "../store/load-archive.ts";
import { enforceTrust, hasTrustRules, type TrustRules } from "../trust/enforce-policy.ts";
import { parsePolicy, PolicyError, type SignaturePolicy } from "../trust/signature-policy.ts";
import { UsageError } from "./global-options.ts";
import { readPublicKeys } from "./read-keys.ts";
import { repeatedOption } from "./repeated-option.ts";

/** The policy file lade reads when --policy does not name one: beside the store. */
export const POLICY_FILE_NAME = "policy.json";

/** The options of the commands that take images in (lade load, lade run). */
export const trustArgs = {
  policy: {
    type: "string",
    description: `Signature policy in containers-policy.json(5) format (skopeo's): which keys must sign which images (default: STORE/${POLICY_FILE_NAME} when it exists)`,
  },
  "require-signature": {
    type: "boolean",
    description: "Refuse any image no key is named for (by the policy or --trusted-key), instead of taking it unsigned",
  },
  "trusted-key": {
    type: "string",
    description: "Public key every image must be signed with (repeatable, or comma-separated: any of them); implies --require-signature",
  },
} as const;

/** The rules of --policy / STORE/policy.json, --trusted-key and --require-signature; a bad policy or key stops here. */
export async function readTrustRules(args: { policy?: string; "require-signature"?: boolean }, rawArgs: readonly string[], store: OciStore): Promise<TrustRules> {
  const policy = await readPolicy(args.policy, store);
  const keyFiles = repeatedOption(rawArgs, "trusted-key").flatMap((value) => value.split(",").filter(Boolean));
  const trustedKeys = keyFiles.length > 0 ? await readPublicKeys(keyFiles) : undefined;
  return { policy, trustedKeys, requireSignature: args["require-signature"] === true || trustedKeys !== undefined };
}

/** lade load's judge of a staged archive under RULES (none when there are no rules); WHAT says what is refused. */
export function archiveJudge(rules: TrustRules, what: string): LoadOptions["judge"] {
  return hasTrustRules(rules) ? (content, images) => enforceTrust(content, images, rules, what) : undefined;
}

async function readPolicy(file: string | undefined, store: OciStore): Promise<SignaturePolicy | undefined> {
  const path = file ?? join(store.root, POLICY_FILE_NAME);
  const handle = Bun.file(path);
  if (!(await handle.exists())) {
    if (file) throw new UsageError(`The policy file ${file} does not exist`);
    return undefined;
  }
  try {
    return parsePolicy(await handle.text(), path);
  } catch (error) {
    if (error instanceof PolicyError) throw new UsageError(error.message);
    throw error;
  }
}
