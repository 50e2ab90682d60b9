import type { GatewayConfig } from "../config/gateway-config";
import type { AdminAuthSettings } from "../middleware/admin-auth";
import { verifyAccessAssertion } from "./access";

/**
 * What the admin-auth middleware needs, from the gateway's typed configuration: the admin token's
 * digest, the directory object's operator lookup and, when Cloudflare Access is configured, the
 * assertion verifier.
 */
export function adminAuthSettings(config: GatewayConfig): AdminAuthSettings {
  return {
    adminTokenDigest: config.adminTokenDigest,
    findOperator: (digest) => config.authority.deployment.findOperator(digest),
    verifyAccess: config.access && verifyAccess(config),
  };
}

/**
 * An Access assertion as the admin API's identity: a user by e-mail (lower-cased, so audit
 * filters match however the identity provider spells it), a service token by `service:<client id>`.
 */
function verifyAccess(config: GatewayConfig): AdminAuthSettings["verifyAccess"] {
  const settings = config.access!;
  return async (assertion) => {
    const identity = await verifyAccessAssertion(assertion, settings, { serviceOrigins: config.serviceOrigins, now: Date.now });
    return identity.kind === "user"
      ? { email: identity.email.toLowerCase(), role: identity.role }
      : { id: `service:${identity.commonName}`, role: identity.role };
  };
}
