import { availableParallelism } from "node:os";

/**
 * Each worker gzips the blocks it is sent with libdeflate (Bun's `library: "libdeflate"`), which
 * compresses better than zlib at the same level and faster. The blocks are views of shared
 * memory, so nothing is copied on the way in; the result's buffer is transferred back.
 */
const WORKER_SOURCE = `
self.onmessage = ({ data }) => {
  try {
    const out = Bun.gzipSync(data.block, { level: data.level, library: "libdeflate" });
    postMessage({ id: data.id, out }, [out.buffer]);
  } catch (error) {
    postMessage({ id: data.id, error: String(error) });
  }
};`;

/** Blocks smaller than this are gzipped on the calling thread: starting a worker would cost more. */
const SMALL_BLOCK_BYTES = 256 * 1024;

type Job = { readonly resolve: (out: Uint8Array) => void; readonly reject: (error: Error) => void };

/** A gzip member of a block, made the same way on a worker or here, so the bytes never depend on where. */
export function gzipHere(block: Uint8Array, level: number): Uint8Array {
  return Bun.gzipSync(block as Uint8Array<ArrayBuffer>, { level, library: "libdeflate" } as unknown as Bun.ZlibCompressionOptions);
}

/** Workers, one per core, started on first use and never keeping the process alive. */
class DeflatePool {
  readonly #workers: Worker[] = [];
  readonly #busy: number[] = [];
  readonly #jobs = new Map<number, Job>();
  #nextId = 0;

  gzip(block: Uint8Array, level: number): Promise<Uint8Array> {
    if (block.length < SMALL_BLOCK_BYTES || !(block.buffer instanceof SharedArrayBuffer)) return Promise.resolve(gzipHere(block, level));
    const index = this.#leastBusy();
    const id = this.#nextId++;
    this.#busy[index]!++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#jobs.set(id, { resolve, reject });
      this.#workers[index]!.postMessage({ id, block, level });
    }).finally(() => this.#busy[index]!--);
  }

  #leastBusy(): number {
    if (this.#workers.length === 0) this.#start();
    let best = 0;
    for (let index = 1; index < this.#busy.length; index++) if (this.#busy[index]! < this.#busy[best]!) best = index;
    return best;
  }

  #start(): void {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
    for (let index = 0; index < availableParallelism(); index++) {
      const worker = new Worker(url);
      worker.unref();
      worker.onmessage = ({ data }: MessageEvent<{ id: number; out?: Uint8Array; error?: string }>) => {
        const job = this.#jobs.get(data.id);
        this.#jobs.delete(data.id);
        if (data.error !== undefined) job?.reject(new Error(`Cannot compress a block: ${data.error}`));
        else job?.resolve(data.out!);
      };
      this.#workers.push(worker);
      this.#busy.push(0);
    }
  }
}

let pool: DeflatePool | undefined;

/** The process's deflate workers. */
export function deflatePool(): DeflatePool {
  pool ??= new DeflatePool();
  return pool;
}
