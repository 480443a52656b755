// Config rules specific to `dataops:cloud: aws` (EKS).
import { z } from "zod";
import { contains, parseCidr } from "../cidr";
import type { Problem } from "../problems";
import { DEFAULT_NETWORK } from "../profiles";
import type { CloudValidationContext, CloudValidationResult } from "./context";

export const awsSchema = z.strictObject({
    /** Use an existing VPC instead of creating one (then subnet ids are required). */
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123abcd")).optional(),
    publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123abcd")).optional(),
    /** IAM role ARNs granted cluster admin through an access entry. */
    adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")).optional(),
    /** S3 bucket for Airflow/Spark logs and data: an existing bucket name, or created when absent. */
    dataBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name").optional(),
    logRetentionDays: z.number().int().min(1).optional(),
    /** Security groups let in to the private API endpoint on 443: a self-hosted CI runner's or a bastion's in the VPC. */
    apiAccessSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id like sg-0123456789abcdef0")).optional(),
    /** EKS upgrade policy at the end of standard support: STANDARD (default, auto-upgrade) or EXTENDED (billed extra). */
    supportType: z.enum(["STANDARD", "EXTENDED"]).optional(),
});

export type AwsInput = z.infer<typeof awsSchema>;

/** Regions known to offer EKS; a well-formed region outside this list is a warning, not an error. */
export const AWS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "sa-east-1", "mx-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-east-1",
    "me-south-1", "me-central-1", "il-central-1", "af-south-1",
] as const;

export const AWS_REGION_FORMAT = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** EKS minor versions in standard or extended support when this was written. */
export const EKS_VERSIONS = ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35"] as const;

/** The only retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Control-plane log retention when `dataops:aws.logRetentionDays` is not set. */
export const DEFAULT_LOG_RETENTION_DAYS = { dev: 7, prod: 90 } as const;

/** The private ranges EKS accepts for the service CIDR (RFC 1918), and the prefix lengths it allows. */
const SERVICE_CIDR_PARENTS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
const SERVICE_CIDR_PREFIX = { min: 12, max: 24 };

/** VPC sizes the subnet plan supports: AWS allows at most /16, and three /N+2 node subnets below /22 are too small for VPC-CNI pod IPs. */
export const VPC_PREFIX = { min: 16, max: 22 };

/** Instance types look like m6i.large, c7g.2xlarge, r6id.metal-24xl. */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;

/**
 * The role `aws:assumeRoles` (or v6 `aws:assumeRole`) makes the provider act as: the last of the chain. Undefined when
 * the provider uses its profile's identity as is, or the value is not a role list.
 */
export function providerRoleArn(text: string | undefined): string | undefined {
    if (!text) {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        const list = Array.isArray(parsed) ? parsed : [parsed];
        const last = list[list.length - 1] as { roleArn?: unknown } | undefined;
        return typeof last?.roleArn === "string" && last.roleArn !== "" ? last.roleArn : undefined;
    } catch {
        return undefined;
    }
}

