export default {
  async fetch(req: Request, env: { DB: D1Database }) {
    const r = await env.DB.prepare("select 1 as one").first();
    return Response.json({ path: new URL(req.url).pathname, r });
  },
};
