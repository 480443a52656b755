// The AKS target under Pulumi mocks: the shipped prod and dev Azure stacks, the ClusterInfo the platform consumes,
// existing resource group/storage account, and invalid component args (nothing registered).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "../components/cluster/aks/cluster";
import { aksArgsFrom } from "../components/cluster/aks/settings";
import { createAks } from "../components/cluster/aks";
import type { ClusterTarget } from "../components/cluster/types";
import { loadConfig } from "../stacks/config";
import { RecordedResource, Resources, Run, runMocked, runStack, stackFileConfig, valueOf } from "./harness";
import { mockIssuerUrl, MOCK_AZURE } from "./mocks/azure";

const T = {
    cluster: "azure-native:containerservice:ManagedCluster",
    pool: "azure-native:containerservice:AgentPool",
    maintenance: "azure-native:containerservice:MaintenanceConfiguration",
    fic: "azure-native:managedidentity:FederatedIdentityCredential",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    role: "azure-native:authorization:RoleAssignment",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    account: "azure-native:storage:StorageAccount",
    container: "azure-native:storage:BlobContainer",
    rg: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    workspace: "azure-native:operationalinsights:Workspace",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    k8sProvider: "pulumi:providers:kubernetes",
} as const;

const SUB = `/subscriptions/${MOCK_AZURE.subscriptionId}`;
const RG = "rg-dataops-prod-azure";
const TAGS = { "dataops-project": "dataops", "dataops-stack": "prod-azure", "managed-by": "pulumi" };
const ST = "stdataopsproda2f026ff1";
// The vault name hashes the subscription with a random suffix per stack incarnation (soft-deleted names stay taken).
const KV = "kvdataopsproda5701939f";
const short = (urn: string) => urn.split("::").pop();

/** `<providerUrn>::<id>` split at the last "::" (Resources.providerOf splits at the first, inside the URN). */
function providerUrn(r: RecordedResource): string {
    return r.provider.slice(0, r.provider.lastIndexOf("::"));
}

/** Runs createAks for a stack file (plus config overrides) and returns the target next to the recorded run. */
async function runTarget(stack: string, overrides: Record<string, string> = {}): Promise<{ run: Run; target?: ClusterTarget }> {
    const { config, secretKeys } = stackFileConfig(stack);
    const full = { ...config, ...overrides };
    let target: ClusterTarget | undefined;
    const run = await runMocked({
        stack,
        config: full,
        secretKeys,
        program: () => {
            target = createAks("cluster", loadConfig(full, stack).config);
            return {};
        },
    });
    return { run, target };
}

