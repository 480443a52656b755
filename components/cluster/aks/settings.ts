// Resource-free decisions of the AKS target: resolved args per profile, validation, address plan, agent-pool profiles,
// physical names, role IDs, federated-credential subjects and the kubelogin kubeconfig. Unit-tested without mocks.
import { createHash } from "crypto";
import { DATA_SERVICE_ACCOUNTS, NAMESPACES } from "../../../stacks/catalog";
import { subnet, parseCidr } from "../../../stacks/cidr";
import {
    AksNetwork,
    aksIdentityProblems,
    aksNetworkProblems,
    aksPoolProblems,
    MAX_FEDERATED_CREDENTIALS,
    WEEKDAYS,
} from "../../../stacks/clouds/azure";
import type { PlatformConfig } from "../../../stacks/config";
import type { ManagedDatabaseSettings } from "../../../stacks/database";
import { TeamStorage, teamStorage } from "./data-access";
import { formatProblem, Problem } from "../../../stacks/problems";
import type { NodePoolInput, Profile } from "../../../stacks/schema";
import { apiServerSubnetCidr, kubeloginArgs } from "./day2";
import { azureZones } from "../../../stacks/clouds/azure";

export interface FederatedSubject {
    namespace: string;
    serviceAccount: string;
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

/** The label and taint key AKS puts on Spot nodes; pods must tolerate the taint to run there. */
export const AKS_SPOT_LABEL = "kubernetes.azure.com/scalesetpriority";

export interface AksClusterArgs {
    /** Physical cluster name (also the DNS prefix and the stem of the other Azure names). */
    clusterName: string;
    location: string;
    profile: Profile;
    kubernetesVersion: string;
    /** An existing resource group; one is created when undefined. */
    existingResourceGroupName?: string;
    network: AksNetwork;
    /** No public API endpoint: the API server gets a private endpoint in the node subnet. */
    privateCluster: boolean;
    /** Authorized IP ranges of a public API endpoint (empty = any address). */
    authorizedCidrs: string[];
    adminGroupObjectIds: string[];
    networkPolicy: "cilium" | "azure";
    oidcIssuer: boolean;
    workloadIdentity: boolean;
    etcdKms: boolean;
    encryptionAtHost: boolean;
    deployerPrincipalType: "User" | "ServicePrincipal";
    tier: "Free" | "Standard";
    upgradeChannel: "patch" | "stable" | "rapid" | "none";
    nodeOsUpgradeChannel: "NodeImage" | "SecurityPatch" | "Unmanaged" | "None";
    maintenanceWindow: { dayOfWeek: (typeof WEEKDAYS)[number]; startHour: number; durationHours: number };
    /** Availability zones of every pool (empty: regional placement). */
    zones: string[];
    nodePools: NodePoolInput[];
    logRetentionDays: number;
    /** Control-plane log categories sent to Log Analytics. */
    logCategories: string[];
    /** An existing storage account in the resource group; one is created when undefined. */
    existingStorageAccount?: string;
    storageSku: "Standard_ZRS" | "Standard_LRS";
    /** Teams that own namespaces: each gets a container and an identity of its own (aks/data-access.ts). */
    teamStorage: TeamStorage[];
    /** Service accounts federated with the Airflow and Spark identities (empty when the workload is disabled). */
    federated: { airflow: FederatedSubject[]; spark: FederatedSubject[] };
    storageClass: { name: string; skuName: "Premium_LRS" | "StandardSSD_LRS"; reclaimPolicy: "Retain" | "Delete" };
    /** Airflow's managed metadata database (Flexible Server), when `dataops:airflow.database` is managed. */
    database?: ManagedDatabaseSettings;
    /** `protect` on the stateful Azure resources. */
    protect: boolean;
    tags: Record<string, string>;
    /** API server projected into a delegated subnet of the cluster VNet (reachable from the VNet and peered networks). */
    apiServerVnetIntegration: boolean;
    /** A private cluster's API name also resolves in public DNS (to the private address): runners outside the VNet's DNS reach it. */
    privateClusterPublicFqdn: boolean;
    /** The principal that gets the deploy-time admin grant; undefined: whoever runs the first `pulumi up`, kept afterwards. */
    deployerObjectId?: string;
    /** Azure DNS zone resource ID cert-manager answers DNS-01 challenges in (front door with ACME). */
    dns01ZoneId?: string;
}

/** Per-profile choices: prod is private, zonal, Standard tier, KMS and encryption at host; dev is the cheapest that works. */
export function aksArgsFrom(cfg: PlatformConfig): AksClusterArgs {
    const prod = cfg.profile === "prod";
    const az = cfg.azure;
    const workloadIdentity = az.workloadIdentity ?? true;
    return {
        clusterName: cfg.cluster.name,
        location: cfg.providers.azureLocation ?? "",
        profile: cfg.profile,
        kubernetesVersion: cfg.cluster.kubernetesVersion,
        existingResourceGroupName: az.resourceGroupName,
        network: { networkCidr: cfg.cluster.networkCidr, podCidr: cfg.cluster.podCidr, serviceCidr: cfg.cluster.serviceCidr },
        privateCluster: cfg.cluster.endpointAccess === "private",
        authorizedCidrs: cfg.cluster.authorizedCidrs,
        adminGroupObjectIds: az.adminGroupObjectIds ?? [],
        networkPolicy: az.networkPolicy ?? "cilium",
        oidcIssuer: az.oidcIssuer ?? true,
        workloadIdentity,
        etcdKms: az.etcdKms ?? prod,
        encryptionAtHost: az.encryptionAtHost ?? prod,
        deployerPrincipalType: az.deployerPrincipalType ?? "User",
        tier: prod ? "Standard" : "Free",
        // patch keeps the minor version the stack pins; minor upgrades stay a reviewed config change.
        upgradeChannel: az.upgradeChannel ?? "patch",
        nodeOsUpgradeChannel: az.nodeOsUpgradeChannel ?? "NodeImage",
        maintenanceWindow: az.maintenanceWindow ?? { dayOfWeek: "Sunday", startHour: 2, durationHours: 4 },
        // Only regions with availability zones accept them (westus, ukwest and others have none).
        zones: prod ? azureZones(cfg.providers.azureLocation ?? "") : [],
        nodePools: cfg.cluster.nodePools,
        logRetentionDays: az.logRetentionDays ?? (prod ? 90 : 30),
        // kube-audit-admin leaves out get/list/watch, which is most of the volume (and cost) of kube-audit.
        logCategories: prod
            ? ["kube-apiserver", "kube-audit", "kube-controller-manager", "cluster-autoscaler", "guard"]
            : ["kube-audit-admin", "guard"],
        existingStorageAccount: az.dataStorageAccount,
        teamStorage: teamStorage(cfg),
        storageSku: prod && azureZones(cfg.providers.azureLocation ?? "").length > 0 ? "Standard_ZRS" : "Standard_LRS",
        federated: workloadIdentity
            ? {
                  airflow: cfg.airflow.enabled
                      ? DATA_SERVICE_ACCOUNTS.airflow.map((sa) => ({ namespace: NAMESPACES.airflow, serviceAccount: sa }))
                      : [],
                  // Team-owned namespaces are federated with their team's identity instead.
                  spark: cfg.spark.enabled ? DATA_SERVICE_ACCOUNTS.sparkJobs.map((sa) => ({ namespace: cfg.spark.jobNamespace, serviceAccount: sa })) : [],
              }
            : { airflow: [], spark: [] },
        storageClass: prod
            ? { name: "dataops-disk", skuName: "Premium_LRS", reclaimPolicy: "Retain" }
            : { name: "dataops-disk", skuName: "StandardSSD_LRS", reclaimPolicy: "Delete" },
        ...(cfg.airflow.enabled && cfg.airflow.managedDatabase ? { database: cfg.airflow.managedDatabase } : {}),
        protect: cfg.cluster.deletionProtection,
        tags: { "dataops-project": cfg.project, "dataops-stack": cfg.stack, "managed-by": "pulumi" },
        apiServerVnetIntegration: az.apiServerVnetIntegration ?? cfg.cluster.endpointAccess === "private",
        privateClusterPublicFqdn: az.privateClusterPublicFqdn ?? true,
        deployerObjectId: az.deployerObjectId,
        dns01ZoneId: cfg.access.enabled && cfg.access.tls.mode === "acme" ? cfg.access.tls.dnsZone : undefined,
    };
}

/** Every rule the AKS API would otherwise reject mid-deployment; checked before any resource exists. */
export function aksArgsProblems(args: AksClusterArgs): Problem[] {
    const problems: Problem[] = [];
    if (!args.location) {
        problems.push({ key: "location", message: "is required (azure-native:location).", fix: "pulumi config set azure-native:location westeurope" });
    }
    problems.push(...aksNetworkProblems(args.network, args.nodePools, (f) => `network.${f}`));
    if (args.nodePools.length === 0) {
        problems.push({ key: "nodePools", value: [], message: "is empty; AKS needs a System pool.", fix: "add a pool with system: true." });
    }
    problems.push(...aksPoolProblems(args.nodePools, "nodePools"));
    problems.push(...aksIdentityProblems(args, ""));
    if (args.privateCluster && args.authorizedCidrs.length > 0) {
        problems.push({
            key: "authorizedCidrs",
            value: args.authorizedCidrs,
            message: "only apply to a public API endpoint, but privateCluster is true.",
            fix: "drop authorizedCidrs or make the endpoint public.",
        });
    }
    for (const [workload, subjects] of Object.entries(args.federated)) {
        if (subjects.length > MAX_FEDERATED_CREDENTIALS) {
            problems.push({
                key: `federated.${workload}`,
                value: subjects.length,
                message: `lists more than ${MAX_FEDERATED_CREDENTIALS} service accounts, the federated credential limit of one identity.`,
            });
        }
    }
    return problems;
}

export function validateAksArgs(name: string, args: AksClusterArgs): void {
    const problems = aksArgsProblems(args);
    if (problems.length > 0) {
        throw new Error(`AKS cluster "${name}" has invalid arguments; nothing was created:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    }
}

/** The node subnet is the first half of the VNet; the second half stays free for private endpoints and gateways. */
export function nodeSubnetCidr(networkCidr: string): string {
    const net = parseCidr(networkCidr);
    if (!net) {
        throw new Error(`${networkCidr} is not a CIDR`);
    }
    return subnet(networkCidr, net.prefix + 1, 0);
}

/** CoreDNS gets the 10th address of the service range (the AKS convention). */
export function dnsServiceIp(serviceCidr: string): string {
    const c = parseCidr(serviceCidr);
    if (!c) {
        throw new Error(`${serviceCidr} is not a CIDR`);
    }
    const ip = c.start + 10;
    return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
}

/**
 * Globally unique Azure names (storage accounts, key vaults: 3-24 lowercase letters and digits) derived from the
 * subscription and cluster, so they are stable across updates without a random resource.
 */
export function globalName(kind: "st" | "kv" | "pg", clusterName: string, subscriptionId: string): string {
    const stem = clusterName.replace(/[^a-z0-9]/g, "").slice(0, 12);
    const hash = createHash("sha256").update(`${subscriptionId}/${clusterName}/${kind}`).digest("hex").slice(0, 8);
    return `${kind}${stem}${hash}`;
}

/** Built-in Azure role definitions the target assigns. */
export const ROLES = {
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
} as const;

export function roleDefinitionId(subscriptionId: string, role: keyof typeof ROLES): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`;
}

export function storageAccountId(subscriptionId: string, resourceGroup: string, account: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${account}`;
}

/** Audience Entra ID expects on the projected service-account token of workload identity. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

export function federatedSubject(s: FederatedSubject): string {
    return `system:serviceaccount:${s.namespace}:${s.serviceAccount}`;
}

/** Blob container for Airflow logs and Spark data. */
export const DATA_CONTAINER = "dataops";

/**
 * Airflow's remote log folder for Azure: a `wasb` prefix selects the WASB handler, and the rest is the blob prefix
 * inside the container named by [azure_remote_logging] remote_wasb_log_container (DataStore.bucket).
 */
export const AIRFLOW_WASB_LOG_FOLDER = "wasb-airflow-logs";

/** Agent-pool properties shared by the cluster's inline System pool and the separate AgentPool resources. */
export function agentPoolProperties<Id>(args: AksClusterArgs, pool: NodePoolInput, vnetSubnetId: Id) {
    const spot = pool.spot === true;
    return {
        mode: pool.system ? "System" : "User",
        vmSize: pool.machineType,
        osType: "Linux",
        // Azure Linux: the smaller, hardened container host Microsoft maintains for AKS.
        osSKU: "AzureLinux",
        osDiskSizeGB: pool.diskSizeGi,
        orchestratorVersion: args.kubernetesVersion,
        type: "VirtualMachineScaleSets",
        vnetSubnetID: vnetSubnetId,
        availabilityZones: args.zones.length > 0 ? args.zones : undefined,
        enableAutoScaling: true,
        minCount: pool.minNodes,
        maxCount: pool.maxNodes,
        count: pool.minNodes,
        enableNodePublicIP: false,
        enableEncryptionAtHost: args.encryptionAtHost,
        scaleSetPriority: spot ? "Spot" : "Regular",
        scaleSetEvictionPolicy: spot ? "Delete" : undefined,
        // -1: pay up to the on-demand price, so nodes are evicted for capacity, never for price.
        spotMaxPrice: spot ? -1 : undefined,
        // AKS adds the Spot label and taint itself; declaring them keeps refresh and update from fighting over them.
        nodeLabels: spot ? { ...pool.labels, [AKS_SPOT_LABEL]: "spot" } : pool.labels,
        nodeTaints: nonEmpty([
            ...(pool.taints ?? []).map((t) => `${t.key}${t.value === undefined ? "" : `=${t.value}`}:${t.effect}`),
            ...(spot ? [`${AKS_SPOT_LABEL}=spot:NoSchedule`] : []),
        ]),
        // Spot pools cannot surge; regular pools surge a third of the pool so upgrades finish inside the window.
        upgradeSettings: spot
            ? undefined
            : { maxSurge: args.profile === "prod" ? "33%" : "1", drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 },
        tags: args.tags,
    };
}

/** The first System pool is the cluster's inline pool (AKS needs one at creation); the rest are AgentPool resources. */
export function splitPools(pools: NodePoolInput[]): { inline: NodePoolInput; separate: NodePoolInput[] } {
    const inline = pools.find((p) => p.system === true);
    if (!inline) {
        throw new Error("no System pool");
    }
    return { inline, separate: pools.filter((p) => p !== inline) };
}

/** Entra ID application of the AKS API server (the same in every tenant); kubelogin requests tokens for it. */
export const AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * Turns the kubeconfig of listManagedClusterUserCredentials into one that logs in with kubelogin's `azurecli` mode
 * (`az login` on a laptop, azure/login in CI). It holds no token, so the Kubernetes provider built from it is not
 * replaced when tokens rotate.
 */
export function kubeloginKubeconfig(credentialKubeconfig: string, clusterName: string, tenantId?: string): string {
    const server = /^\s*server:\s*(\S+)\s*$/m.exec(credentialKubeconfig)?.[1];
    const ca = /^\s*certificate-authority-data:\s*(\S+)\s*$/m.exec(credentialKubeconfig)?.[1];
    if (!server || !ca) {
        throw new Error(`the AKS user kubeconfig of ${clusterName} has no ${server ? "certificate-authority-data" : "server"}`);
    }
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": ca } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: `${clusterName}-entra` } }],
        "current-context": clusterName,
        users: [
            {
                name: `${clusterName}-entra`,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "kubelogin",
                        args: kubeloginArgs(AKS_AAD_SERVER_ID, tenantId),
                        installHint: "kubelogin is required: az aks install-cli, or https://azure.github.io/kubelogin/install.html",
                        interactiveMode: "IfAvailable",
                        provideClusterInfo: false,
                    },
                },
            },
        ],
    });
}

/**
 * Where pods reach the API server, for the platform's API egress policy. Private: the API private endpoint sits in the
 * node subnet. Public: the API server's public IP is assigned by Azure and not known here, so any address on 443.
 */
export function apiServerEndpoint(args: AksClusterArgs): { cidrs: string[]; ports: number[] } {
    if (args.apiServerVnetIntegration) {
        // The API server's internal load balancer sits in its delegated subnet, public endpoint or not.
        return { cidrs: [apiServerSubnetCidr(args.network.networkCidr)], ports: [443] };
    }
    return { cidrs: args.privateCluster ? [nodeSubnetCidr(args.network.networkCidr)] : ["0.0.0.0/0"], ports: [443] };
}
