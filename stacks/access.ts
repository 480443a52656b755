// Front-door facts shared by config resolution (config.ts) and validation (validate.ts): when it is on, and the OIDC
// endpoints of issuers whose layout is fixed.
import type { RawPlatformConfig } from "./schema";

export interface OidcEndpoints {
    authorizationUrl: string;
    tokenUrl: string;
    userinfoUrl: string;
}

/** Domain of the local front door: localtest.me and all its subdomains resolve to 127.0.0.1. */
export const LOCAL_DOMAIN = "localtest.me";
export const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

/**
 * OIDC endpoints for the issuers whose layout is fixed (Grafana's generic OAuth needs them spelled out): Entra ID,
 * Google, Keycloak realms and Okta authorization servers. Undefined for any other issuer.
 */
export function wellKnownEndpoints(issuerUrl: string): OidcEndpoints | undefined {
    const base = issuerUrl.replace(/\/+$/, "");
    const entra = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0$/.exec(base);
    if (entra) {
        const root = `https://login.microsoftonline.com/${entra[1]}/oauth2/v2.0`;
        return { authorizationUrl: `${root}/authorize`, tokenUrl: `${root}/token`, userinfoUrl: "https://graph.microsoft.com/oidc/userinfo" };
    }
    if (base === "https://accounts.google.com") {
        return {
            authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth",
            tokenUrl: "https://oauth2.googleapis.com/token",
            userinfoUrl: "https://openidconnect.googleapis.com/v1/userinfo",
        };
    }
    if (/\/realms\/[^/]+$/.test(base)) {
        const root = `${base}/protocol/openid-connect`;
        return { authorizationUrl: `${root}/auth`, tokenUrl: `${root}/token`, userinfoUrl: `${root}/userinfo` };
    }
    if (/^https:\/\/[^/]+\.(okta|oktapreview)\.com(\/oauth2\/[^/]+)?$/.test(base)) {
        const root = base.includes("/oauth2/") ? `${base}/v1` : `${base}/oauth2/v1`;
        return { authorizationUrl: `${root}/authorize`, tokenUrl: `${root}/token`, userinfoUrl: `${root}/userinfo` };
    }
    return undefined;
}

/** Whether the front door is on: by default locally, and on clouds once a domain is set. */
export function accessEnabled(c: Pick<Partial<RawPlatformConfig>, "cloud" | "access">): boolean {
    return c.access?.enabled ?? (c.cloud === "local" || c.access?.domain !== undefined);
}