describe("AKS under mocks: prod-azure stack", () => {
    let run: Run;
    let res: Resources;
    let aks: RecordedResource;
    before(async () => {
        run = await runStack("prod-azure");
        res = new Resources(run.resources);
        aks = res.get(T.cluster, "cluster-aks");
    });

    it("runs without error or unanswered invokes, with unique names, every Azure resource under the dataops:cluster:Aks component", () => {
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(run.unknownCalls, []);
        const keys = run.resources.map((r) => `${r.type}::${r.name}`);
        assert.deepStrictEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
        const component = res.get("dataops:cluster:Aks", "cluster");
        const root = (r: RecordedResource): RecordedResource => (r.parent && res.byUrn(r.parent) ? root(res.byUrn(r.parent)!) : r);
        const azure = run.resources.filter((r) => r.type.startsWith("azure-native:"));
        // The cluster's own (with the teams' containers), 10 for Airflow's managed metadata database (tests/database.test.ts),
        // and 3 for cert-manager's DNS-01 identity (front door with ACME).
        assert.strictEqual(azure.length, 51 + 3);
        for (const r of [...azure, res.get(T.k8sProvider, "cluster-k8s")]) {
            assert.strictEqual(root(r), component, `${r.name} is not under the component`);
            assert.ok(r.name.startsWith("cluster-"), r.name);
        }
    });

    it("creates a private cluster with API server VNet integration and a public FQDN that resolves to the private address", () => {
        assert.deepStrictEqual(aks.inputs.apiServerAccessProfile, {
            enablePrivateCluster: true,
            privateDNSZone: "system",
            enablePrivateClusterPublicFQDN: true,
            enableVnetIntegration: true,
            subnetId: "cluster-apiserver-id",
        });
    });

    it("uses Entra ID with Azure RBAC, the admin groups of the stack, and no local accounts", () => {
        assert.deepStrictEqual(aks.inputs.aadProfile, {
            managed: true,
            enableAzureRBAC: true,
            tenantID: MOCK_AZURE.tenantId,
            adminGroupObjectIDs: ["11111111-2222-4333-8444-555555555555"],
        });
        assert.strictEqual(aks.inputs.disableLocalAccounts, true);
        assert.strictEqual(aks.inputs.enableRBAC, true);
        const deployer = res.get(T.role, "cluster-deployer-admin");
        assert.strictEqual(deployer.inputs.principalId, MOCK_AZURE.deployerObjectId);
        // Azure refuses an assignment whose principal type differs from the principal's (CI runs as a service principal).
        assert.strictEqual(deployer.inputs.principalType, "ServicePrincipal");
        assert.strictEqual(deployer.inputs.roleDefinitionId, `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`);
        assert.strictEqual(deployer.inputs.scope, "cluster-aks-id");
    });

    it("turns on the OIDC issuer, workload identity, image cleaner and KMS with the versioned key", () => {
        assert.deepStrictEqual(aks.inputs.oidcIssuerProfile, { enabled: true });
        assert.deepStrictEqual(aks.inputs.securityProfile, {
            azureKeyVaultKms: {
                enabled: true,
                keyId: `https://${KV}.vault.azure.net/keys/etcd-kms/0123456789abcdef0123456789abcdef`,
                keyVaultNetworkAccess: "Public",
            },
            workloadIdentity: { enabled: true },
            imageCleaner: { enabled: true, intervalHours: 168 },
        });
    });

    it("keeps the KMS key in an RBAC, purge-protected vault the control-plane identity may use before the cluster exists", () => {
        const vault = res.get(T.vault, "cluster-kms-vault");
        assert.strictEqual(vault.inputs.vaultName, KV);
        assert.strictEqual(vault.inputs.properties.enableRbacAuthorization, true);
        assert.strictEqual(vault.inputs.properties.enablePurgeProtection, true);
        assert.strictEqual(vault.inputs.properties.softDeleteRetentionInDays, 90);
        assert.strictEqual(vault.inputs.properties.tenantId, MOCK_AZURE.tenantId);
        assert.deepStrictEqual(res.get(T.key, "cluster-kms-key").inputs.properties, {
            kty: "RSA",
            keySize: 2048,
            keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
        });
        const crypto = res.get(T.role, "cluster-kms-crypto-user");
        assert.strictEqual(crypto.inputs.principalId, "principal-id-dataops-prod-azure-control-plane");
        assert.strictEqual(crypto.inputs.scope, "cluster-kms-vault-id");
        assert.strictEqual(crypto.inputs.roleDefinitionId, `${SUB}/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424`);
        assert.ok(aks.dependencies.includes(crypto.urn));
        const network = res.get(T.role, "cluster-vnet-network-contributor");
        assert.strictEqual(network.inputs.scope, "cluster-vnet-id");
        assert.strictEqual(network.inputs.principalId, "principal-id-dataops-prod-azure-control-plane");
        assert.strictEqual(network.inputs.roleDefinitionId, `${SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`);
        assert.ok(aks.dependencies.includes(network.urn));
        assert.deepStrictEqual(aks.inputs.identity, { type: "UserAssigned", userAssignedIdentities: ["cluster-identity-id"] });
    });

    it("runs Azure CNI overlay with Cilium network policy in disjoint ranges, nodes in the first half of the VNet", () => {
        assert.deepStrictEqual(aks.inputs.networkProfile, {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            podCidr: "10.244.0.0/14",
            serviceCidr: "10.96.0.0/16",
            dnsServiceIP: "10.96.0.10",
            loadBalancerSku: "standard",
            outboundType: "loadBalancer",
        });
        assert.deepStrictEqual(res.get(T.vnet, "cluster-vnet").inputs.addressSpace, { addressPrefixes: ["10.20.0.0/16"] });
        const subnet = res.get(T.subnet, "cluster-nodes");
        assert.strictEqual(subnet.inputs.addressPrefix, "10.20.0.0/17");
        assert.deepStrictEqual(subnet.inputs.serviceEndpoints, [{ service: "Microsoft.Storage" }]);
        assert.strictEqual(subnet.inputs.defaultOutboundAccess, false);
    });

    it("sets the upgrade channels, a Sunday 02:00 UTC window for both, Standard tier, Azure Policy and kube-audit logs", () => {
        assert.deepStrictEqual(aks.inputs.autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
        const window = {
            schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
            durationHours: 4,
            startTime: "02:00",
            utcOffset: "+00:00",
        };
        assert.deepStrictEqual(
            res.ofType(T.maintenance).map((m) => [m.inputs.configName, m.inputs.resourceName, m.inputs.maintenanceWindow]),
            [
                ["aksManagedAutoUpgradeSchedule", "dataops-prod-azure", window],
                ["aksManagedNodeOSUpgradeSchedule", "dataops-prod-azure", window],
            ],
        );
        assert.deepStrictEqual(aks.inputs.sku, { name: "Base", tier: "Standard" });
        assert.deepStrictEqual(aks.inputs.addonProfiles, { azurepolicy: { enabled: true } });
        assert.strictEqual(aks.inputs.kubernetesVersion, "1.34");
        const diag = res.get(T.diagnostics, "cluster-diagnostics");
        assert.strictEqual(diag.inputs.resourceUri, "cluster-aks-id");
        assert.strictEqual(diag.inputs.workspaceId, "cluster-logs-id");
        assert.deepStrictEqual(
            diag.inputs.logs.map((l: { category: string; enabled: boolean }) => `${l.category}:${l.enabled}`),
            ["kube-apiserver:true", "kube-audit:true", "kube-controller-manager:true", "cluster-autoscaler:true", "guard:true"],
        );
        assert.strictEqual(res.get(T.workspace, "cluster-logs").inputs.retentionInDays, 90);
    });

    it("creates the System pool inline and the User pools as AgentPools, zonal, autoscaled, counts ignored", () => {
        const common = {
            osType: "Linux",
            osSKU: "AzureLinux",
            type: "VirtualMachineScaleSets",
            vnetSubnetID: "cluster-nodes-id",
            availabilityZones: ["1", "2", "3"],
            enableAutoScaling: true,
            enableNodePublicIP: false,
            enableEncryptionAtHost: true,
            tags: TAGS,
        };
        const surge = { maxSurge: "33%", drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 };
        assert.deepStrictEqual(aks.inputs.agentPoolProfiles, [
            {
                ...common,
                name: "system",
                mode: "System",
                vmSize: "Standard_D4s_v5",
                minCount: 3,
                maxCount: 6,
                count: 3,
                scaleSetPriority: "Regular",
                nodeLabels: { "dataops.io/pool": "system", "purpose.dataops.io/system": "true" },
                // Only add-ons on the System pool in prod.
                nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
                upgradeSettings: surge,
            },
        ]);
        assert.deepStrictEqual(aks.ignoreChanges, ["agentPoolProfiles[0].count"]);
        const data = res.get(T.pool, "cluster-pool-data");
        assert.deepStrictEqual(data.inputs, {
            ...common,
            resourceGroupName: RG,
            resourceName: "dataops-prod-azure",
            agentPoolName: "data",
            // Separate pools carry their version and are upgraded after the control plane (they depend on the cluster).
            orchestratorVersion: "1.34",
            mode: "User",
            vmSize: "Standard_D8s_v5",
            minCount: 3,
            maxCount: 12,
            count: 3,
            scaleSetPriority: "Regular",
            nodeLabels: {
                "dataops.io/pool": "data",
                "purpose.dataops.io/platform": "true",
                "purpose.dataops.io/kafka": "true",
                "purpose.dataops.io/spark-driver": "true",
            },
            upgradeSettings: surge,
        });
        const spark = res.get(T.pool, "cluster-pool-spark");
        assert.deepStrictEqual(spark.inputs, {
            ...common,
            resourceGroupName: RG,
            resourceName: "dataops-prod-azure",
            agentPoolName: "spark",
            orchestratorVersion: "1.34",
            mode: "User",
            vmSize: "Standard_D8s_v5",
            minCount: 0,
            maxCount: 20,
            count: 0,
            scaleSetPriority: "Spot",
            scaleSetEvictionPolicy: "Delete",
            spotMaxPrice: -1,
            nodeLabels: { "dataops.io/pool": "spark", "purpose.dataops.io/spark-executor": "true", "kubernetes.azure.com/scalesetpriority": "spot" },
            nodeTaints: [
                "dataops.io/spark=true:NoSchedule",
                "dataops.io/dedicated=spark-executor:NoSchedule",
                "kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
            ],
        });
        for (const p of [data, spark]) {
            assert.deepStrictEqual(p.ignoreChanges, ["count"]);
            // Fixed pool names: a replacement deletes the old pool first instead of failing on the name.
            assert.strictEqual(p.deleteBeforeReplace, true);
            // Parented to the component, not the protected cluster, so pools stay replaceable and removable.
            assert.strictEqual(p.parent, res.get("dataops:cluster:Aks", "cluster").urn);
            assert.strictEqual(p.protect, false);
        }
    });

    it("federates the Airflow and Spark service accounts with their identities, one credential at a time", () => {
        const fics = res.ofType(T.fic);
        const subjects = (identity: string) =>
            fics.filter((f) => f.inputs.resourceName === identity).map((f) => [f.inputs.federatedIdentityCredentialResourceName, f.inputs.subject]);
        assert.deepStrictEqual(subjects("dataops-prod-azure-airflow"), [
            ["airflow-airflow-worker", "system:serviceaccount:airflow:airflow-worker"],
            ["airflow-airflow-scheduler", "system:serviceaccount:airflow:airflow-scheduler"],
            ["airflow-airflow-triggerer", "system:serviceaccount:airflow:airflow-triggerer"],
            ["airflow-airflow-api-server", "system:serviceaccount:airflow:airflow-api-server"],
            ["airflow-airflow-dag-processor", "system:serviceaccount:airflow:airflow-dag-processor"],
        ]);
        assert.deepStrictEqual(subjects("dataops-prod-azure-spark"), [["spark-jobs-spark", "system:serviceaccount:spark-jobs:spark"]]);
        assert.deepStrictEqual(subjects("dataops-prod-azure-team-analytics"), [["analytics-jobs-spark", "system:serviceaccount:analytics-jobs:spark"]]);
        // Plus cert-manager's, on its own DNS-01 identity.
        assert.strictEqual(fics.length, 8);
        for (const f of fics) {
            assert.strictEqual(f.inputs.issuer, mockIssuerUrl("dataops-prod-azure"));
            assert.deepStrictEqual(f.inputs.audiences, ["api://AzureADTokenExchange"]);
        }
        const chain = fics.filter((f) => f.inputs.resourceName === "dataops-prod-azure-airflow");
        for (let i = 1; i < chain.length; i++) {
            assert.ok(chain[i].dependencies.includes(chain[i - 1].urn), `${chain[i].name} does not wait for ${chain[i - 1].name}`);
        }
    });

    it("gives Airflow and Spark Blob Data Contributor on the locked-down data account only", () => {
        const account = res.get(T.account, "cluster-data");
        assert.deepStrictEqual(account.inputs, {
            resourceGroupName: RG,
            location: "westeurope",
            tags: TAGS,
            accountName: ST,
            kind: "StorageV2",
            sku: { name: "Standard_ZRS" },
            accessTier: "Hot",
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            networkRuleSet: {
                defaultAction: "Deny",
                bypass: "AzureServices",
                virtualNetworkRules: [{ virtualNetworkResourceId: "cluster-nodes-id", action: "Allow" }],
            },
        });
        assert.deepStrictEqual(res.get(T.container, "cluster-data-container").inputs, {
            resourceGroupName: RG,
            accountName: ST,
            containerName: "dataops",
            publicAccess: "None",
        });
        for (const w of ["airflow", "spark"]) {
            const r = res.get(T.role, `cluster-${w}-blob-data`);
            assert.strictEqual(r.inputs.principalId, `principal-id-dataops-prod-azure-${w}`);
            // The platform's container only: team containers are not readable by the shared identities.
            assert.strictEqual(r.inputs.scope, `${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${ST}/blobServices/default/containers/dataops`);
            assert.strictEqual(r.inputs.roleDefinitionId, `${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`);
        }
        const team = res.get(T.role, "cluster-team-analytics-blob-data").inputs;
        assert.deepStrictEqual(
            [team.principalId, team.scope],
            ["principal-id-dataops-prod-azure-team-analytics", `${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${ST}/blobServices/default/containers/team-analytics`],
        );
        // Blob (Airflow's logs) and dfs (Spark's ABFS) through Private Link at fixed node-subnet addresses.
        for (const [g, ip] of [
            ["blob", "10.20.127.254"],
            ["dfs", "10.20.127.253"],
        ]) {
            const pe = res.get("azure-native:network:PrivateEndpoint", `cluster-${g}-endpoint`).inputs;
            assert.deepStrictEqual(pe.ipConfigurations, [{ name: g, groupId: g, memberName: g, privateIPAddress: ip }]);
            assert.deepStrictEqual(pe.privateLinkServiceConnections[0].groupIds, [g]);
            assert.strictEqual(res.get("azure-native:privatedns:PrivateZone", `cluster-${g}-dns`).inputs.privateZoneName, `privatelink.${g}.core.windows.net`);
        }
    });

    it("builds the Kubernetes provider from a secret kubelogin kubeconfig without tokens", async () => {
        const provider = res.get(T.k8sProvider, "cluster-k8s");
        assert.strictEqual(provider.parent, res.get("dataops:cluster:Aks", "cluster").urn);
        assert.deepStrictEqual(provider.secretPaths, ["kubeconfig"]);
        assert.strictEqual(provider.inputs.clusterIdentifier, "cluster-aks-id");
        const kc = JSON.parse(provider.inputs.kubeconfig);
        assert.strictEqual(kc.clusters[0].cluster.server, "https://dataops-prod-azure-mock.privatelink.westeurope.azmk8s.io:443");
        // The provider's tenant (from getClientConfig), not the CLI session's default one.
        assert.deepStrictEqual(kc.users[0].user.exec.args, [
            "get-token",
            "--login",
            "azurecli",
            "--server-id",
            "6dae42f8-4368-4678-94ff-3960e28e3630",
            "--tenant-id",
            "00000000-0000-4000-8000-000000000002",
        ]);
        assert.deepStrictEqual(kc.users.map((u: { user: Record<string, unknown> }) => Object.keys(u.user)), [["exec"]]);
        assert.deepStrictEqual(provider.ignoreChanges, []);
        const out = run.outputs as Record<string, pulumi.Output<string>>;
        assert.strictEqual(await pulumi.isSecret(out.kubeconfig), true);
    });

    it("creates every Kubernetes resource (the platform's included) through the AKS provider", () => {
        const provider = res.get(T.k8sProvider, "cluster-k8s");
        const k8sResources = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8sResources.length >= 1);
        for (const r of k8sResources) {
            assert.strictEqual(providerUrn(r), provider.urn, `${r.type} ${r.name} is not on the AKS provider`);
        }
    });

    it("creates a WaitForFirstConsumer, expandable Premium SSD StorageClass that keeps volumes", () => {
        const sc = res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-storage-class");
        assert.deepStrictEqual(sc.inputs, {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "dataops-disk", labels: { "app.kubernetes.io/part-of": "dataops", "app.kubernetes.io/managed-by": "pulumi" } },
            provisioner: "disk.csi.azure.com",
            parameters: { skuName: "Premium_LRS" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        });
        assert.deepStrictEqual(sc.dependencies.map(short).sort(), ["cluster-deployer-admin", "cluster-deployer-admin-propagation", "cluster-pool-data", "cluster-pool-spark"]);
    });

    it("protects exactly the stateful Azure resources in prod", () => {
        assert.deepStrictEqual(
            run.resources.filter((r) => r.type.startsWith("azure-native:") && r.protect).map((r) => `${r.type.split(":").pop()}/${r.name}`).sort(),
            [
                "BlobContainer/cluster-data-container",
                "BlobContainer/cluster-team-analytics-container",
                "Key/cluster-airflow-db-key",
                "Key/cluster-kms-key",
                "ManagedCluster/cluster-aks",
                "ManagementLockByScope/cluster-airflow-db-lock",
                "ResourceGroup/cluster-rg",
                "Server/cluster-airflow-db-server",
                "StorageAccount/cluster-data",
                "Subnet/cluster-apiserver",
                "Subnet/cluster-nodes",
                "Vault/cluster-kms-vault",
                "VirtualNetwork/cluster-vnet",
                "Workspace/cluster-logs",
            ],
        );
    });
});

