// Config rules specific to `dataops:cloud: azure` (AKS). The rule functions are shared with the AKS component, which
// re-checks its resolved args before creating anything (the component can be used without loadConfig).
import { z } from "zod";
import { NAMESPACES, sparkJobNamespaces } from "../catalog";
import { overlaps, parseCidr } from "../cidr";
import type { Problem } from "../problems";
import { DEFAULT_NETWORK, defaultNodePools, PROFILE_DEFAULTS } from "../profiles";
import type { NodePoolInput } from "../schema";
import type { CloudValidationContext, CloudValidationResult } from "./context";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const AKS_NETWORK_POLICIES = ["cilium", "azure"] as const;
export const AKS_UPGRADE_CHANNELS = ["patch", "stable", "rapid", "none"] as const;
export const AKS_NODE_OS_CHANNELS = ["NodeImage", "SecurityPatch", "Unmanaged", "None"] as const;
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export const azureSchema = z.strictObject({
    /** Use an existing resource group instead of creating one. */
    resourceGroupName: z.string().regex(/^[-\w._()]{1,90}$/, "must be a resource group name").optional(),
    /** Entra ID group object IDs that get cluster admin. */
    adminGroupObjectIds: z.array(z.string().regex(GUID, "must be an Entra ID object ID (a GUID)")).optional(),
    /** Existing storage account (in the cluster's resource group) for Airflow/Spark logs and data; one is created when absent. */
    dataStorageAccount: z.string().regex(/^[a-z0-9]{3,24}$/, "must be 3-24 lowercase letters and digits").optional(),
    /** NetworkPolicy engine: cilium (Azure CNI powered by Cilium, replaces kube-proxy) or azure (Azure NPM). */
    networkPolicy: z.enum(AKS_NETWORK_POLICIES).optional(),
    /** OIDC issuer of the cluster (default true; AKS cannot turn it off again). */
    oidcIssuer: z.boolean().optional(),
    /** Entra workload identity for Airflow and Spark (default true; needs oidcIssuer). */
    workloadIdentity: z.boolean().optional(),
    /** Encrypt Secrets in etcd with a Key Vault key (default: on in prod, off in dev). */
    etcdKms: z.boolean().optional(),
    /** Encryption at host for node disks (default: on in prod); the subscription needs the EncryptionAtHost feature. */
    encryptionAtHost: z.boolean().optional(),
    /** What runs `pulumi up`: a person (User) or CI's federated identity (ServicePrincipal); Azure checks it on role assignments. */
    deployerPrincipalType: z.enum(["User", "ServicePrincipal"]).optional(),
    upgradeChannel: z.enum(AKS_UPGRADE_CHANNELS).optional(),
    nodeOsUpgradeChannel: z.enum(AKS_NODE_OS_CHANNELS).optional(),
    /** Weekly window (UTC) for cluster and node OS upgrades. */
    maintenanceWindow: z
        .strictObject({
            dayOfWeek: z.enum(WEEKDAYS),
            startHour: z.number().int().min(0).max(23),
            durationHours: z.number().int().min(4).max(24),
        })
        .optional(),
    /** Retention of the control-plane logs (kube-audit and others) in Log Analytics. */
    logRetentionDays: z.number().int().min(30).max(730).optional(),
    /** API server VNet integration (default: on for a private endpoint): the API gets an address in a delegated subnet. */
    apiServerVnetIntegration: z.boolean().optional(),
    /** A private cluster's API name also resolves in public DNS, to its private address (default true). */
    privateClusterPublicFqdn: z.boolean().optional(),
    /** Entra object ID that gets the deploy-time cluster-admin grant (CI's service principal); stable across engineers. */
    deployerObjectId: z.string().regex(GUID, "must be an Entra ID object ID (a GUID)").optional(),
});

export const AZURE_LOCATION_FORMAT = /^[a-z]+[a-z0-9]*$/;

export const AZURE_LOCATIONS = [
    "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2", "westus3",
    "canadacentral", "canadaeast", "brazilsouth", "mexicocentral", "northeurope", "westeurope", "uksouth", "ukwest",
    "francecentral", "germanywestcentral", "switzerlandnorth", "norwayeast", "swedencentral", "polandcentral",
    "italynorth", "spaincentral", "uaenorth", "qatarcentral", "israelcentral", "southafricanorth", "centralindia",
    "southindia", "japaneast", "japanwest", "koreacentral", "eastasia", "southeastasia", "australiaeast",
    "australiasoutheast", "newzealandnorth",
] as const;

