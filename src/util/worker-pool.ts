import { availableParallelism } from "node:os";

/**
 * The work lade hands to other cores: gzip a block with libdeflate (Bun's `library:
 * "libdeflate"`, which compresses better than zlib at the same level, and faster), or hash a file.
 * Blocks are views of shared memory, so nothing is copied on the way in; a result's buffer is
 * transferred back.
 */
const WORKER_SOURCE = `
self.onmessage = async ({ data }) => {
  try {
    if (data.op === "gzip") {
      const out = Bun.gzipSync(data.block, { level: data.level, library: "libdeflate" });
      postMessage({ out }, [out.buffer]);
    } else {
      const hasher = new Bun.CryptoHasher("sha256");
      for await (const chunk of Bun.file(data.path).stream()) hasher.update(chunk);
      postMessage({ out: hasher.digest("hex") });
    }
  } catch (error) {
    postMessage({ error: String(error && error.message || error) });
  }
};`;

/** At most this many workers, whatever the core count: each costs its own heap (about 10 MiB). */
const MAX_WORKERS = 8;

/** How many workers the pool runs: one per core, up to MAX_WORKERS. */
export function workerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_WORKERS));
}

/** Blocks smaller than this are gzipped on the calling thread: a round trip to a worker would cost more. */
const SMALL_BLOCK_BYTES = 256 * 1024;

type Job = { readonly message: Record<string, unknown>; readonly resolve: (out: unknown) => void; readonly reject: (error: Error) => void };

/** A gzip member of a block, made the same way on a worker or here, so the bytes never depend on where. */
export function gzipHere(block: Uint8Array, level: number): Uint8Array {
  return Bun.gzipSync(block as Uint8Array<ArrayBuffer>, { level, library: "libdeflate" } as unknown as Bun.ZlibCompressionOptions);
}

/**
 * Workers, one per core up to MAX_WORKERS, started on first use and never keeping the process alive. Each has one
 * job at a time; the rest wait here, so a thousand files to hash open one file per core.
 */
class WorkerPool {
  readonly #idle: Worker[] = [];
  readonly #waiting: Job[] = [];
  readonly #running = new Map<Worker, Job>();
  #started = false;

  /** A gzip member of the block (on a worker when it is in shared memory and worth the trip). */
  gzip(block: Uint8Array, level: number): Promise<Uint8Array> {
    if (block.length < SMALL_BLOCK_BYTES || !(block.buffer instanceof SharedArrayBuffer)) return Promise.resolve(gzipHere(block, level));
    return this.#run({ op: "gzip", block, level }) as Promise<Uint8Array>;
  }

  /** The sha256 (hex) of a file's content, read and hashed on a worker. */
  sha256File(path: string): Promise<string> {
    return (this.#run({ op: "sha256-file", path }) as Promise<string>).catch((error: Error) => {
      throw new Error(`Cannot read "${path}": ${error.message}`, { cause: error });
    });
  }

  #run(message: Record<string, unknown>): Promise<unknown> {
    if (!this.#started) this.#start();
    return new Promise<unknown>((resolve, reject) => {
      this.#waiting.push({ message, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#waiting.length > 0) {
      const worker = this.#idle.pop()!;
      const job = this.#waiting.shift()!;
      this.#running.set(worker, job);
      worker.postMessage(job.message);
    }
  }

  #start(): void {
    this.#started = true;
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
    for (let index = 0; index < workerCount(); index++) {
      const worker = new Worker(url);
      worker.unref();
      worker.onmessage = ({ data }: MessageEvent<{ out?: unknown; error?: string }>) => {
        const job = this.#running.get(worker);
        this.#running.delete(worker);
        this.#idle.push(worker);
        if (data.error !== undefined) job?.reject(new Error(data.error));
        else job?.resolve(data.out);
        this.#dispatch();
      };
      // a worker that dies fails its job rather than leaving it waiting forever
      worker.onerror = (event: ErrorEvent) => {
        const job = this.#running.get(worker);
        this.#running.delete(worker);
        job?.reject(new Error(`A worker thread failed: ${event.message}`));
      };
      this.#idle.push(worker);
    }
  }
}

let pool: WorkerPool | undefined;

/** The process's workers. */
export function workerPool(): WorkerPool {
  pool ??= new WorkerPool();
  return pool;
}
