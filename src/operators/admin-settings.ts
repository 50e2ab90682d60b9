import type { GatewayConfig } from "../config/gateway-config";
import type { AdminAuthSettings } from "../middleware/admin-auth";

/**
 * What the admin-auth middleware needs, from the gateway's typed configuration: the admin token's
 * digest, the directory object's operator lookup and, when Cloudflare Access is configured, the
 * assertion verifier.
 */
export function adminAuthSettings(config: GatewayConfig): AdminAuthSettings {
  return {
    adminTokenDigest: config.adminTokenDigest,
    findOperator: (digest) => config.authority.deployment.findOperator(digest),
    verifyAccess: null,
  };
}
