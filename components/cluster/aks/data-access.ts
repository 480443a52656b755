// What pods need of the storage account on AKS, beside the account, the shared container and the Airflow/Spark
// identities in cluster.ts: private endpoints for blob and dfs at fixed addresses of the node subnet (so the egress
// NetworkPolicy names two /32s instead of the internet, and the account's firewall is passed by Private Link), and per
// team a container of its own with an identity that may use only that container, federated with the Spark service
// account of each namespace the team owns. A container is Azure's native RBAC scope, so no path conditions are needed.
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { DATA_SERVICE_ACCOUNTS } from "../../../stacks/catalog";
import { parseCidr } from "../../../stacks/cidr";
import type { PlatformConfig } from "../../../stacks/config";
import type { WorkloadIdentityBinding } from "../types";
import { federatedSubject, nodeSubnetCidr, roleDefinitionId, WORKLOAD_IDENTITY_AUDIENCE } from "./settings";

/** Annotation and label the AKS workload identity webhook reads (same values as cluster.ts exports). */
const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
const USE_LABEL = "azure.workload.identity/use";

/**
 * The storage endpoints pods use through Private Link: blob (Airflow's remote logs, the Blob SDKs) and dfs (Spark's
 * ABFS connector), each with the private DNS zone that makes the account's name resolve to it.
 */
export const STORAGE_ENDPOINTS = [
    { groupId: "blob", zone: "privatelink.blob.core.windows.net", offset: 1 },
    { groupId: "dfs", zone: "privatelink.dfs.core.windows.net", offset: 2 },
] as const;

/**
 * A private endpoint's address: counted down from the node subnet's last address (which Azure reserves; nodes are
 * allocated from the bottom), fixed so the NetworkPolicy is known before the endpoint exists.
 */
export function storageEndpointAddress(networkCidr: string, offset: number): string {
    const nodes = parseCidr(nodeSubnetCidr(networkCidr));
    if (!nodes) {
        throw new Error(`${networkCidr} is not a CIDR`);
    }
    const ip = nodes.end - offset;
    return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
}

/** A team's container: Azure container names are 3-63 lowercase letters, digits and '-'. */
export function teamContainerName(team: string): string {
    return `team-${team}`.slice(0, 63).replace(/-+$/, "");
}

export interface TeamStorage {
    team: string;
    namespaces: string[];
}

/** Teams that own namespaces, when Spark runs: each gets a container and an identity. */
export function teamStorage(cfg: Pick<PlatformConfig, "spark" | "teams">): TeamStorage[] {
    return cfg.spark.enabled ? cfg.teams.filter((t) => (t.ownNamespaces ?? []).length > 0).map((t) => ({ team: t.name, namespaces: [...(t.ownNamespaces ?? [])] })) : [];
}

interface Common {
    clusterName: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    tags: Record<string, string>;
    subscriptionId: pulumi.Input<string>;
    accountName: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
}

/** Private endpoints for blob and dfs in the node subnet, with the private DNS zones that make the account resolve to them. */
export function storagePrivateEndpoints(
    name: string,
    args: Common & { vnetId: pulumi.Input<string>; subnetId: pulumi.Input<string>; networkCidr: string },
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const rg = { resourceGroupName: args.resourceGroupName };
    return STORAGE_ENDPOINTS.flatMap((e) => {
        const endpoint = new network.PrivateEndpoint(
            `${name}-${e.groupId}-endpoint`,
            {
                ...rg,
                location: args.location,
                tags: args.tags,
                privateEndpointName: `${args.clusterName}-${e.groupId}`,
                subnet: { id: args.subnetId },
                privateLinkServiceConnections: [{ name: e.groupId, privateLinkServiceId: args.accountId, groupIds: [e.groupId] }],
                ipConfigurations: [{ name: e.groupId, groupId: e.groupId, memberName: e.groupId, privateIPAddress: storageEndpointAddress(args.networkCidr, e.offset) }],
            },
            { parent },
        );
        const zone = new privatedns.PrivateZone(`${name}-${e.groupId}-dns`, { ...rg, location: "Global", privateZoneName: e.zone, tags: args.tags }, { parent });
        const link = new privatedns.VirtualNetworkLink(
            `${name}-${e.groupId}-dns-link`,
            { ...rg, location: "Global", privateZoneName: zone.name, virtualNetworkLinkName: `${args.clusterName}-vnet`, virtualNetwork: { id: args.vnetId }, registrationEnabled: false, tags: args.tags },
            { parent: zone },
        );
        const group = new network.PrivateDnsZoneGroup(
            `${name}-${e.groupId}-dns-group`,
            { ...rg, privateEndpointName: endpoint.name, privateDnsZoneGroupName: e.groupId, privateDnsZoneConfigs: [{ name: e.groupId, privateDnsZoneId: zone.id }] },
            { parent: endpoint },
        );
        return [endpoint, link, group];
    });
}

