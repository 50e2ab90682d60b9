import http from "node:http";
import { connect } from "node:net";

/** What one request over a real socket gave: an answer, or the transport error instead. */
export interface Answer {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: string;
  /** `ECONNRESET`, `TIMEOUT`, `ABORTED`, … when no complete answer arrived. */
  error?: string;
  /** Whether the request went over a keep-alive connection an earlier request had used. */
  reusedSocket?: boolean;
}

export interface Send {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with chunked transfer coding (no Content-Length), in 16 KiB writes. */
  chunked?: boolean;
  /** A keep-alive agent to share a connection with other requests; default: a fresh connection. */
  agent?: http.Agent;
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 request with node:http, never throwing: transport failures (reset, abort,
 * timeout) come back as `error` so a test can assert that none happened.
 */
export function send(base: string, request: Send): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined && !request.chunked) headers["content-length"] = String(Buffer.byteLength(request.body));
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method ?? "GET", path: request.path, headers, agent: request.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("aborted", () => done({ error: "ABORTED", status: res.statusCode }));
        res.on("error", (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message, status: res.statusCode }));
        res.on("end", () =>
          done({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: "TIMEOUT" });
    }, request.timeoutMs ?? 15_000);
    req.on("error", (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message }));
    if (request.body === undefined) return void req.end();
    if (!request.chunked) return void req.end(request.body);
    const bytes = Buffer.from(request.body);
    for (let offset = 0; offset < bytes.length; offset += 16_384) req.write(bytes.subarray(offset, offset + 16_384));
    req.end();
  });
}

/** The `extensions.code` of a GraphQL error body, or undefined when the body is not one. */
export function errorCodeOf(answer: Answer): unknown {
  try {
    return (JSON.parse(answer.body ?? "") as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code;
  } catch {
    return undefined;
  }
}

/** Writes `head` (a raw request head, CRLFs included) on a new TCP connection; resolves with all bytes read until close. */
export function rawExchange(port: number, head: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    const timer = setTimeout(() => (socket.destroy(), resolve(`${text}\n[TIMEOUT]`)), timeoutMs);
    socket.on("data", (chunk) => (text += chunk.toString("latin1")));
    socket.on("close", () => (clearTimeout(timer), resolve(text)));
    socket.on("error", (error: NodeJS.ErrnoException) => (clearTimeout(timer), resolve(`${text}\n[${error.code}]`)));
  });
}
