import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import { InvalidConfigError, NotFoundError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { actorOf, adminRecord, type AdminEnv } from "../operators/identity";
import { generateOperatorToken, operatorTokenDigest } from "../operators/operator-token";
import { isRole, type Role } from "../operators/roles";
import { MAX_OPERATORS } from "../operators/table";

/** A plain e-mail address (RFC 5321's length limit); the admin API does not send mail, it names people. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** Validates a `POST /admin/operators` body, naming the first bad field (400 `INVALID_CONFIG`). */
export function validateNewOperator(raw: unknown): { email: string; role: Role } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InvalidConfigError("(body)", "must be a JSON object");
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (key !== "email" && key !== "role") throw new InvalidConfigError(key, "is not a known field");
  const { email, role } = input;
  if (typeof email !== "string" || !EMAIL.test(email) || email.length > 320)
    throw new InvalidConfigError("email", "must be an e-mail address");
  if (!isRole(role)) throw new InvalidConfigError("role", 'must be "viewer", "editor" or "owner"');
  return { email: email.toLowerCase(), role };
}

/**
 * Operators (SPEC §5a), global to the deployment: `POST /admin/operators {"email","role"}` →
 * `201 {"id","token",…}` (the token shown this once, stored hashed), `GET` lists them (never a
 * token), `DELETE /admin/operators/{id}` revokes one. Owners only (`admin-roles.ts`). Each change is
 * recorded in the deployment's audit log (`GET /admin/audit`) in the same transaction.
 */
export const operatorRoutes = new Hono<AdminEnv>()
  .post("/", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const input = validateNewOperator(await readJsonBody(c.req.raw, gateway.limits.maxBodyBytes, gateway.limits.maxJsonDepth));
    const token = generateOperatorToken();
    const id = `op_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
    const identity = c.get("admin");
    const createdBy = identity.email ?? identity.kind;
    const record = await gateway.authority.deployment.createOperator(
      { id, email: input.email, role: input.role, createdBy },
      await operatorTokenDigest(token),
      adminRecord(c, "operator.create", { email: input.email, role: input.role }, id),
    );
    if (record === "limit")
      throw new InvalidConfigError("(body)", `the deployment already has ${MAX_OPERATORS} operators; revoke some first`);
    if (record === "exists") throw new InvalidConfigError("email", "already names a live operator; revoke it first to change its role");
    return c.json({ ...record, token }, 201, { "cache-control": "no-store" });
  })
  .get("/", async (c) => {
    const gateway = await gatewayConfig(c.env);
    return c.json({ operators: await gateway.authority.deployment.listOperators() }, 200);
  })
  .delete("/:id", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const id = c.req.param("id");
    if (!/^op_[0-9a-f]{20}$/.test(id)) throw new NotFoundError("No operator with this id.");
    const revoked = await gateway.authority.deployment.revokeOperator(id, adminRecord(c, "operator.revoke", {}, id));
    if (!revoked) throw new NotFoundError("No operator with this id.");
    return c.body(null, 204);
  });

/** `GET /admin/whoami`: the caller's identity and role, for the console to show and to hide what the role may not do. */
export const whoamiRoute = new Hono<AdminEnv>().get("/", (c) => {
  const identity = c.get("admin");
  return c.json({ ...actorOf(identity), via: identity.via, role: identity.role }, 200, { "cache-control": "no-store" });
});