/** Locations with availability zones; AKS rejects pools with zones anywhere else (westus, ukwest, canadaeast...). */
export const AZURE_ZONAL_LOCATIONS = [
    "eastus", "eastus2", "centralus", "southcentralus", "westus2", "westus3", "canadacentral", "brazilsouth",
    "mexicocentral", "northeurope", "westeurope", "uksouth", "francecentral", "germanywestcentral", "switzerlandnorth",
    "norwayeast", "swedencentral", "polandcentral", "italynorth", "spaincentral", "uaenorth", "qatarcentral",
    "israelcentral", "southafricanorth", "centralindia", "japaneast", "japanwest", "koreacentral", "eastasia",
    "southeastasia", "australiaeast", "newzealandnorth",
] as const;

/** Zones a prod cluster spreads its pools over: 1-3 where the location has them, none elsewhere. */
export function azureZones(location: string): string[] {
    return (AZURE_ZONAL_LOCATIONS as readonly string[]).includes(location) ? ["1", "2", "3"] : [];
}

export const AKS_VERSIONS = ["1.31", "1.32", "1.33", "1.34", "1.35"] as const;

/** Ranges AKS uses itself; node, pod and service ranges must stay clear of them (Azure/AKS#2234). */
export const AKS_RESERVED_RANGES = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"] as const;

/** Linux agent pool names: lowercase letters and digits, starting with a letter, at most 12 characters. */
export const AKS_POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

/** Federated identity credentials one user-assigned identity can hold. */
export const MAX_FEDERATED_CREDENTIALS = 20;

export interface AksNetwork {
    networkCidr: string;
    podCidr: string;
    serviceCidr: string;
}

/**
 * Address-plan rules of Azure CNI overlay: the three ranges are disjoint, clear of AKS's reserved ranges, the VNet has
 * room for the node subnet (its first half), the service range is at most a /12 and the pod range gives every node of
 * every pool at full scale its /24. `key` maps a field to the config key named in messages.
 */
export function aksNetworkProblems(net: AksNetwork, pools: NodePoolInput[], key: (field: keyof AksNetwork) => string): Problem[] {
    const problems: Problem[] = [];
    const fields: (keyof AksNetwork)[] = ["networkCidr", "podCidr", "serviceCidr"];
    const parsed = fields.map((f) => ({ field: f, cidr: parseCidr(net[f]) }));
    for (const { field, cidr } of parsed) {
        if (!cidr) {
            problems.push({ key: key(field), value: net[field], message: "is not an IPv4 CIDR like 10.0.0.0/16." });
        }
    }
    if (problems.length > 0) {
        return problems;
    }
    for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
            const a = parsed[i];
            const b = parsed[j];
            if (overlaps(a.cidr!, b.cidr!)) {
                problems.push({
                    key: key(b.field),
                    value: net[b.field],
                    message: `overlaps ${key(a.field)} = ${net[a.field]}; node, pod and service ranges must be disjoint.`,
                    fix: "pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.",
                });
            }
        }
    }
    for (const { field, cidr } of parsed) {
        for (const reserved of AKS_RESERVED_RANGES) {
            if (overlaps(cidr!, parseCidr(reserved)!)) {
                problems.push({
                    key: key(field),
                    value: net[field],
                    message: `overlaps ${reserved}, which AKS reserves (${AKS_RESERVED_RANGES.join(", ")}).`,
                    fix: "use a range inside 10.0.0.0/8 that avoids the reserved ones, e.g. 10.10.0.0/16.",
                });
            }
        }
    }
    const network = parsed[0].cidr!;
    if (network.prefix > 23) {
        problems.push({
            key: key("networkCidr"),
            value: net.networkCidr,
            message: "is smaller than a /23; the AKS node subnet takes its first half and needs at least a /24.",
            fix: "use a /16 to /23 range, e.g. 10.10.0.0/16.",
        });
    }
    const service = parsed[2].cidr!;
    if (service.prefix < 12) {
        problems.push({
            key: key("serviceCidr"),
            value: net.serviceCidr,
            message: "is larger than a /12, the biggest service range Kubernetes accepts.",
            fix: "use a /12 to /24 range, e.g. 10.96.0.0/16.",
        });
    }
    if (service.prefix > 28) {
        problems.push({
            key: key("serviceCidr"),
            value: net.serviceCidr,
            message: "is smaller than a /28; the DNS service takes its 10th address.",
            fix: "use a /12 to /24 range, e.g. 10.96.0.0/16.",
        });
    }
    const pod = parsed[1].cidr!;
    const maxNodes = pools.reduce((n, p) => n + Math.max(p.maxNodes, 0), 0);
    const nodeBlocks = pod.prefix > 24 ? 0 : 2 ** (24 - pod.prefix);
    if (nodeBlocks < maxNodes) {
        problems.push({
            key: key("podCidr"),
            value: net.podCidr,
            message: `has room for ${nodeBlocks} node${nodeBlocks === 1 ? "" : "s"} (Azure CNI overlay gives each node a /24) but the pools can grow to ${maxNodes}.`,
            fix: "use a larger pod range, e.g. 10.244.0.0/14 (1024 nodes).",
        });
    }
    return problems;
}

