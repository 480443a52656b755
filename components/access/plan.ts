// The front door as plain data: which UIs are served at which hosts, the Gateway API objects, cert-manager issuers and
// certificate, and the charts' values. Pure functions of the config and the cluster facts; components/access/index.ts
// only registers them.
import { ACCESS_CHARTS, CERT_MANAGER_SERVICE_ACCOUNT, NAMESPACES, PORTS, SERVICES } from "../../stacks/catalog";
import type { AccessSettings, PlatformConfig } from "../../stacks/config";
import type { ProxiedUi } from "../../stacks/schema";
import { placementValues } from "../cluster/placement";
import type { ClusterInfo, Dns01Solver, Placement } from "../cluster/types";
import { operatorReplicas, RESTRICTED_CONTAINER, restrictedPod, SIZING } from "../workloads/sizing";

export type Ui = "airflow" | "grafana" | ProxiedUi;

/** Names of the front door's objects. */
export const GATEWAY = {
    className: "dataops",
    name: "dataops",
    envoyProxy: "dataops",
    certificate: "dataops-gateway",
    /** The certificate's Secret (ACME and self-signed modes); mode secret names its own. */
    tlsSecret: "dataops-gateway-tls",
    httpsListener: "https",
    httpListener: "http",
} as const;

export const ISSUERS = {
    acme: "dataops-acme",
    acmeAccountSecret: "dataops-acme-account",
    selfSigned: "dataops-selfsigned",
    localCa: "dataops-local-ca",
    /** The local CA's certificate and key, in the cert-manager namespace (users trust ca.crt from it). */
    localCaSecret: "dataops-local-ca",
} as const;

/** Envoy Gateway runs as this uid (its image and its default security contexts). */
export const ENVOY_UID = 65532;

/** One UI behind the gateway: its host, and the Service (and pod port) the route sends it to. */
export interface UiRoute {
    ui: Ui;
    host: string;
    url: string;
    /** Where the HTTPRoute lives: beside its Service, so no cross-namespace reference is needed. */
    namespace: string;
    service: string;
    servicePort: number;
    /** The port the gateway's traffic reaches in the UI's pods (NetworkPolicies judge pod ports). */
    podPort: number;
    /** Behind oauth2-proxy (UIs without a sign-in of their own): the route goes to the proxy in the gateway namespace. */
    proxied: boolean;
}

/** Upstreams of the UIs that sit behind oauth2-proxy. */
const PROXIED: Record<ProxiedUi, { service: string; port: number }> = {
    prometheus: { service: SERVICES.prometheus, port: PORTS.prometheus },
    alertmanager: { service: SERVICES.alertmanager, port: PORTS.alertmanager },
};

/** oauth2-proxy release of one UI; its Service (named after the release) listens on 80. */
export function proxyRelease(ui: ProxiedUi): string {
    return `${ACCESS_CHARTS.oauth2Proxy.releaseName}-${ui}`;
}

export function hostOf(access: AccessSettings, ui: Ui): string {
    return `${ui}.${access.domain}`;
}

/** The UIs served for this config; empty when the front door is off. */
export function uiRoutes(cfg: PlatformConfig): UiRoute[] {
    const a = cfg.access;
    if (!a.enabled) {
        return [];
    }
    const route = (ui: Ui, r: Omit<UiRoute, "ui" | "host" | "url">): UiRoute => ({ ui, host: hostOf(a, ui), url: `https://${hostOf(a, ui)}`, ...r });
    const out: UiRoute[] = [];
    if (cfg.airflow.enabled) {
        out.push(
            route("airflow", {
                namespace: NAMESPACES.airflow,
                service: SERVICES.airflowApiServer,
                servicePort: PORTS.airflowApiServer,
                podPort: PORTS.airflowApiServer,
                proxied: false,
            }),
        );
    }
    if (cfg.grafana.enabled) {
        out.push(
            route("grafana", { namespace: NAMESPACES.monitoring, service: SERVICES.grafana, servicePort: PORTS.grafanaService, podPort: PORTS.grafanaPod, proxied: false }),
        );
    }
    if (a.sso && cfg.prometheus.enabled) {
        for (const ui of a.expose) {
            out.push(route(ui, { namespace: NAMESPACES.gateway, service: proxyRelease(ui), servicePort: 80, podPort: PORTS.oauth2Proxy, proxied: true }));
        }
    }
    return out;
}

