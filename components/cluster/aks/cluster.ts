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
import * as random from "@pulumi/random";
import { commonLabels, ZONE_LABEL } from "../../../stacks/catalog";
import { ClusterInfo, ClusterTarget, WorkloadIdentityBinding } from "../types";
import { containerScope, createTeamStorage, STORAGE_ENDPOINTS, storageEndpointAddress, storagePrivateEndpoints } from "./data-access";
import { propagationWait } from "../waits";
import { aksAutoscalerProfile, aksPlacement } from "./autoscaling";
import { API_SERVER_SUBNET_DELEGATION, apiServerSubnetCidr } from "./day2";
import { FlexibleServerMetadataDatabase } from "./database";
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

        // API server VNet integration: the API server's internal address lives in this delegated subnet.
        const apiSubnet = args.apiServerVnetIntegration
            ? new network.Subnet(
                  `${name}-apiserver`,
                  {
                      ...rg,
                      virtualNetworkName: vnet.name,
                      subnetName: "apiserver",
                      addressPrefix: apiServerSubnetCidr(args.network.networkCidr),
                      delegations: [{ name: "aks-apiserver", serviceName: API_SERVER_SUBNET_DELEGATION }],
                      defaultOutboundAccess: false,
                  },
                  // Azure rejects concurrent writes of two subnets of one VNet.
                  { parent: vnet, protect: args.protect, dependsOn: [nodeSubnet] },
              )
            : undefined;

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
                { parent: controlPlane, dependsOn: [nodeSubnet, ...(apiSubnet ? [apiSubnet] : [])] },
            ),
        ];

        let kms: containerservice.ManagedClusterArgs["securityProfile"] = undefined;
        let stackVault: keyvault.Vault | undefined;
        if (args.etcdKms) {
            const vault = new keyvault.Vault(
                `${name}-kms-vault`,
                {
                    ...rg,
                    location,
                    tags,
                    // Soft delete with purge protection keeps a deleted vault's name for 90 days: a suffix per stack
                    // incarnation lets a destroyed stack be created again.
                    vaultName: pulumi
                        .all([subscriptionId, new random.RandomString(`${name}-kms-vault-suffix`, { length: 6, special: false, upper: false }, stateful).result])
                        .apply(([s, suffix]) => globalName("kv", args.clusterName, `${s}/${suffix}`)),
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
            stackVault = vault;
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
                apiServerAccessProfile: {
                    ...(args.privateCluster
                        ? { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: args.privateClusterPublicFqdn }
                        : { enablePrivateCluster: false, authorizedIPRanges: args.authorizedCidrs }),
                    ...(apiSubnet ? { enableVnetIntegration: true, subnetId: apiSubnet.id } : {}),
                },
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
                // No orchestratorVersion on the inline System pool: a cluster PUT must carry all pool versions or none, and
                // with none a kubernetesVersion change upgrades the control plane and this pool together.
                agentPoolProfiles: [{ name: inline.name, ...agentPoolProperties(args, inline, nodeSubnet.id), orchestratorVersion: undefined }],
                autoScalerProfile: aksAutoscalerProfile(args.profile),
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
                    // Not parented to the protected cluster: pools must stay replaceable and removable. A pool's name is fixed
                    // (AKS pool names are short), so a replacement deletes the old pool first instead of clashing with it.
                    { parent: this, ignoreChanges: ["count"], deleteBeforeReplace: true },
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

        // The platform is installed through Entra ID; with Azure RBAC the installing identity needs a grant on the
        // cluster. It goes to dataops:azure.deployerObjectId, else to the identity of the first `pulumi up`, and is not
        // moved to whoever runs later (two engineers would otherwise take it from each other on every run).
        const deployerAdmin = new authorization.RoleAssignment(
            `${name}-deployer-admin`,
            {
                principalId: args.deployerObjectId ?? client.objectId,
                // Azure refuses an assignment whose principal type does not match the principal.
                principalType: args.deployerPrincipalType,
                roleDefinitionId: subscriptionId.apply((s) => roleDefinitionId(s, "aksRbacClusterAdmin")),
                scope: cluster.id,
                description: "The identity running Pulumi installs the data platform.",
            },
            { ...parent, ignoreChanges: args.deployerObjectId ? [] : ["principalId", "principalType"] },
        );
        // Azure RBAC reaches the API server's authorizer minutes after the assignment exists.
        const adminWait = propagationWait(`${name}-deployer-admin-propagation`, "azureRbac", [deployerAdmin], { principal: deployerAdmin.principalId }, this);

        const identityReady: pulumi.Resource[] = [];
        let workloadIdentity: ClusterInfo["workloadIdentity"];
        let dataStore: ClusterInfo["dataStore"];
        let sparkIdentities: ClusterInfo["sparkIdentities"];
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
            const accountId = pulumi.all([subscriptionId, resourceGroupName, accountName]).apply(([s, g, a]) => storageAccountId(s, g, a));
            // The platform's container only: team containers belong to the team identities alone.
            const scope = pulumi.all([accountId, container.name]).apply(([id, c]) => containerScope(id, c));
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
            const common = { clusterName: args.clusterName, resourceGroupName, location, tags, subscriptionId, accountName, accountId };
            identityReady.push(...storagePrivateEndpoints(name, { ...common, vnetId: vnet.id, subnetId: nodeSubnet.id, networkCidr: args.network.networkCidr }, this));
            const teams = createTeamStorage(name, { ...common, teams: args.teamStorage, issuer, protect: args.protect }, this);
            identityReady.push(...teams.ready);
            sparkIdentities = teams.bindings;
            dataStore = {
                kind: "azureBlob",
                bucket: container.name,
                account: accountName,
                logsUrl: AIRFLOW_WASB_LOG_FOLDER,
                endpoints: { cidrs: STORAGE_ENDPOINTS.map((e) => `${storageEndpointAddress(args.network.networkCidr, e.offset)}/32`), port: 443 },
            };
        }

        const database =
            args.database &&
            new FlexibleServerMetadataDatabase(
                `${name}-airflow-db`,
                {
                    clusterName: args.clusterName,
                    location,
                    resourceGroupName,
                    settings: args.database,
                    vnet: { id: vnet.id, name: vnet.name, networkCidr: args.network.networkCidr },
                    vault: stackVault && { id: stackVault.id, name: stackVault.name },
                    subscriptionId,
                    serverName: subscriptionId.apply((s) => globalName("pg", args.clusterName, s)),
                    after: [nodeSubnet],
                    tags,
                },
                parent,
            );

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            // A private cluster's kubeconfig names the public FQDN when there is one: it resolves without the private DNS zone.
            { resourceGroupName, resourceName: clusterName, serverFqdn: args.privateCluster && args.privateClusterPublicFqdn ? "public" : undefined },
            { parent: this },
        );
        this.kubeconfig = pulumi.secret(
            pulumi.all([credentials.kubeconfigs, clusterName, client.tenantId]).apply(([kubeconfigs, n, tenantId]) => {
                const raw = kubeconfigs?.[0]?.value;
                if (!raw) {
                    throw new Error(`listManagedClusterUserCredentials returned no kubeconfig for ${n}`);
                }
                return kubeloginKubeconfig(Buffer.from(raw, "base64").toString("utf8"), n, tenantId);
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
            { parent: this, provider: this.provider, dependsOn: [deployerAdmin, adminWait, ...pools] },
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
            sparkIdentities,
            dataStore,
            placement: aksPlacement(args.nodePools),
            metadataDatabase: database?.database,
            frontDoor: { loadBalancerAnnotations: AKS_LOAD_BALANCER, dns01: dns01?.info },
        };
        // Data-plane roles of the workload identities propagate like the admin grant; Airflow and Spark wait for them.
        const dataWait =
            identityReady.length > 0 ? [propagationWait(`${name}-data-access-propagation`, "azureRbac", identityReady, { cluster: cluster.id }, this)] : [];
        this.ready = [cluster, ...pools, deployerAdmin, adminWait, storageClass, ...identityReady, ...dataWait, ...(dns01?.ready ?? [])];
        this.registerOutputs({
            clusterName: this.clusterName,
            resourceGroupName: this.resourceGroupName,
            oidcIssuerUrl: this.oidcIssuerUrl,
            kubeconfig: this.kubeconfig,
        });
    }
}