describe("AKS under mocks: ClusterInfo and ready", () => {
    it("tells the platform how to install on AKS", async () => {
        const { run, target } = await runTarget("prod-azure");
        assert.strictEqual(run.error, undefined, run.error?.message);
        const info = target!.info;
        assert.strictEqual(info.cloud, "azure");
        assert.strictEqual(info.managedControlPlane, true);
        assert.strictEqual(await valueOf(info.storageClass), "dataops-disk");
        // VNet integration: the API server's internal load balancer is in its delegated subnet.
        assert.deepStrictEqual(info.apiServer, { cidrs: ["10.20.128.0/28"], ports: [443] });
        assert.deepStrictEqual(info.networkCidrs, ["10.20.0.0/16"]);
        assert.strictEqual(info.zoneTopologyKey, "topology.kubernetes.io/zone");
        assert.strictEqual(info.networkPolicyEnforced, true);
        assert.strictEqual(info.kubeProxy, false);
        for (const w of ["airflow", "spark"] as const) {
            const b = info.workloadIdentity![w];
            assert.deepStrictEqual(b.podLabels, { "azure.workload.identity/use": "true" });
            assert.deepStrictEqual(Object.keys(b.serviceAccountAnnotations), ["azure.workload.identity/client-id"]);
            assert.strictEqual(await valueOf(b.serviceAccountAnnotations["azure.workload.identity/client-id"]), `client-id-dataops-prod-azure-${w}`);
        }
        const ds = info.dataStore!;
        assert.strictEqual(ds.kind, "azureBlob");
        assert.strictEqual(await valueOf(ds.bucket), "dataops");
        assert.strictEqual(await valueOf(ds.account), ST);
        assert.strictEqual(ds.logsUrl, "wasb-airflow-logs");
        assert.deepStrictEqual(ds.endpoints, { cidrs: ["10.20.127.254/32", "10.20.127.253/32"], port: 443 });
        const team = info.sparkIdentities!["analytics-jobs"];
        assert.deepStrictEqual(team.podLabels, { "azure.workload.identity/use": "true" });
        assert.strictEqual(await valueOf(team.serviceAccountAnnotations["azure.workload.identity/client-id"]), "client-id-dataops-prod-azure-team-analytics");
        assert.strictEqual(await valueOf(target!.clusterName), "dataops-prod-azure");
        const ready = await Promise.all(target!.ready.map((r) => valueOf(r.urn)));
        assert.deepStrictEqual(ready.map((u) => short(u!)), [
            "cluster-aks",
            "cluster-pool-data",
            "cluster-pool-spark",
            "cluster-deployer-admin",
            "cluster-deployer-admin-propagation",
            "cluster-storage-class",
            "cluster-airflow-blob-data",
            "cluster-airflow-airflow-airflow-worker",
            "cluster-airflow-airflow-airflow-scheduler",
            "cluster-airflow-airflow-airflow-triggerer",
            "cluster-airflow-airflow-airflow-api-server",
            "cluster-airflow-airflow-airflow-dag-processor",
            "cluster-spark-blob-data",
            "cluster-spark-spark-jobs-spark",
            "cluster-blob-endpoint",
            "cluster-blob-dns-link",
            "cluster-blob-dns-group",
            "cluster-dfs-endpoint",
            "cluster-dfs-dns-link",
            "cluster-dfs-dns-group",
            "cluster-team-analytics-blob-data",
            "cluster-team-analytics-analytics-jobs-spark",
            "cluster-data-access-propagation",
            "cluster-dns01-zone",
            "cluster-dns01-cert-manager-cert-manager",
        ]);
    });

    it("with Azure network policy keeps kube-proxy and the Azure dataplane", async () => {
        const { run, target } = await runTarget("dev-azure", { "dataops:azure": JSON.stringify({ networkPolicy: "azure" }) });
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.strictEqual(target!.info.kubeProxy, true);
        assert.strictEqual(target!.info.networkPolicyEnforced, true);
        const aks = new Resources(run.resources).get(T.cluster, "cluster-aks");
        assert.strictEqual(aks.inputs.networkProfile.networkDataplane, "azure");
        assert.strictEqual(aks.inputs.networkProfile.networkPolicy, "azure");
    });

    it("without workload identity exposes neither bindings nor a data store and creates no identities for them", async () => {
        const { run, target } = await runTarget("dev-azure", { "dataops:azure": JSON.stringify({ workloadIdentity: false }) });
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.strictEqual(target!.info.workloadIdentity, undefined);
        assert.strictEqual(target!.info.dataStore, undefined);
        const res = new Resources(run.resources);
        assert.deepStrictEqual(res.ofType(T.identity).map((r) => r.name), ["cluster-identity"]);
        assert.deepStrictEqual(res.ofType(T.fic), []);
        assert.deepStrictEqual(res.ofType(T.account), []);
        assert.deepStrictEqual(res.get(T.cluster, "cluster-aks").inputs.securityProfile.workloadIdentity, { enabled: false });
    });

    it("uses an existing resource group and storage account instead of creating them", async () => {
        const { run, target } = await runTarget("prod-azure", {
            "dataops:azure": JSON.stringify({
                resourceGroupName: "platform-rg",
                dataStorageAccount: "corpdatalake01",
                adminGroupObjectIds: ["11111111-2222-4333-8444-555555555555"],
            }),
        });
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        assert.deepStrictEqual(res.ofType(T.rg), []);
        assert.deepStrictEqual(res.ofType(T.account), []);
        assert.strictEqual(res.get(T.cluster, "cluster-aks").inputs.resourceGroupName, "platform-rg");
        assert.deepStrictEqual(res.get(T.container, "cluster-data-container").inputs.accountName, "corpdatalake01");
        assert.strictEqual(
            res.get(T.role, "cluster-spark-blob-data").inputs.scope,
            `${SUB}/resourceGroups/platform-rg/providers/Microsoft.Storage/storageAccounts/corpdatalake01/blobServices/default/containers/dataops`,
        );
        assert.strictEqual(await valueOf(target!.info.dataStore!.account), "corpdatalake01");
    });
});

