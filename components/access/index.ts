// The front door: one Envoy Gateway for all UIs (Gateway API), its certificate from cert-manager, the cloud load
// balancer internal or public as configured, and oauth2-proxy in front of UIs without a sign-in of their own.
// Decisions live in plan.ts and sso.ts; this file registers them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ACCESS_CHARTS, ChartRef, commonLabels, GATEWAY_API_VERSION, LABELS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { ProxiedUi } from "../../stacks/schema";
import type { ClusterInfo } from "../cluster/types";
import { releaseArgs } from "../workloads/release";
import {
    acmeIssuer,
    certManagerValues,
    envoyGatewayValues,
    envoyProxySpec,
    GATEWAY,
    gatewayCertificateSpec,
    gatewayClassSpec,
    gatewaySpec,
    httpRouteSpec,
    IssuerObject,
    ISSUERS,
    localCaCertificateSpec,
    oauth2ProxyValues,
    PROXY_SECRET_KEYS,
    proxyRelease,
    proxySecretName,
    redirectRouteSpec,
    selfSignedIssuers,
    Ui,
    uiRoutes,
} from "./plan";

/** Envoy Gateway's own CRDs at the pinned tag (the chart's crds subchart holds the same files). */
export const ENVOY_GATEWAY_CRDS = [
    "backends",
    "backendtrafficpolicies",
    "clienttrafficpolicies",
    "envoyextensionpolicies",
    "envoypatchpolicies",
    "envoyproxies",
    "httproutefilters",
    "securitypolicies",
] as const;

/** CRD manifests applied server-side before the charts (Helm would install them once and never upgrade them). */
export function accessCrdFiles(): { gateway: string[]; certManager: string[] } {
    const eg = ACCESS_CHARTS.envoyGateway.version;
    return {
        gateway: [
            `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`,
            ...ENVOY_GATEWAY_CRDS.map(
                (c) => `https://raw.githubusercontent.com/envoyproxy/gateway/${eg}/charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_${c}.yaml`,
            ),
        ],
        certManager: [`https://github.com/cert-manager/cert-manager/releases/download/${ACCESS_CHARTS.certManager.version}/cert-manager.crds.yaml`],
    };
}

/** Why a config cannot get a front door on this target; empty when it can. Checked before any child exists. */
export function frontDoorProblems(cfg: PlatformConfig, cluster: ClusterInfo): string[] {
    const a = cfg.access;
    const out: string[] = [];
    if (!a.enabled) {
        out.push("the front door is off (dataops:access)");
    }
    if (!a.domain) {
        out.push("dataops:access.domain is not set");
    }
    if (cluster.cloud !== "local" && !cluster.frontDoor) {
        out.push(`the ${cluster.cloud} target reports no load balancer settings`);
    }
    if (a.tls.mode === "acme" && !cluster.frontDoor?.dns01) {
        out.push("tls.mode acme needs the target's DNS-01 solver (dataops:access.tls.dnsZone)");
    }
    if (a.tls.mode === "secret" && !a.tls.secretName) {
        out.push("tls.mode secret needs dataops:access.tls.secretName");
    }
    return out;
}

export interface FrontDoorArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    provider: k8s.Provider;
    /** The isolated gateway and cert-manager namespaces. */
    namespaces: { gateway: pulumi.Input<string>; certManager: pulumi.Input<string> };
    /** What the releases wait for (cluster readiness and the namespaces). */
    dependsOn: pulumi.Input<pulumi.Resource>[];
    /** What each UI's route waits for: its namespace (by UI). */
    routeDependsOn: Partial<Record<Ui, pulumi.Input<pulumi.Resource>[]>>;
}

export class FrontDoor extends pulumi.ComponentResource {
    readonly urls: Partial<Record<Ui, pulumi.Output<string>>> = {};

    constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = frontDoorProblems(args.config, args.cluster);
        if (problems.length > 0) {
            throw new pulumi.RunError(`FrontDoor: ${problems.join("; ")}.`);
        }
        super("dataops:access:FrontDoor", name, {}, opts);
        const { config: cfg, cluster, provider } = args;
        const a = cfg.access;
        const child = { parent: this, provider };
        const labels = commonLabels();
        const crds = accessCrdFiles();
        const cr = (role: string, apiVersion: string, kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>, dependsOn: pulumi.Input<pulumi.Resource>[]) =>
            new k8s.apiextensions.CustomResource(`${name}-${role}`, { apiVersion, kind, metadata: { ...metadata, labels }, spec }, { ...child, dependsOn });

        // An operator chart after its CRDs, which Pulumi applies from the pinned tag (Helm never upgrades CRDs).
        const operator = (role: string, crdsRole: string, files: string[], chart: ChartRef, namespace: pulumi.Input<string>, values: Record<string, unknown>) => {
            const crdGroup = new k8s.yaml.v2.ConfigGroup(`${name}-${crdsRole}`, { files }, { ...child, dependsOn: args.dependsOn });
            return new k8s.helm.v3.Release(
                `${name}-${role}`,
                releaseArgs({ chart, version: chart.version, namespace, values, timeoutSeconds: cfg.releaseTimeoutSeconds, skipCrds: true }),
                { ...child, dependsOn: [...args.dependsOn, crdGroup] },
            );
        };

