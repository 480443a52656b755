// Day-2 decisions of the EKS target: which identity the kubeconfig acts as, the stack-owned admin role, node AMI
// release tracking and the VPC endpoints. Pure functions, unit-tested without mocks.
import type { Profile } from "../../../stacks/schema";
import type { PolicyDocument } from "./plan";

/** What `aws eks get-token` needs to act as the same identity as the provider. */
export interface KubeconfigIdentity {
    /** `aws:profile`. */
    profile?: string;
    /** Role get-token assumes from the profile's credentials. */
    roleArn?: string;
}

/**
 * The kubeconfig's identity: the profile of the provider, and the role that holds cluster admin through an access
 * entry. Without `dataops:aws.adminRoleArns` that is the stack's own admin role, so access never depends on who runs
 * Pulumi; with them, it is the provider's assumed role (which must be one of them), or the profile's identity.
 */
export function kubeconfigIdentity<R>(p: { profile?: string; providerRoleArn?: string; stackAdminRoleArn?: R }): { profile?: string; roleArn?: R | string } {
    return {
        ...(p.profile ? { profile: p.profile } : {}),
        ...(p.stackAdminRoleArn !== undefined ? { roleArn: p.stackAdminRoleArn } : p.providerRoleArn ? { roleArn: p.providerRoleArn } : {}),
    };
}

/** `aws eks get-token` arguments for an identity (`--profile` is a global option of the AWS CLI). */
export function getTokenArgs(clusterName: string, region: string, id: KubeconfigIdentity): string[] {
    return [
        "--region",
        region,
        ...(id.profile ? ["--profile", id.profile] : []),
        "eks",
        "get-token",
        "--cluster-name",
        clusterName,
        ...(id.roleArn ? ["--role-arn", id.roleArn] : []),
        "--output",
        "json",
    ];
}

/**
 * Trust of the stack-owned admin role: any principal of this account whose IAM policy allows sts:AssumeRole on it
 * (the account, not a person, is trusted, so two engineers or a preview and a deploy role get the same access).
 */
export function adminRoleTrustPolicy(partition: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    };
}

/** EKS support policy: STANDARD upgrades the control plane at the end of standard support instead of billing extended support. */
export const DEFAULT_SUPPORT_TYPE = "STANDARD";

/** SSM parameter holding the newest EKS-optimized AL2023 release for a Kubernetes minor and AMI type. */
export function amiReleaseParameter(kubernetesVersion: string, amiType: string): string {
    const arch = amiType.includes("ARM_64") ? "arm64" : "x86_64";
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arch}/standard/recommended/release_version`;
}

export interface VpcEndpointPlan {
    /** Gateway endpoints (free): S3 traffic of nodes and pods skips the NAT gateways. */
    gateway: string[];
    /** Interface endpoints (billed per hour and zone): image pulls and STS stay in the VPC. */
    interface: string[];
}

export function vpcEndpointPlan(profile: Profile): VpcEndpointPlan {
    return { gateway: ["s3"], interface: profile === "prod" ? ["ecr.api", "ecr.dkr", "sts"] : [] };
}

export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}
