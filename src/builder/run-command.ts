import type { RunInstruction } from "../kubefile/instruction.ts";
import { BuildError } from "./build-error.ts";
import type { BuildReporter } from "./build-reporter.ts";

/**
 * Run a RUN instruction on the build host with the rootfs working copy as its directory and only
 * the Kubefile's ARG and ENV (plus the host's PATH) as environment.
 */
export async function runCommand(
  instruction: RunInstruction,
  cwd: string,
  env: Record<string, string>,
  reporter: BuildReporter,
): Promise<void> {
  const argv = typeof instruction.command === "string" ? ["/bin/sh", "-c", instruction.command] : [...instruction.command];
  if (argv.length === 0 || !argv[0]) throw new BuildError(instruction.location, "Cannot run an empty command");
  let child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    child = Bun.spawn(argv, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  } catch (error) {
    throw new BuildError(instruction.location, `Cannot start "${argv[0]}": ${(error as Error).message}`, { cause: error });
  }
  const forward = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) reporter.output(decoder.decode(chunk, { stream: true }));
  };
  const [exitCode] = await Promise.all([child.exited, forward(child.stdout), forward(child.stderr)]);
  if (exitCode !== 0) {
    throw new BuildError(instruction.location, `RUN failed: the command exited with code ${exitCode}`);
  }
}