describe("AKS under mocks: dev-azure stack", () => {
    let run: Run;
    let res: Resources;
    before(async () => {
        run = await runStack("dev-azure");
        res = new Resources(run.resources);
    });

    it("is public behind the authorized ranges, Free tier, regional, without KMS or Azure Policy, and unprotected", () => {
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(run.unknownCalls, []);
        const aks = res.get(T.cluster, "cluster-aks");
        assert.deepStrictEqual(aks.inputs.apiServerAccessProfile, { enablePrivateCluster: false, authorizedIPRanges: ["203.0.113.0/24"] });
        assert.deepStrictEqual(aks.inputs.sku, { name: "Base", tier: "Free" });
        assert.strictEqual(aks.inputs.securityProfile.azureKeyVaultKms, undefined);
        assert.strictEqual(aks.inputs.addonProfiles, undefined);
        assert.deepStrictEqual(res.ofType(T.vault), []);
        assert.deepStrictEqual(res.ofType(T.key), []);
        // The Spot executor pool scales from zero beside the System pool.
        assert.deepStrictEqual(
            res.ofType(T.pool).map((p) => [p.name, p.inputs.mode, p.inputs.minCount, p.inputs.maxCount, p.inputs.scaleSetPriority]),
            [["cluster-pool-spark", "User", 0, 5, "Spot"]],
        );
        const pool = aks.inputs.agentPoolProfiles[0];
        assert.deepStrictEqual(
            [pool.name, pool.mode, pool.vmSize, pool.minCount, pool.maxCount, pool.scaleSetPriority, pool.availabilityZones, pool.enableEncryptionAtHost],
            ["general", "System", "Standard_D4s_v5", 1, 3, "Regular", undefined, false],
        );
        assert.deepStrictEqual(
            res.get(T.diagnostics, "cluster-diagnostics").inputs.logs.map((l: { category: string }) => l.category),
            ["kube-audit-admin", "guard"],
        );
        assert.deepStrictEqual(run.resources.filter((r) => r.type.startsWith("azure-native:") && r.protect).map((r) => r.name), []);
        // A person runs dev from a laptop.
        assert.strictEqual(res.get(T.role, "cluster-deployer-admin").inputs.principalType, "User");
    });
});