        // cert-manager and the issuer that signs the gateway's certificate.
        const certManager = operator(
            "cert-manager",
            "cert-manager-crds",
            crds.certManager,
            ACCESS_CHARTS.certManager,
            args.namespaces.certManager,
            certManagerValues(cfg, cluster.frontDoor?.dns01, cluster.placement?.platform),
        );
        const clusterIssuer = (role: string, issuer: IssuerObject, dependsOn: pulumi.Input<pulumi.Resource>[]) =>
            cr(role, "cert-manager.io/v1", "ClusterIssuer", { name: issuer.name }, issuer.spec, dependsOn);
        const certificateDeps: pulumi.Resource[] = [];
        if (a.tls.mode === "acme") {
            certificateDeps.push(clusterIssuer("acme-issuer", acmeIssuer(a, cluster.frontDoor!.dns01!), [certManager]));
        } else if (a.tls.mode === "selfSigned") {
            const issuers = selfSignedIssuers();
            const selfSigned = clusterIssuer("selfsigned-issuer", issuers.selfSigned, [certManager]);
            const ca = cr(
                "local-ca",
                "cert-manager.io/v1",
                "Certificate",
                { name: ISSUERS.localCaSecret, namespace: args.namespaces.certManager },
                localCaCertificateSpec(),
                [selfSigned],
            );
            certificateDeps.push(clusterIssuer("local-ca-issuer", issuers.ca, [ca]));
        }

        // Envoy Gateway, its proxies' settings and the one Gateway.
        const envoyGateway = operator(
            "envoy-gateway",
            "gateway-crds",
            crds.gateway,
            ACCESS_CHARTS.envoyGateway,
            args.namespaces.gateway,
            envoyGatewayValues(cfg, cluster.placement?.platform),
        );
        const inGateway = (objName: string) => ({ name: objName, namespace: args.namespaces.gateway });
        const gatewayClass = cr("gatewayclass", "gateway.networking.k8s.io/v1", "GatewayClass", { name: GATEWAY.className }, gatewayClassSpec(), [envoyGateway]);
        const exposure = { [LABELS.exposure]: cluster.frontDoor ? a.exposure : "node-port" };
        const envoyProxy = cr(
            "envoyproxy",
            "gateway.envoyproxy.io/v1alpha1",
            "EnvoyProxy",
            { ...inGateway(GATEWAY.envoyProxy), annotations: exposure },
            envoyProxySpec(cfg, cluster),
            [envoyGateway],
        );
        const tls: pulumi.Resource[] =
            a.tls.mode === "secret"
                ? []
                : [cr("certificate", "cert-manager.io/v1", "Certificate", inGateway(GATEWAY.certificate), gatewayCertificateSpec(a), certificateDeps)];
        const gateway = cr("gateway", "gateway.networking.k8s.io/v1", "Gateway", inGateway(GATEWAY.name), gatewaySpec(cfg), [gatewayClass, envoyProxy, ...tls]);
        cr("https-redirect", "gateway.networking.k8s.io/v1", "HTTPRoute", inGateway("https-redirect"), redirectRouteSpec(), [gateway]);

        // oauth2-proxy in front of each UI without a sign-in of its own.
        const proxies: Partial<Record<ProxiedUi, pulumi.Resource>> = {};
        for (const route of uiRoutes(cfg).filter((r) => r.proxied)) {
            const ui = route.ui as ProxiedUi;
            const cookie = new random.RandomPassword(`${name}-${ui}-cookie-secret`, { length: 32, special: false }, { parent: this });
            const secret = new k8s.core.v1.Secret(
                `${name}-${ui}-oidc`,
                {
                    metadata: { ...inGateway(proxySecretName(ui)), labels },
                    type: "Opaque",
                    stringData: {
                        [PROXY_SECRET_KEYS.clientId]: a.sso!.clientId,
                        [PROXY_SECRET_KEYS.clientSecret]: pulumi.secret(a.sso!.clientSecret),
                        [PROXY_SECRET_KEYS.cookieSecret]: pulumi.secret(cookie.result),
                    },
                },
                child,
            );
            proxies[ui] = new k8s.helm.v3.Release(
                `${name}-${ui}-proxy`,
                {
                    ...releaseArgs({
                        chart: { ...ACCESS_CHARTS.oauth2Proxy, releaseName: proxyRelease(ui) },
                        version: ACCESS_CHARTS.oauth2Proxy.version,
                        namespace: args.namespaces.gateway,
                        values: oauth2ProxyValues(cfg, ui, cluster.placement?.platform),
                        timeoutSeconds: cfg.releaseTimeoutSeconds,
                    }),
                },
                { ...child, dependsOn: [...args.dependsOn, secret] },
            );
        }

        // One route per UI, beside its Service.
        for (const route of uiRoutes(cfg)) {
            const deps = [gateway, ...(args.routeDependsOn[route.ui] ?? []), ...(route.proxied ? [proxies[route.ui as ProxiedUi]!] : [])];
            cr(`route-${route.ui}`, "gateway.networking.k8s.io/v1", "HTTPRoute", { name: route.ui, namespace: route.proxied ? args.namespaces.gateway : route.namespace }, httpRouteSpec(route), deps);
            this.urls[route.ui] = pulumi.output(route.url);
        }
        this.registerOutputs({ urls: this.urls });
    }
}