/** AKS agent-pool rules: one System pool at least, pool names AKS accepts, System pools neither Spot nor empty. */
export function aksPoolProblems(pools: NodePoolInput[], poolsKey: string): Problem[] {
    const problems: Problem[] = [];
    if (pools.length > 0 && !pools.some((p) => p.system === true)) {
        problems.push({
            key: poolsKey,
            value: pools.map((p) => p.name),
            message: "has no System pool; AKS needs one (system: true) for CoreDNS, konnectivity and metrics-server.",
            fix: "set system: true on one pool with minNodes >= 1 and spot off.",
        });
    }
    pools.forEach((p, i) => {
        const key = `${poolsKey}[${i}]`;
        if (!AKS_POOL_NAME.test(p.name)) {
            const suggestion = p.name.replace(/[^a-z0-9]/g, "").slice(0, 12);
            problems.push({
                key: `${key}.name`,
                value: p.name,
                message: "is not a valid AKS pool name (lowercase letters and digits, starting with a letter, at most 12 characters).",
                fix: /^[a-z]/.test(suggestion) ? `rename it to "${suggestion}".` : "rename it, e.g. to data1.",
            });
        }
        if (p.minNodes > p.maxNodes) {
            problems.push({
                key: `${key}.minNodes`,
                value: p.minNodes,
                message: `is greater than maxNodes (${p.maxNodes}) of pool "${p.name}".`,
                fix: "set minNodes <= maxNodes.",
            });
        }
        if (p.maxNodes > 1000) {
            problems.push({ key: `${key}.maxNodes`, value: p.maxNodes, message: "is above 1000, the AKS limit per pool.", fix: "split the pool." });
        }
        if (p.system === true && p.spot === true) {
            problems.push({
                key: `${key}.spot`,
                value: true,
                message: `cannot be set on System pool "${p.name}": AKS System pools run on regular VMs only.`,
                fix: "set spot: false, or put the spot capacity in a separate pool without system: true.",
            });
        }
        if (p.system === true && p.minNodes < 1) {
            problems.push({
                key: `${key}.minNodes`,
                value: p.minNodes,
                message: `must be at least 1 for System pool "${p.name}" (AKS keeps system add-ons running on it).`,
                fix: "set minNodes to 1 or more (3 in prod, one per zone).",
            });
        }
    });
    return problems;
}

export interface AksIdentitySettings {
    oidcIssuer: boolean;
    workloadIdentity: boolean;
}

/** Workload identity exchanges service-account tokens signed by the cluster's OIDC issuer, so it needs the issuer on. */
export function aksIdentityProblems(s: AksIdentitySettings, prefix: string): Problem[] {
    if (s.workloadIdentity && !s.oidcIssuer) {
        return [
            {
                key: `${prefix}azure.workloadIdentity`,
                value: true,
                message: `needs the cluster's OIDC issuer, but ${prefix}azure.oidcIssuer is false.`,
                fix: `set ${prefix}azure.oidcIssuer to true, or ${prefix}azure.workloadIdentity to false (Airflow and Spark then get no storage access).`,
            },
        ];
    }
    return [];
}

