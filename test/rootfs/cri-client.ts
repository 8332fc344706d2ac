import http2 from "node:http2";
import net from "node:net";

/**
 * The smallest CRI client there is: `runtime.v1.ImageService/PullImage` over containerd's gRPC
 * socket, the call the kubelet makes (so registry hosts come from the CRI plugin's config_path,
 * as on a node — `ctr` does not read it). The request is encoded by hand:
 * PullImageRequest{image: ImageSpec{image: NAME}}.
 */
export async function criPullImage(socket: string, image: string, timeoutMs = 30_000): Promise<{ status: number; message: string; imageRef: string }> {
  const spec = field(1, new TextEncoder().encode(image));
  const request = field(1, spec);
  const frame = new Uint8Array(5 + request.length);
  new DataView(frame.buffer).setUint32(1, request.length);
  frame.set(request, 5);
  const client = http2.connect("http://localhost", { createConnection: () => net.connect(socket) });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PullImage ${image} timed out`)), timeoutMs);
      const stream = client.request({ ":method": "POST", ":path": "/runtime.v1.ImageService/PullImage", "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let message = "";
      const take = (headers: http2.IncomingHttpHeaders) => {
        if (headers["grpc-status"] !== undefined) status = Number(headers["grpc-status"]);
        if (headers["grpc-message"] !== undefined) message = decodeURIComponent(String(headers["grpc-message"]));
      };
      stream.on("response", take);
      stream.on("trailers", take);
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      stream.on("end", () => {
        clearTimeout(timer);
        // PullImageResponse{image_ref = 1}: skip the 5-byte frame header, the tag and the length
        const body = Buffer.concat(chunks);
        const imageRef = body.length > 7 ? body.subarray(7).toString("utf8") : "";
        resolve({ status: status ?? -1, message, imageRef });
      });
      stream.end(frame);
    });
  } finally {
    client.close();
  }
}

function field(number: number, bytes: Uint8Array): Uint8Array {
  const length: number[] = [];
  let value = bytes.length;
  while (value > 127) {
    length.push((value & 127) | 128);
    value >>>= 7;
  }
  length.push(value);
  return new Uint8Array([(number << 3) | 2, ...length, ...bytes]);
}