/** Resource ID of a container: the scope of a role assignment limited to it. */
export function containerScope(accountId: string, container: string): string {
    return `${accountId}/blobServices/default/containers/${container}`;
}

/**
 * Per team: a container, an identity with Storage Blob Data Contributor on that container only, and a federated
 * credential per namespace the team owns. Returns the binding of each such namespace's Spark service account.
 */
export function createTeamStorage(
    name: string,
    args: Common & { teams: TeamStorage[]; issuer: pulumi.Input<string>; protect: boolean },
    parent: pulumi.Resource,
): { bindings: Record<string, WorkloadIdentityBinding>; ready: pulumi.Resource[] } {
    const rg = { resourceGroupName: args.resourceGroupName };
    const bindings: Record<string, WorkloadIdentityBinding> = {};
    const ready: pulumi.Resource[] = [];
    for (const t of args.teams) {
        const containerName = teamContainerName(t.team);
        const container = new storage.BlobContainer(
            `${name}-team-${t.team}-container`,
            { ...rg, accountName: args.accountName, containerName, publicAccess: "None" },
            { parent, protect: args.protect },
        );
        const identity = new managedidentity.UserAssignedIdentity(
            `${name}-team-${t.team}-identity`,
            { ...rg, location: args.location, tags: { ...args.tags, "dataops-team": t.team }, resourceName: `${args.clusterName}-team-${t.team}`.slice(0, 128) },
            { parent },
        );
        ready.push(
            new authorization.RoleAssignment(
                `${name}-team-${t.team}-blob-data`,
                {
                    principalId: identity.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: pulumi.output(args.subscriptionId).apply((s) => roleDefinitionId(s, "storageBlobDataContributor")),
                    scope: pulumi.all([args.accountId, container.name]).apply(([id, c]) => containerScope(id, c)),
                    description: `Spark jobs of team ${t.team} read and write the team's container only.`,
                },
                { parent: identity },
            ),
        );
        // Azure rejects concurrent writes of federated credentials on one identity, so they are chained.
        let previous: pulumi.Resource | undefined;
        for (const namespace of t.namespaces) {
            for (const serviceAccount of DATA_SERVICE_ACCOUNTS.sparkJobs) {
                previous = new managedidentity.FederatedIdentityCredential(
                    `${name}-team-${t.team}-${namespace}-${serviceAccount}`,
                    {
                        ...rg,
                        resourceName: identity.name,
                        federatedIdentityCredentialResourceName: `${namespace}-${serviceAccount}`,
                        issuer: args.issuer,
                        subject: federatedSubject({ namespace, serviceAccount }),
                        audiences: [WORKLOAD_IDENTITY_AUDIENCE],
                    },
                    { parent: identity, dependsOn: previous ? [previous] : [] },
                );
                ready.push(previous);
            }
            bindings[namespace] = { serviceAccountAnnotations: { [CLIENT_ID_ANNOTATION]: identity.clientId }, podLabels: { [USE_LABEL]: "true" } };
        }
    }
    return { bindings, ready };
}