export function validateAzure(ctx: CloudValidationContext): CloudValidationResult {
    const { config, profile } = ctx;
    const prefix = "dataops:";
    const problems: Problem[] = [];
    const warnings: string[] = [];
    const az = config.azure ?? {};
    const cl = config.cluster ?? {};
    const explicitPools = cl.nodePools ?? [];

    problems.push(
        ...aksNetworkProblems(
            {
                networkCidr: cl.networkCidr ?? DEFAULT_NETWORK.networkCidr,
                podCidr: cl.podCidr ?? DEFAULT_NETWORK.podCidr,
                serviceCidr: cl.serviceCidr ?? DEFAULT_NETWORK.serviceCidr,
            },
            cl.nodePools ?? defaultNodePools("azure", profile),
            (f) => (cl[f] === undefined ? `${prefix}cluster.${f} (default ${DEFAULT_NETWORK[f]})` : `${prefix}cluster.${f}`),
        ),
    );
    problems.push(...aksPoolProblems(explicitPools, `${prefix}cluster.nodePools`));

    const workloadIdentity = az.workloadIdentity ?? true;
    problems.push(...aksIdentityProblems({ oidcIssuer: az.oidcIssuer ?? true, workloadIdentity }, prefix));

    if (az.upgradeChannel === "stable" || az.upgradeChannel === "rapid") {
        problems.push({
            key: `${prefix}azure.upgradeChannel`,
            value: az.upgradeChannel,
            message:
                "moves the cluster to new Kubernetes minor versions, while dataops:cluster.kubernetesVersion pins the minor: " +
                "the next pulumi up would try to downgrade, which AKS refuses.",
            fix: "use patch (the default) or none, and raise dataops:cluster.kubernetesVersion to upgrade.",
        });
    }

    const endpoint = cl.endpointAccess ?? PROFILE_DEFAULTS[profile].endpointAccess;
    const authorized = cl.authorizedCidrs ?? [];
    if (endpoint === "private" && authorized.length > 0) {
        problems.push({
            key: `${prefix}cluster.authorizedCidrs`,
            value: authorized,
            message: `only apply to a public API endpoint, but ${prefix}cluster.endpointAccess is private (${
                cl.endpointAccess === undefined ? `the ${profile} default` : "set explicitly"
            }); AKS rejects authorized IP ranges on a private cluster.`,
            fix: `remove ${prefix}cluster.authorizedCidrs, or set ${prefix}cluster.endpointAccess to public.`,
        });
    }
    if (endpoint === "public" && authorized.length === 0) {
        warnings.push(
            `${prefix}cluster.authorizedCidrs is empty: the AKS API endpoint accepts connections from any address ` +
                "(Entra ID still authenticates every request). List your office/VPN/CI ranges to narrow it.",
        );
    }

    if (workloadIdentity && config.spark?.enabled !== false) {
        const namespaces = sparkJobNamespaces(config.spark?.jobNamespace ?? NAMESPACES.sparkJobs, config.teams ?? []);
        if (namespaces.length > MAX_FEDERATED_CREDENTIALS) {
            problems.push({
                key: `${prefix}teams`,
                value: namespaces.length,
                message:
                    `gives Spark ${namespaces.length} job namespaces (spark.jobNamespace plus every ownNamespaces entry), ` +
                    `but one Azure managed identity holds at most ${MAX_FEDERATED_CREDENTIALS} federated credentials.`,
                fix: `keep the total at ${MAX_FEDERATED_CREDENTIALS} or fewer, or set ${prefix}azure.workloadIdentity to false.`,
            });
        }
    }
    const location = ctx.providers.azureLocation ?? "";
    if (profile === "prod" && (AZURE_LOCATIONS as readonly string[]).includes(location) && azureZones(location).length === 0) {
        warnings.push(
            `azure-native:location ${location} has no availability zones: the prod node pools are placed without zones and the ` +
                "storage account is LRS, so one datacenter failure stops the cluster. Use a zonal location (e.g. westeurope) for zone redundancy.",
        );
    }
    if (profile === "prod" && (az.adminGroupObjectIds ?? []).length === 0) {
        warnings.push(
            `${prefix}azure.adminGroupObjectIds is empty: only the identity that runs Pulumi gets cluster admin on the prod AKS cluster. ` +
                "Add the object ID of your platform team's Entra ID group.",
        );
    }
    return { problems, warnings };
}