export function validateAws(ctx: CloudValidationContext): CloudValidationResult {
    const problems: Problem[] = [];
    const warnings: string[] = [];
    const { config, profile } = ctx;
    const aws = config.aws ?? {};
    const cl = config.cluster ?? {};
    const p = "dataops:";

    checkExistingVpc(aws, cl.networkCidr, problems, warnings);

    if (!aws.vpcId) {
        const text = cl.networkCidr ?? DEFAULT_NETWORK.networkCidr;
        const prefix = parseCidr(text)?.prefix;
        if (prefix !== undefined && (prefix < VPC_PREFIX.min || prefix > VPC_PREFIX.max)) {
            problems.push({
                key: `${p}cluster.networkCidr`,
                value: text,
                message: `must be a /${VPC_PREFIX.min} to /${VPC_PREFIX.max} on aws (the VPC is split into 3 node and 3 load-balancer subnets, and pods take VPC addresses).`,
                fix: "use a range like 10.10.0.0/16.",
            });
        }
    }

    const service = cl.serviceCidr ?? DEFAULT_NETWORK.serviceCidr;
    const svc = parseCidr(service);
    if (svc && (!SERVICE_CIDR_PARENTS.some((parent) => contains(parseCidr(parent)!, svc)) || svc.prefix < SERVICE_CIDR_PREFIX.min || svc.prefix > SERVICE_CIDR_PREFIX.max)) {
        problems.push({
            key: `${p}cluster.serviceCidr`,
            value: service,
            message: `EKS needs a service range inside ${SERVICE_CIDR_PARENTS.join(", ")} with a prefix from /${SERVICE_CIDR_PREFIX.min} to /${SERVICE_CIDR_PREFIX.max}.`,
            fix: `use a range like ${DEFAULT_NETWORK.serviceCidr}.`,
        });
    }
    if (cl.podCidr !== undefined) {
        warnings.push(`${p}cluster.podCidr is ignored on aws: the VPC CNI gives pods addresses from the node subnets.`);
    }
    if ((cl.endpointAccess ?? (profile === "prod" ? "private" : "public")) === "private" && (cl.authorizedCidrs ?? []).length === 0) {
        warnings.push(
            `${p}cluster.authorizedCidrs is empty: the private API endpoint then only accepts the cluster's own security group. ` +
                "List your VPN, peered-VPC or CI runner ranges to reach it (see README 'AWS').",
        );
    }

    (cl.nodePools ?? []).forEach((pool, i) => {
        if (pool.machineType !== undefined && !INSTANCE_TYPE.test(pool.machineType)) {
            problems.push({
                key: `${p}cluster.nodePools[${i}].machineType`,
                value: pool.machineType,
                message: "is not an EC2 instance type.",
                fix: "use a type like m6i.xlarge.",
            });
        }
    });

    if (aws.logRetentionDays !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(aws.logRetentionDays)) {
        const near = nearestRetention(aws.logRetentionDays);
        problems.push({
            key: `${p}aws.logRetentionDays`,
            value: aws.logRetentionDays,
            message: `is not a retention CloudWatch Logs offers (${LOG_RETENTION_DAYS.join(", ")}).`,
            fix: `use ${near}, the closest allowed value.`,
        });
    }

    if (profile === "prod" && (aws.adminRoleArns ?? []).length === 0) {
        problems.push({
            key: `${p}aws.adminRoleArns`,
            message:
                "is required in the prod profile: the cluster grants no admin to whoever creates it, so without an admin role nobody (including this program) can reach the API.",
            fix: "list the IAM role your deployments and operators use, e.g. arn:aws:iam::123456789012:role/platform-admin.",
        });
    }

    const providerRole = providerRoleArn(ctx.providers.awsAssumeRoles);
    if (providerRole && (aws.adminRoleArns ?? []).length > 0 && !(aws.adminRoleArns ?? []).includes(providerRole)) {
        problems.push({
            key: `${p}aws.adminRoleArns`,
            value: aws.adminRoleArns,
            message: `does not include ${providerRole}, the role aws:assumeRoles makes Pulumi act as; the kubeconfig acts as that role too, so its Kubernetes calls would be refused.`,
            fix: `add ${providerRole} to ${p}aws.adminRoleArns.`,
        });
    }
    if (ctx.providers.awsAssumeRoles && !providerRole) {
        problems.push({
            key: "aws:assumeRoles",
            value: ctx.providers.awsAssumeRoles,
            message: "has no roleArn the kubeconfig could assume.",
            fix: "pulumi config set --path 'aws:assumeRoles[0].roleArn' arn:aws:iam::<account>:role/<deploy role>",
        });
    }

    (config.teams ?? []).forEach((team, i) => {
        const principals = team.awsPrincipals ?? [];
        principals.forEach((arn, j) => {
            if (!PRINCIPAL_ARN.test(arn)) {
                problems.push({
                    key: `${p}teams[${i}].awsPrincipals[${j}]`,
                    value: arn,
                    message: "must be an IAM role or user ARN (EKS access entries take no groups, assumed-role sessions or wildcards).",
                    fix: "use arn:aws:iam::<account>:role/<name>; for SSO use the role ARN, not the session ARN.",
                });
            }
        });
        if (principals.length > 0) {
            team.groups.forEach((g, j) => {
                if (g.startsWith("system:")) {
                    problems.push({
                        key: `${p}teams[${i}].groups[${j}]`,
                        value: g,
                        message: "EKS access entries refuse Kubernetes groups that start with system:.",
                        fix: "use a group of your own, e.g. the team name.",
                    });
                }
            });
        }
    });

    return { problems, warnings };
}

function checkExistingVpc(aws: AwsInput, networkCidr: string | undefined, problems: Problem[], warnings: string[]): void {
    const p = "dataops:aws.";
    const priv = aws.privateSubnetIds ?? [];
    if (aws.vpcId === undefined) {
        for (const field of ["privateSubnetIds", "publicSubnetIds"] as const) {
            if (aws[field] !== undefined) {
                problems.push({
                    key: `${p}${field}`,
                    value: aws[field],
                    message: "only applies to an existing VPC, and dataops:aws.vpcId is not set.",
                    fix: "set dataops:aws.vpcId to the VPC these subnets belong to, or remove the subnet ids to have a VPC created.",
                });
            }
        }
        return;
    }
    if (new Set(priv).size < 2) {
        problems.push({
            key: `${p}privateSubnetIds`,
            value: aws.privateSubnetIds,
            message: "needs at least 2 distinct subnets (EKS places the control plane in two or more availability zones) when dataops:aws.vpcId is set.",
            fix: "list the VPC's private subnets, one per availability zone (3 recommended).",
        });
    }
    const dup = priv.find((s, i) => priv.indexOf(s) !== i);
    if (dup !== undefined) {
        problems.push({ key: `${p}privateSubnetIds`, value: dup, message: "is listed twice.", fix: "list each subnet once." });
    }
    const both = priv.filter((s) => (aws.publicSubnetIds ?? []).includes(s));
    if (both.length > 0) {
        problems.push({
            key: `${p}publicSubnetIds`,
            value: both,
            message: "repeats subnets of dataops:aws.privateSubnetIds; nodes must not run in load-balancer subnets.",
            fix: "keep node (private) and load-balancer (public) subnets apart.",
        });
    }
    if (networkCidr !== undefined) {
        warnings.push("dataops:cluster.networkCidr is ignored: dataops:aws.vpcId points at an existing VPC.");
    }
}

function nearestRetention(days: number): number {
    return LOG_RETENTION_DAYS.reduce((best, d) => (Math.abs(d - days) < Math.abs(best - days) ? d : best), LOG_RETENTION_DAYS[0]);
}
