/**
 * `promise`, or a rejection once `ms` have passed: a call to another object (a Durable Object)
 * that takes longer counts as failed, so no request waits on it without bound.
 *
 * @example const payload = await withTimeout(stub.sync(seq), 5_000);
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("call timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
