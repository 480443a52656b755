// Mock outputs and invoke results for the azure target: ARM ids, names and the values Azure computes (client IDs,
// the OIDC issuer URL, versioned key URIs, the user kubeconfig).
import type { CallFn, OutputsFn } from "./index";

export const MOCK_AZURE = {
    subscriptionId: "00000000-0000-4000-8000-000000000001",
    tenantId: "00000000-0000-4000-8000-000000000002",
    deployerObjectId: "00000000-0000-4000-8000-000000000003",
    deployerClientId: "00000000-0000-4000-8000-000000000004",
    caData: Buffer.from("mock-aks-ca").toString("base64"),
} as const;

const sub = `/subscriptions/${MOCK_AZURE.subscriptionId}`;
const rgId = (rg: string) => `${sub}/resourceGroups/${rg}`;

export function mockIssuerUrl(cluster: string): string {
    return `https://westeurope.oic.prod-aks.azure.com/${MOCK_AZURE.tenantId}/${cluster}/`;
}

export function mockApiServer(cluster: string): string {
    return `https://${cluster}-mock.privatelink.westeurope.azmk8s.io:443`;
}

/** What `az aks get-credentials` writes for an Entra ID cluster: devicecode kubelogin (converted by the program). */
export function mockUserKubeconfig(cluster: string): string {
    return [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        `    certificate-authority-data: ${MOCK_AZURE.caData}`,
        `    server: ${mockApiServer(cluster)}`,
        `  name: ${cluster}`,
        "contexts:",
        "- context:",
        `    cluster: ${cluster}`,
        `    user: clusterUser_${cluster}`,
        `  name: ${cluster}`,
        `current-context: ${cluster}`,
        "kind: Config",
        "users:",
        `- name: clusterUser_${cluster}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      command: kubelogin",
        "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
        "",
    ].join("\n");
}

export const azureOutputs: Record<string, OutputsFn> = {
    "azure-native:resources:ResourceGroup": (name, inputs) => {
        const n = inputs.resourceGroupName ?? name;
        return { name: n, id: rgId(n) };
    },
    "azure-native:network:VirtualNetwork": (name, inputs) => {
        const n = inputs.virtualNetworkName ?? name;
        return { name: n, id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${n}` };
    },
    "azure-native:network:Subnet": (name, inputs) => {
        const n = inputs.subnetName ?? name;
        return {
            name: n,
            id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}/subnets/${n}`,
        };
    },
    "azure-native:managedidentity:UserAssignedIdentity": (name, inputs) => {
        const n = inputs.resourceName ?? name;
        return {
            name: n,
            id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`,
            clientId: `client-id-${n}`,
            principalId: `principal-id-${n}`,
            tenantId: MOCK_AZURE.tenantId,
        };
    },
    "azure-native:containerservice:ManagedCluster": (name, inputs) => {
        const n = inputs.resourceName ?? name;
        return {
            name: n,
            id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.ContainerService/managedClusters/${n}`,
            oidcIssuerProfile: { enabled: inputs.oidcIssuerProfile?.enabled, issuerURL: mockIssuerUrl(n) },
            privateFQDN: `${n}-mock.privatelink.westeurope.azmk8s.io`,
            provisioningState: "Succeeded",
        };
    },
    "azure-native:containerservice:AgentPool": (name, inputs) => ({ name: inputs.agentPoolName ?? name }),
    "azure-native:keyvault:Vault": (name, inputs) => {
        const n = inputs.vaultName ?? name;
        return {
            name: n,
            id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${n}`,
            properties: { ...inputs.properties, vaultUri: `https://${n}.vault.azure.net/` },
        };
    },
    "azure-native:keyvault:Key": (name, inputs) => {
        const n = inputs.keyName ?? name;
        return {
            name: n,
            keyUri: `https://${inputs.vaultName}.vault.azure.net/keys/${n}`,
            keyUriWithVersion: `https://${inputs.vaultName}.vault.azure.net/keys/${n}/0123456789abcdef0123456789abcdef`,
        };
    },
    "azure-native:storage:StorageAccount": (name, inputs) => {
        const n = inputs.accountName ?? name;
        return { name: n, id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${n}` };
    },
    "azure-native:storage:BlobContainer": (name, inputs) => ({ name: inputs.containerName ?? name }),
    "azure-native:operationalinsights:Workspace": (name, inputs) => {
        const n = inputs.workspaceName ?? name;
        return { name: n, id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.OperationalInsights/workspaces/${n}` };
    },
    "azure-native:dbforpostgresql:Server": (name, inputs) => {
        const n = inputs.serverName ?? name;
        return {
            name: n,
            fullyQualifiedDomainName: `${n}.postgres.database.azure.com`,
        };
    },
    "azure-native:privatedns:PrivateZone": (name, inputs) => {
        const n = inputs.privateZoneName ?? name;
        return { name: n };
    },
};

export const azureCalls: Record<string, CallFn> = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: MOCK_AZURE.deployerClientId,
        objectId: MOCK_AZURE.deployerObjectId,
        subscriptionId: MOCK_AZURE.subscriptionId,
        tenantId: MOCK_AZURE.tenantId,
    }),
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs) => ({
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(mockUserKubeconfig(inputs.resourceName)).toString("base64") }],
    }),
};
