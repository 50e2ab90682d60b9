/** The line under the result: how the gateway answered the last request (see response-meta.ts). */
import { metaParts, type ResponseMeta } from "./response-meta";

/**
 * `HTTP 200 · x-cache HIT · age 3 s · Server-Timing cache 0.4 ms`; before the first answer, a
 * hint. A live region, so a screen reader hears each new answer's outcome.
 *
 * @example <AnswerBar meta={responseMeta(200, response.headers)} />
 */
export function AnswerBar({ meta }: { meta: ResponseMeta | null }) {
  return (
    <div className="ce-answer" role="status" aria-live="polite" aria-label="How the gateway answered" data-x-cache={meta?.xCache ?? ""}>
      {meta === null ? (
        <span className="ce-answer-hint">Run a query to see how the gateway answered it: x-cache, age and Server-Timing.</span>
      ) : (
        metaParts(meta).map(([label, value]) => (
          <span key={label} className="ce-answer-part" data-part={label.toLowerCase()}>
            <span className="ce-answer-label">{label}</span> <code>{value}</code>
          </span>
        ))
      )}
    </div>
  );
}
