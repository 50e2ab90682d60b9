/** One document to trust: its SHA-256 (lower-case hex), its exact text, and where it came from (a file or a manifest key). */
export interface PushDocument {
  sha256: string;
  query: string;
  source: string;
}
/** Documents per `PUT` (the gateway's `MAX_DOCUMENTS_PER_REQUEST`). */
export const CHUNK: number;
/** SHA-256 (hex) of a text's UTF-8 bytes. */
export function sha256Hex(text: string): string;
/** The documents of a directory of `.graphql` files or of a manifest; throws naming a hash that is not its query's. */
export function readDocuments(path: string): PushDocument[];
/** The `PUT …/documents` requests, in chunks of {@link CHUNK}. */
export function pushRequests(
  documents: readonly PushDocument[],
  target: { url: string; project: string; environment: string; token: string },
): Array<{ url: string; init: RequestInit & { headers: Record<string, string>; body: string } }>;
/** `--name value`, `--name=value` and positional arguments. */
export function parseArgs(argv: readonly string[]): { options: Record<string, string>; positional: string[] };
/** Runs the CLI; resolves to its exit code. */
export function main(
  argv: readonly string[],
  env?: Record<string, string | undefined>,
  io?: { log: (line: string) => void; error: (line: string) => void; fetchImpl: typeof fetch },
): Promise<number>;