/** The UIs' URLs, for stack outputs and the plan. */
export function frontDoorUrls(cfg: PlatformConfig): Partial<Record<Ui, string>> {
    return Object.fromEntries(uiRoutes(cfg).map((r) => [r.ui, r.url]));
}

/** The pod ports of each namespace the gateway (Envoy and the OIDC proxies) must reach, for the isolation plan. */
export function gatewayTargets(cfg: PlatformConfig): { namespace: string; ports: number[] }[] {
    const byNs = new Map<string, number[]>();
    const add = (ns: string, port: number) => byNs.set(ns, [...new Set([...(byNs.get(ns) ?? []), port])]);
    for (const r of uiRoutes(cfg)) {
        if (r.proxied) {
            const up = PROXIED[r.ui as ProxiedUi];
            add(NAMESPACES.monitoring, up.port);
        } else {
            add(r.namespace, r.podPort);
        }
    }
    byNs.delete(NAMESPACES.gateway);
    return [...byNs.entries()].map(([namespace, ports]) => ({ namespace, ports }));
}

/** Whether the gateway namespace needs the internet: the OIDC proxies call the identity provider. */
export function gatewayNeedsInternet(cfg: PlatformConfig): boolean {
    return uiRoutes(cfg).some((r) => r.proxied);
}

/** The Secret the gateway's HTTPS listener serves. */
export function tlsSecretName(access: AccessSettings): string {
    return access.tls.mode === "secret" ? access.tls.secretName ?? GATEWAY.tlsSecret : GATEWAY.tlsSecret;
}

// ---- Gateway API and Envoy Gateway objects ----

/** EnvoyProxy: the proxies' Deployment and Service, load balancer annotations and allow list from the target. */
export function envoyProxySpec(cfg: PlatformConfig, cluster: ClusterInfo): Record<string, unknown> {
    const a = cfg.access;
    const replicas = operatorReplicas(cfg.profile);
    const local = cluster.frontDoor === undefined;
    const service: Record<string, unknown> = local
        ? {
              // kind maps the host's 80 and 443 to these node ports (scripts/kind-config.yaml).
              type: "NodePort",
              patch: {
                  type: "StrategicMerge",
                  value: {
                      spec: {
                          ports: [
                              { port: PORTS.gatewayHttps, nodePort: PORTS.kindHttpsNodePort },
                              { port: PORTS.gatewayHttp, nodePort: PORTS.kindHttpNodePort },
                          ],
                      },
                  },
              },
          }
        : {
              type: "LoadBalancer",
              annotations: cluster.frontDoor!.loadBalancerAnnotations[a.exposure],
              // Local: the load balancer forwards to nodes that run a proxy, keeping the client address for the allow list.
              externalTrafficPolicy: "Local",
              ...(a.allowedCidrs.length > 0 ? { loadBalancerSourceRanges: a.allowedCidrs } : {}),
          };
    return {
        provider: {
            type: "Kubernetes",
            kubernetes: {
                envoyDeployment: {
                    replicas,
                    container: { resources: SIZING[cfg.profile].envoyProxy },
                    pod: { securityContext: restrictedPod(ENVOY_UID), ...placementValues(cluster.placement?.platform) },
                },
                ...(replicas > 1 ? { envoyPDB: { minAvailable: 1 } } : {}),
                envoyService: service,
            },
        },
    };
}

export function gatewayClassSpec(): Record<string, unknown> {
    return { controllerName: "gateway.envoyproxy.io/gatewayclass-controller" };
}

