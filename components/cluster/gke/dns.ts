// What the front door needs from GKE: the internal L4 load balancer annotation, and Cloud DNS access for
// cert-manager's DNS-01 challenges through Workload Identity (a Google service account with DNS admin on one zone).
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_SERVICE_ACCOUNT, NAMESPACES } from "../../../stacks/catalog";
import type { FrontDoorInfo } from "../types";
import { GKE_SA_ANNOTATION, serviceAccountId, workloadIdentityMember } from "./plan";

export const GKE_LOAD_BALANCER: FrontDoorInfo["loadBalancerAnnotations"] = {
    internal: { "networking.gke.io/load-balancer-type": "Internal" },
    public: {},
};

export interface GkeDns01Args {
    project: string;
    clusterName: string;
    /** Cloud DNS managed zone name (not its DNS name). */
    managedZone: string;
    /** Workload Identity members resolve only once the cluster created the pool. */
    cluster: pulumi.Resource;
}

export function createGkeDns01(name: string, args: GkeDns01Args, parent: pulumi.Resource): { info: FrontDoorInfo["dns01"]; ready: pulumi.Resource[] } {
    const sa = new gcp.serviceaccount.Account(
        `${name}-dns01-sa`,
        { project: args.project, accountId: serviceAccountId(args.clusterName, "dns01"), displayName: `cert-manager DNS-01 of ${args.clusterName}` },
        { parent },
    );
    // Zone-scoped: the solver names the zone, so it never needs to list the project's zones.
    const zoneAccess = new gcp.dns.DnsManagedZoneIamMember(
        `${name}-dns01-zone`,
        { project: args.project, managedZone: args.managedZone, role: "roles/dns.admin", member: pulumi.interpolate`serviceAccount:${sa.email}` },
        { parent: sa },
    );
    const wi = new gcp.serviceaccount.IAMMember(
        `${name}-dns01-wi`,
        {
            serviceAccountId: sa.name,
            role: "roles/iam.workloadIdentityUser",
            member: workloadIdentityMember(args.project, { namespace: NAMESPACES.certManager, serviceAccount: CERT_MANAGER_SERVICE_ACCOUNT }),
        },
        { parent: sa, dependsOn: [args.cluster] },
    );
    return {
        info: {
            dns01: { cloudDNS: { project: args.project, hostedZoneName: args.managedZone } },
            serviceAccountAnnotations: { [GKE_SA_ANNOTATION]: sa.email },
            podLabels: {},
        },
        ready: [zoneAccess, wi],
    };
}
