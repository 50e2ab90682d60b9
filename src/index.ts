export default {
  async fetch(req: Request, env: { DEMO_ORIGIN: Fetcher }) {
    const r = await env.DEMO_ORIGIN.fetch("https://demo-origin.internal/x");
    await caches.default.put("https://k/1", new Response("hi", { headers: { "cache-control": "max-age=60" } }));
    return new Response(await r.text() + " " + (await (await caches.default.match("https://k/1"))?.text()));
  },
};
