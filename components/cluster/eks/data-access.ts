// What pods need of the S3 data bucket on EKS, beside the shared role in eks.ts: where S3 is (the region's published
// prefix list, for the egress NetworkPolicy; the gateway endpoint is eks/day2's), and one IAM role
// per team, scoped to the team's prefix and associated with the Spark service account of each namespace it owns.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DATA_PREFIXES, DATA_SERVICE_ACCOUNTS } from "../../../stacks/catalog";
import type { PlatformConfig } from "../../../stacks/config";
import { PolicyDocument, podIdentityTrustPolicy } from "./plan";

/** A team and the namespaces it owns: its Spark service accounts act as the team's role there. */
export interface TeamDataAccess {
    team: string;
    namespaces: string[];
}

/** Teams that own namespaces, when Spark runs: each gets a role of its own. */
export function teamDataAccess(cfg: Pick<PlatformConfig, "spark" | "teams">): TeamDataAccess[] {
    if (!cfg.spark.enabled) {
        return [];
    }
    return cfg.teams.filter((t) => (t.ownNamespaces ?? []).length > 0).map((t) => ({ team: t.name, namespaces: [...(t.ownNamespaces ?? [])] }));
}

/** The AWS-managed prefix list of S3 in a region: the addresses S3 (and its gateway endpoint) answers on. */
export function s3PrefixListName(region: string): string {
    return `com.amazonaws.${region}.s3`;
}

/**
 * Object access under the given prefixes of the bucket and listing limited to them: no other prefix, no bucket
 * configuration. The shared role gets Airflow's logs and the shared job data; a team role its own prefix.
 */
export function prefixBucketPolicy(bucketArn: string, prefixes: string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "BucketLocation", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: bucketArn },
            {
                Sid: "ListPrefixes",
                Effect: "Allow",
                Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
                Resource: bucketArn,
                Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [`${p}/`, `${p}/*`]) } },
            },
            {
                Sid: "ReadWriteObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: prefixes.map((p) => `${bucketArn}/${p}/*`),
            },
        ],
    };
}

/** S3's address ranges in the region, read at deploy time (AWS publishes and updates them; `pulumi up` follows). */
export function s3Cidrs(region: string, parent: pulumi.Resource): pulumi.Output<string[]> {
    return aws.ec2
        .getManagedPrefixListOutput({ name: s3PrefixListName(region) }, { parent })
        .entries.apply((entries) => entries.map((e) => e.cidr).sort());
}

/** One role per team, scoped to `teams/<team>/`, and a Pod Identity association per namespace the team owns. */
export function createTeamRoles(
    name: string,
    args: { clusterName: pulumi.Input<string>; bucketArn: pulumi.Input<string>; accountId: pulumi.Input<string>; teams: TeamDataAccess[]; tags: Record<string, string> },
    parent: pulumi.Resource,
): { roles: Record<string, aws.iam.Role>; associations: pulumi.Resource[] } {
    const roles: Record<string, aws.iam.Role> = {};
    const associations: pulumi.Resource[] = [];
    for (const t of args.teams) {
        const role = new aws.iam.Role(
            `${name}-team-${t.team}-role`,
            { assumeRolePolicy: pulumi.output(args.accountId).apply((a) => JSON.stringify(podIdentityTrustPolicy(a))), tags: { ...args.tags, "dataops:team": t.team } },
            { parent },
        );
        new aws.iam.RolePolicy(
            `${name}-team-${t.team}-role-s3`,
            { role: role.id, policy: pulumi.output(args.bucketArn).apply((arn) => JSON.stringify(prefixBucketPolicy(arn, [DATA_PREFIXES.team(t.team)]))) },
            { parent: role },
        );
        roles[t.team] = role;
        for (const namespace of t.namespaces) {
            for (const serviceAccount of DATA_SERVICE_ACCOUNTS.sparkJobs) {
                associations.push(
                    new aws.eks.PodIdentityAssociation(
                        `${name}-pod-identity-${namespace}.${serviceAccount}`,
                        { clusterName: args.clusterName, namespace, serviceAccount, roleArn: role.arn, tags: args.tags },
                        { parent },
                    ),
                );
            }
        }
    }
    return { roles, associations };
}