describe("AKS component: invalid args", () => {
    it("throws before registering anything, listing every problem", async () => {
        const { config } = stackFileConfig("dev-azure");
        const args = aksArgsFrom(loadConfig(config, "dev-azure").config);
        const run = await runMocked({
            stack: "dev-azure",
            config,
            program: () =>
                new AksCluster("cluster", {
                    ...args,
                    oidcIssuer: false,
                    network: { ...args.network, podCidr: "10.10.0.0/16" },
                    nodePools: [{ name: "data", minNodes: 0, maxNodes: 3 }],
                }),
        });
        assert.deepStrictEqual(run.resources, []);
        assert.strictEqual(
            run.error?.message,
            'AKS cluster "cluster" has invalid arguments; nothing was created:\n' +
                '  - network.podCidr = "10.10.0.0/16": overlaps network.networkCidr = 10.10.0.0/16; node, pod and service ranges must be disjoint. ' +
                "Fix: pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.\n" +
                '  - nodePools = ["data"]: has no System pool; AKS needs one (system: true) for CoreDNS, konnectivity and metrics-server. ' +
                "Fix: set system: true on one pool with minNodes >= 1 and spot off.\n" +
                "  - azure.workloadIdentity = true: needs the cluster's OIDC issuer, but azure.oidcIssuer is false. " +
                "Fix: set azure.oidcIssuer to true, or azure.workloadIdentity to false (Airflow and Spark then get no storage access).",
        );
    });
});
