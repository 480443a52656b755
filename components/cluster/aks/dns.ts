// What the front door needs from AKS: the internal load balancer annotation, and Azure DNS access for cert-manager's
// DNS-01 challenges through workload identity (a user-assigned identity with DNS Zone Contributor on one zone).
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_SERVICE_ACCOUNT, NAMESPACES } from "../../../stacks/catalog";
import type { FrontDoorInfo } from "../types";
import { federatedSubject, WORKLOAD_IDENTITY_AUDIENCE } from "./settings";

export const AKS_LOAD_BALANCER: FrontDoorInfo["loadBalancerAnnotations"] = {
    internal: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
    public: {},
};

/** Built-in "DNS Zone Contributor": records in the zones it is assigned on, nothing else. */
export const DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314";

/** Subscription, resource group and zone name of an Azure DNS zone resource ID (validated by stacks/validate.ts). */
export function parseDnsZoneId(id: string): { subscriptionId: string; resourceGroup: string; zone: string } {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/dnszones\/([^/]+)$/i.exec(id);
    if (!m) {
        throw new Error(`not an Azure DNS zone resource ID: ${id}`);
    }
    return { subscriptionId: m[1], resourceGroup: m[2], zone: m[3] };
}

export interface AksDns01Args {
    clusterName: string;
    zoneId: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    issuer: pulumi.Input<string>;
    tags: Record<string, string>;
}

export function createAksDns01(name: string, args: AksDns01Args, parent: pulumi.Resource): { info: FrontDoorInfo["dns01"]; ready: pulumi.Resource[] } {
    const zone = parseDnsZoneId(args.zoneId);
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-dns01-identity`,
        { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags, resourceName: `${args.clusterName}-dns01` },
        { parent },
    );
    const role = new authorization.RoleAssignment(
        `${name}-dns01-zone`,
        {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: `/subscriptions/${zone.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${DNS_ZONE_CONTRIBUTOR}`,
            scope: args.zoneId,
            description: "cert-manager writes ACME DNS-01 records for the front door.",
        },
        { parent: identity },
    );
    const subject = { namespace: NAMESPACES.certManager, serviceAccount: CERT_MANAGER_SERVICE_ACCOUNT };
    const federated = new managedidentity.FederatedIdentityCredential(
        `${name}-dns01-${subject.namespace}-${subject.serviceAccount}`,
        {
            resourceGroupName: args.resourceGroupName,
            resourceName: identity.name,
            federatedIdentityCredentialResourceName: `${subject.namespace}-${subject.serviceAccount}`,
            issuer: args.issuer,
            subject: federatedSubject(subject),
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
        { parent: identity },
    );
    return {
        info: {
            dns01: {
                azureDNS: {
                    subscriptionID: zone.subscriptionId,
                    resourceGroupName: zone.resourceGroup,
                    hostedZoneName: zone.zone,
                    environment: "AzurePublicCloud",
                    managedIdentity: { clientID: identity.clientId },
                },
            },
            serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
            podLabels: { "azure.workload.identity/use": "true" },
        },
        ready: [role, federated],
    };
}
