// The AKS cluster target: network, identities, Key Vault KMS, the managed cluster and its pools, workload identity for
// Airflow and Spark with their storage, control-plane logs, and the Kubernetes provider the platform installs through.
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { commonLabels, ZONE_LABEL } from "../../../stacks/catalog";
import { ClusterInfo, ClusterTarget, WorkloadIdentityBinding } from "../types";
import { AKS_LOAD_BALANCER, createAksDns01 } from "./dns";
import {
    agentPoolProperties,
    AIRFLOW_WASB_LOG_FOLDER,
    AksClusterArgs,
    apiServerEndpoint,
    DATA_CONTAINER,
    dnsServiceIp,
    FederatedSubject,
    federatedSubject,
    globalName,
    kubeloginKubeconfig,
    nodeSubnetCidr,
    roleDefinitionId,
    splitPools,
    storageAccountId,
    validateAksArgs,
    WORKLOAD_IDENTITY_AUDIENCE,
} from "./settings";

/** Annotation and label the AKS workload identity webhook reads. */
export const WORKLOAD_IDENTITY_CLIENT_ID = "azure.workload.identity/client-id";
export const WORKLOAD_IDENTITY_USE = "azure.workload.identity/use";

export class AksCluster extends pulumi.ComponentResource implements ClusterTarget {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly info: ClusterInfo;
    readonly ready: pulumi.Resource[];
    readonly resourceGroupName: pulumi.Output<string>;
    readonly oidcIssuerUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(): invalid args must not register even the component.
        validateAksArgs(name, args);
        super("dataops:cluster:Aks", name, {}, opts);

        const parent = { parent: this };
        const stateful = { parent: this, protect: args.protect };
        const client = authorization.getClientConfigOutput({ parent: this });
        const subscriptionId = client.subscriptionId;
        const location = args.location;
        const tags = args.tags;

