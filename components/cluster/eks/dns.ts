// What the front door needs from EKS: NLB annotations (the in-tree AWS cloud provider reads them; no extra
// controller), and Route 53 access for cert-manager's DNS-01 challenges through EKS Pod Identity.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_SERVICE_ACCOUNT, NAMESPACES } from "../../../stacks/catalog";
import type { FrontDoorInfo } from "../types";
import { podIdentityTrustPolicy, PolicyDocument } from "./plan";

export const EKS_LOAD_BALANCER: FrontDoorInfo["loadBalancerAnnotations"] = {
    internal: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb", "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
    public: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
};

/** What cert-manager's Route 53 solver needs, and only on the stack's hosted zone (the docs' minimal policy). */
export function route53Policy(partition: string, zoneId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: "route53:GetChange", Resource: `arn:${partition}:route53:::change/*` },
            {
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                Resource: `arn:${partition}:route53:::hostedzone/${zoneId}`,
                Condition: { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] } },
            },
            { Effect: "Allow", Action: "route53:ListHostedZonesByName", Resource: "*" },
        ],
    };
}

export interface EksDns01Args {
    clusterName: pulumi.Input<string>;
    region: string;
    zoneId: string;
    partition: pulumi.Output<string>;
    accountId: pulumi.Output<string>;
    tags: Record<string, string>;
}

/** A role for cert-manager's service account that may write TXT records in the zone, bound through Pod Identity. */
export function createEksDns01(name: string, args: EksDns01Args, parent: pulumi.Resource): { info: FrontDoorInfo["dns01"]; ready: pulumi.Resource[] } {
    const role = new aws.iam.Role(
        `${name}-dns01-role`,
        { assumeRolePolicy: args.accountId.apply((a) => JSON.stringify(podIdentityTrustPolicy(a))), tags: args.tags },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-dns01-route53`,
        { role: role.id, policy: args.partition.apply((p) => JSON.stringify(route53Policy(p, args.zoneId))) },
        { parent: role },
    );
    const association = new aws.eks.PodIdentityAssociation(
        `${name}-pod-identity-${NAMESPACES.certManager}.${CERT_MANAGER_SERVICE_ACCOUNT}`,
        { clusterName: args.clusterName, namespace: NAMESPACES.certManager, serviceAccount: CERT_MANAGER_SERVICE_ACCOUNT, roleArn: role.arn, tags: args.tags },
        { parent },
    );
    return {
        info: { dns01: { route53: { region: args.region, hostedZoneID: args.zoneId } }, serviceAccountAnnotations: {}, podLabels: {} },
        ready: [association],
    };
}