/** Routes may attach from the UIs' namespaces (each route lives beside its Service) and the gateway's own. */
export function routeNamespaces(cfg: PlatformConfig): string[] {
    return [...new Set([NAMESPACES.gateway, ...uiRoutes(cfg).map((r) => r.namespace)])].sort();
}

export function gatewaySpec(cfg: PlatformConfig): Record<string, unknown> {
    const a = cfg.access;
    const wildcard = `*.${a.domain}`;
    return {
        gatewayClassName: GATEWAY.className,
        infrastructure: { parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: GATEWAY.envoyProxy } },
        listeners: [
            {
                name: GATEWAY.httpsListener,
                protocol: "HTTPS",
                port: PORTS.gatewayHttps,
                hostname: wildcard,
                tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: tlsSecretName(a) }] },
                allowedRoutes: {
                    namespaces: {
                        from: "Selector",
                        selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: routeNamespaces(cfg) }] },
                    },
                },
            },
            // Plain HTTP only redirects to HTTPS (the redirect route lives in the gateway namespace).
            { name: GATEWAY.httpListener, protocol: "HTTP", port: PORTS.gatewayHttp, hostname: wildcard, allowedRoutes: { namespaces: { from: "Same" } } },
        ],
    };
}

const parentRef = (sectionName: string) => ({ group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY.name, namespace: NAMESPACES.gateway, sectionName });

export function httpRouteSpec(r: UiRoute): Record<string, unknown> {
    return {
        parentRefs: [parentRef(GATEWAY.httpsListener)],
        hostnames: [r.host],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: r.service, port: r.servicePort }] }],
    };
}

export function redirectRouteSpec(): Record<string, unknown> {
    return {
        parentRefs: [parentRef(GATEWAY.httpListener)],
        rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    };
}

// ---- cert-manager ----

/** A ClusterIssuer: ambient credentials (workload identity) are only honoured for cluster issuers by default. */
export interface IssuerObject {
    name: string;
    spec: Record<string, unknown>;
}

export function acmeIssuer(access: AccessSettings, dns01: Dns01Solver): IssuerObject {
    return {
        name: ISSUERS.acme,
        spec: {
            acme: {
                email: access.tls.email,
                server: access.tls.acmeServer,
                privateKeySecretRef: { name: ISSUERS.acmeAccountSecret },
                solvers: [{ selector: { dnsZones: [access.domain] }, dns01: dns01.dns01 }],
            },
        },
    };
}

export function selfSignedIssuers(): { selfSigned: IssuerObject; ca: IssuerObject } {
    return {
        selfSigned: { name: ISSUERS.selfSigned, spec: { selfSigned: {} } },
        ca: { name: ISSUERS.localCa, spec: { ca: { secretName: ISSUERS.localCaSecret } } },
    };
}

/** The local CA certificate, signed by itself, in the cert-manager namespace (the CA issuer's resource namespace). */
export function localCaCertificateSpec(): Record<string, unknown> {
    return {
        isCA: true,
        commonName: "dataops local CA",
        secretName: ISSUERS.localCaSecret,
        duration: "87600h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: ISSUERS.selfSigned },
    };
}

/** The gateway's certificate: the base domain and one wildcard for all UI hosts (DNS-01 or the local CA can sign it). */
export function gatewayCertificateSpec(access: AccessSettings): Record<string, unknown> {
    return {
        secretName: GATEWAY.tlsSecret,
        dnsNames: [`*.${access.domain}`, access.domain],
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: access.tls.mode === "acme" ? ISSUERS.acme : ISSUERS.localCa },
    };
}

// ---- chart values ----