        const resourceGroupName: pulumi.Output<string> = args.existingResourceGroupName
            ? pulumi.output(args.existingResourceGroupName)
            : new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: `rg-${args.clusterName}`, location, tags }, stateful).name;
        const rg = { resourceGroupName };

        // Network: a VNet with the node subnet; pods and services live in overlay ranges outside it.
        const vnet = new network.VirtualNetwork(
            `${name}-vnet`,
            { ...rg, location, tags, virtualNetworkName: `${args.clusterName}-vnet`, addressSpace: { addressPrefixes: [args.network.networkCidr] } },
            stateful,
        );
        const nodeSubnet = new network.Subnet(
            `${name}-nodes`,
            {
                ...rg,
                virtualNetworkName: vnet.name,
                subnetName: "nodes",
                addressPrefix: nodeSubnetCidr(args.network.networkCidr),
                // Storage traffic from the nodes stays on the Azure backbone and passes the account's network rules.
                serviceEndpoints: [{ service: "Microsoft.Storage" }],
                // Outbound goes through the cluster's load balancer, never the implicit (retiring) default outbound IP.
                defaultOutboundAccess: false,
            },
            { parent: vnet, protect: args.protect },
        );

        // Control-plane identity: user-assigned, because KMS and a custom VNet need the role grants before creation.
        const controlPlane = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            { ...rg, location, tags, resourceName: `${args.clusterName}-control-plane` },
            parent,
        );
        const preCluster: pulumi.Resource[] = [
            // VNet scope, not subnet: a private cluster also links its private DNS zone to the VNet (virtualNetworks/join).
            new authorization.RoleAssignment(
                `${name}-vnet-network-contributor`,
                {
                    principalId: controlPlane.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: subscriptionId.apply((s) => roleDefinitionId(s, "networkContributor")),
                    scope: vnet.id,
                    description: "AKS control plane manages load balancers, the API private endpoint and its DNS link in the cluster VNet.",
                },
                { parent: controlPlane, dependsOn: [nodeSubnet] },
            ),
        ];

        let kms: containerservice.ManagedClusterArgs["securityProfile"] = undefined;
        if (args.etcdKms) {
            const vault = new keyvault.Vault(
                `${name}-kms-vault`,
                {
                    ...rg,
                    location,
                    tags,
                    vaultName: subscriptionId.apply((s) => globalName("kv", args.clusterName, s)),
                    properties: {
                        tenantId: client.tenantId,
                        sku: { family: "A", name: "standard" },
                        enableRbacAuthorization: true,
                        enableSoftDelete: true,
                        softDeleteRetentionInDays: 90,
                        // A purged KMS key makes etcd unreadable; purge protection cannot be turned off again.
                        enablePurgeProtection: true,
                        // KMS with a private vault needs API server VNet integration; the vault stays reachable but
                        // only RBAC-authorised identities can use the key.
                        publicNetworkAccess: "Enabled",
                        networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
                    },
                },
                stateful,
            );
            const key = new keyvault.Key(
                `${name}-kms-key`,
                {
                    ...rg,
                    vaultName: vault.name,
                    keyName: "etcd-kms",
                    properties: { kty: "RSA", keySize: 2048, keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] },
                },
                { parent: vault, protect: args.protect },
            );
            preCluster.push(
                new authorization.RoleAssignment(
                    `${name}-kms-crypto-user`,
                    {
                        principalId: controlPlane.principalId,
                        principalType: "ServicePrincipal",
                        roleDefinitionId: subscriptionId.apply((s) => roleDefinitionId(s, "keyVaultCryptoUser")),
                        scope: vault.id,
                        description: "AKS KMS plugin wraps and unwraps the etcd data-encryption keys.",
                    },
                    parent,
                ),
            );
            kms = { azureKeyVaultKms: { enabled: true, keyId: key.keyUriWithVersion, keyVaultNetworkAccess: "Public" } };
        }

        const { inline, separate } = splitPools(args.nodePools);
        const cluster = new containerservice.ManagedCluster(
            `${name}-aks`,
            {
                ...rg,
                location,
                tags,
                resourceName: args.clusterName,
                dnsPrefix: args.clusterName,
                kubernetesVersion: args.kubernetesVersion,
                sku: { name: "Base", tier: args.tier },
                identity: { type: "UserAssigned", userAssignedIdentities: [controlPlane.id] },
                enableRBAC: true,
                aadProfile: {
                    managed: true,
                    enableAzureRBAC: true,
                    tenantID: client.tenantId,
                    adminGroupObjectIDs: args.adminGroupObjectIds,
                },
                disableLocalAccounts: true,
                apiServerAccessProfile: args.privateCluster
                    ? { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false }
                    : { enablePrivateCluster: false, authorizedIPRanges: args.authorizedCidrs },
                oidcIssuerProfile: { enabled: args.oidcIssuer },
                securityProfile: {
                    ...kms,
                    workloadIdentity: { enabled: args.workloadIdentity },
                    imageCleaner: { enabled: true, intervalHours: 168 },
                },
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkDataplane: args.networkPolicy === "cilium" ? "cilium" : "azure",
                    networkPolicy: args.networkPolicy,
                    podCidr: args.network.podCidr,
                    serviceCidr: args.network.serviceCidr,
                    dnsServiceIP: dnsServiceIp(args.network.serviceCidr),
                    loadBalancerSku: "standard",
                    outboundType: "loadBalancer",
                },
                autoUpgradeProfile: { upgradeChannel: args.upgradeChannel, nodeOSUpgradeChannel: args.nodeOsUpgradeChannel },
                storageProfile: { diskCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
                addonProfiles: args.profile === "prod" ? { azurepolicy: { enabled: true } } : undefined,
                agentPoolProfiles: [{ name: inline.name, ...agentPoolProperties(args, inline, nodeSubnet.id) }],
                supportPlan: "KubernetesOfficial",
            },
            {
                ...stateful,
                dependsOn: preCluster,
                // The autoscaler owns node counts after creation.
                ignoreChanges: ["agentPoolProfiles[0].count"],
            },
        );
        const clusterName = cluster.name;

        const pools = separate.map(
            (p) =>
                new containerservice.AgentPool(
                    `${name}-pool-${p.name}`,
                    { ...rg, resourceName: clusterName, agentPoolName: p.name, ...agentPoolProperties(args, p, nodeSubnet.id) },
                    // Not parented to the protected cluster: pools must stay replaceable and removable.
                    { parent: this, ignoreChanges: ["count"] },
                ),
        );

        const window = args.maintenanceWindow;
        for (const [role, configName] of [
            ["upgrade-window", "aksManagedAutoUpgradeSchedule"],
            ["node-os-window", "aksManagedNodeOSUpgradeSchedule"],
        ] as const) {
            new containerservice.MaintenanceConfiguration(
                `${name}-${role}`,
                {
                    ...rg,
                    resourceName: clusterName,
                    configName,
                    maintenanceWindow: {
                        schedule: { weekly: { dayOfWeek: window.dayOfWeek, intervalWeeks: 1 } },
                        durationHours: window.durationHours,
                        startTime: `${String(window.startHour).padStart(2, "0")}:00`,
                        utcOffset: "+00:00",
                    },
                },
                parent,
            );
        }

        // Control-plane logs, including the Kubernetes audit log, kept in a workspace of this stack.
        const workspace = new operationalinsights.Workspace(
            `${name}-logs`,
            { ...rg, location, tags, workspaceName: `${args.clusterName}-logs`, sku: { name: "PerGB2018" }, retentionInDays: args.logRetentionDays },
            stateful,
        );
        new monitor.DiagnosticSetting(
            `${name}-diagnostics`,
            {
                name: "control-plane-logs",
                resourceUri: cluster.id,
                workspaceId: workspace.id,
                logAnalyticsDestinationType: "Dedicated",
                logs: args.logCategories.map((category) => ({ category, enabled: true })),
            },
            parent,
        );

        // Whoever runs Pulumi installs the platform through Entra ID; with Azure RBAC it needs a grant on the cluster.
        const deployerAdmin = new authorization.RoleAssignment(
            `${name}-deployer-admin`,
            {
                principalId: client.objectId,
                // Azure refuses an assignment whose principal type does not match the principal.
                principalType: args.deployerPrincipalType,
                roleDefinitionId: subscriptionId.apply((s) => roleDefinitionId(s, "aksRbacClusterAdmin")),
                scope: cluster.id,
                description: "The identity running Pulumi installs the data platform.",
            },
            parent,
        );

        const identityReady: pulumi.Resource[] = [];
        let workloadIdentity: ClusterInfo["workloadIdentity"];
        let dataStore: ClusterInfo["dataStore"];
        if (args.workloadIdentity) {
            const accountName: pulumi.Output<string> = args.existingStorageAccount
                ? pulumi.output(args.existingStorageAccount)
                : new storage.StorageAccount(
                      `${name}-data`,
                      {
                          ...rg,
                          location,
                          tags,
                          accountName: subscriptionId.apply((s) => globalName("st", args.clusterName, s)),
                          kind: "StorageV2",
                          sku: { name: args.storageSku },
                          accessTier: "Hot",
                          enableHttpsTrafficOnly: true,
                          minimumTlsVersion: "TLS1_2",
                          allowBlobPublicAccess: false,
                          // Workload identity only: no account keys or SAS tokens to leak.
                          allowSharedKeyAccess: false,
                          defaultToOAuthAuthentication: true,
                          allowCrossTenantReplication: false,
                          networkRuleSet: {
                              defaultAction: "Deny",
                              bypass: "AzureServices",
                              virtualNetworkRules: [{ virtualNetworkResourceId: nodeSubnet.id, action: "Allow" }],
                          },
                      },
                      stateful,
                  ).name;
            const container = new storage.BlobContainer(
                `${name}-data-container`,
                { ...rg, accountName, containerName: DATA_CONTAINER, publicAccess: "None" },
                { parent: this, protect: args.protect },
            );
            const scope = pulumi.all([subscriptionId, resourceGroupName, accountName]).apply(([s, g, a]) => storageAccountId(s, g, a));
            const issuer = cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? "");
            const binding = (workload: "airflow" | "spark", subjects: FederatedSubject[]): WorkloadIdentityBinding => {
                const identity = new managedidentity.UserAssignedIdentity(
                    `${name}-${workload}-identity`,
                    { ...rg, location, tags, resourceName: `${args.clusterName}-${workload}` },
                    parent,
                );
                identityReady.push(
                    new authorization.RoleAssignment(
                        `${name}-${workload}-blob-data`,
                        {
                            principalId: identity.principalId,
                            principalType: "ServicePrincipal",
                            roleDefinitionId: subscriptionId.apply((s) => roleDefinitionId(s, "storageBlobDataContributor")),
                            scope,
                            description: `${workload} reads and writes logs and data in the platform storage account.`,
                        },
                        { parent: identity },
                    ),
                );
                // Azure rejects concurrent writes of federated credentials on one identity, so they are chained.
                let previous: pulumi.Resource | undefined;
                for (const s of subjects) {
                    previous = new managedidentity.FederatedIdentityCredential(
                        `${name}-${workload}-${s.namespace}-${s.serviceAccount}`,
                        {
                            ...rg,
                            resourceName: identity.name,
                            federatedIdentityCredentialResourceName: `${s.namespace}-${s.serviceAccount}`,
                            issuer,
                            subject: federatedSubject(s),
                            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
                        },
                        { parent: identity, dependsOn: previous ? [previous] : [] },
                    );
                    identityReady.push(previous);
                }
                return {
                    serviceAccountAnnotations: { [WORKLOAD_IDENTITY_CLIENT_ID]: identity.clientId },
                    podLabels: { [WORKLOAD_IDENTITY_USE]: "true" },
                };
            };
            workloadIdentity = { airflow: binding("airflow", args.federated.airflow), spark: binding("spark", args.federated.spark) };
            dataStore = { kind: "azureBlob", bucket: container.name, account: accountName, logsUrl: AIRFLOW_WASB_LOG_FOLDER };
        }

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            { resourceGroupName, resourceName: clusterName },
            { parent: this },
        );
        this.kubeconfig = pulumi.secret(
            pulumi.all([credentials.kubeconfigs, clusterName]).apply(([kubeconfigs, n]) => {
                const raw = kubeconfigs?.[0]?.value;
                if (!raw) {
                    throw new Error(`listManagedClusterUserCredentials returned no kubeconfig for ${n}`);
                }
                return kubeloginKubeconfig(Buffer.from(raw, "base64").toString("utf8"), n);
            }),
        );
        // The provider is replaced only when its cluster identifier changes, not when the kubeconfig does (CA rotation).
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, clusterIdentifier: cluster.id }, { parent: this });

        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-storage-class`,
            {
                metadata: { name: args.storageClass.name, labels: commonLabels() },
                provisioner: "disk.csi.azure.com",
                parameters: { skuName: args.storageClass.skuName },
                reclaimPolicy: args.storageClass.reclaimPolicy,
                // Binding waits for the pod so the disk is created in the pod's zone.
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider: this.provider, dependsOn: [deployerAdmin, ...pools] },
        );

        this.clusterName = clusterName;
        this.resourceGroupName = resourceGroupName;
        this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((p) => p?.issuerURL);
        const dns01 = args.dns01ZoneId
            ? createAksDns01(
                  name,
                  { clusterName: args.clusterName, zoneId: args.dns01ZoneId, resourceGroupName, location, issuer: this.oidcIssuerUrl.apply((u) => u ?? ""), tags },
                  this,
              )
            : undefined;
        this.info = {
            cloud: "azure",
            managedControlPlane: true,
            storageClass: storageClass.metadata.name,
            networkCidrs: [args.network.networkCidr],
            apiServer: apiServerEndpoint(args),
            zoneTopologyKey: ZONE_LABEL,
            networkPolicyEnforced: true,
            kubeProxy: args.networkPolicy !== "cilium",
            workloadIdentity,
            dataStore,
            frontDoor: { loadBalancerAnnotations: AKS_LOAD_BALANCER, dns01: dns01?.info },
        };
        this.ready = [cluster, ...pools, deployerAdmin, storageClass, ...identityReady, ...(dns01?.ready ?? [])];
        this.registerOutputs({
            clusterName: this.clusterName,
            resourceGroupName: this.resourceGroupName,
            oidcIssuerUrl: this.oidcIssuerUrl,
            kubeconfig: this.kubeconfig,
        });
    }
}