export function envoyGatewayValues(cfg: PlatformConfig, placement?: Placement): Record<string, unknown> {
    const replicas = operatorReplicas(cfg.profile);
    return {
        // CRDs are applied by Pulumi from the same tag (components/access/crds.ts), so upgrades reach them.
        crds: { enabled: false },
        deployment: { replicas, envoyGateway: { resources: SIZING[cfg.profile].envoyGateway }, pod: placementValues(placement) },
        certgen: { job: placementValues(placement) },
        podDisruptionBudget: { minAvailable: replicas > 1 ? 1 : 0 },
        config: {
            envoyGateway: {
                gateway: { controllerName: gatewayClassSpec().controllerName },
                // Watching only the namespaces routes live in makes the chart grant Roles there instead of a
                // ClusterRole: the controller reads Secrets in those namespaces, not in every one.
                provider: { type: "Kubernetes", kubernetes: { watch: { type: "Namespaces", namespaces: routeNamespaces(cfg) } } },
                logging: { level: { default: "info" } },
            },
        },
    };
}

export function certManagerValues(cfg: PlatformConfig, dns01: Dns01Solver | undefined, placement?: Placement): Record<string, unknown> {
    const s = SIZING[cfg.profile];
    const replicas = operatorReplicas(cfg.profile);
    const place = placementValues(placement);
    return {
        crds: { enabled: false },
        global: {
            // Leader election in its own namespace rather than kube-system, which the platform does not isolate.
            leaderElection: { namespace: NAMESPACES.certManager },
            // The chart aggregates rights on Certificates and Issuers into view/edit/admin; a team with edit could then
            // have the platform's ClusterIssuer sign a certificate for the UIs' domain. Only the platform issues.
            rbac: { aggregateClusterRoles: false },
        },
        replicaCount: replicas,
        resources: s.certManagerController,
        ...place,
        serviceAccount: { create: true, name: CERT_MANAGER_SERVICE_ACCOUNT, ...(dns01 ? { annotations: dns01.serviceAccountAnnotations } : {}) },
        ...(dns01 && Object.keys(dns01.podLabels).length > 0 ? { podLabels: dns01.podLabels } : {}),
        webhook: { replicaCount: replicas, resources: s.certManagerWebhook, ...place },
        cainjector: { replicaCount: replicas, resources: s.certManagerCainjector, ...place },
        startupapicheck: { resources: s.certManagerCainjector, ...place },
        prometheus: { enabled: false },
    };
}

export const PROXY_SECRET_KEYS = { clientId: "client-id", clientSecret: "client-secret", cookieSecret: "cookie-secret" } as const;

export function proxySecretName(ui: ProxiedUi): string {
    return `${proxyRelease(ui)}-oidc`;
}

/** oauth2-proxy in front of one UI: OIDC sign-in with the issuer, only the mapped groups pass. */
export function oauth2ProxyValues(cfg: PlatformConfig, ui: ProxiedUi, placement?: Placement): Record<string, unknown> {
    const sso = cfg.access.sso!;
    const up = PROXIED[ui];
    const groups = [...new Set([...sso.adminGroups, ...sso.editorGroups, ...sso.viewerGroups])];
    return {
        config: { existingSecret: proxySecretName(ui), emailDomains: ["*"], upstreams: [`http://${up.service}.${NAMESPACES.monitoring}.svc:${up.port}`] },
        // A list, not a map: --allowed-group repeats, and list entries are not passed through the chart's tpl.
        extraArgs: [
            "--provider=oidc",
            `--oidc-issuer-url=${sso.issuerUrl}`,
            `--redirect-url=https://${hostOf(cfg.access, ui)}/oauth2/callback`,
            `--oidc-groups-claim=${sso.groupsClaim}`,
            ...groups.map((g) => `--allowed-group=${g}`),
            "--scope=openid email profile",
            "--cookie-secure=true",
            "--reverse-proxy=true",
            "--skip-provider-button=true",
        ],
        replicaCount: operatorReplicas(cfg.profile),
        podDisruptionBudget: { enabled: cfg.profile === "prod" },
        resources: SIZING[cfg.profile].oauth2Proxy,
        securityContext: { enabled: true, ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true, runAsUser: 2000, runAsGroup: 2000 },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        enableServiceLinks: false,
        ...placementValues(placement),
    };
}
