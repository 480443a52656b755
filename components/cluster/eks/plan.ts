// Resource-free decisions of the EKS target: address plan, node group shapes, access entries, IAM and KMS policy
// documents, the kubeconfig. Pure functions, unit-tested without mocks.
import { DATA_SERVICE_ACCOUNTS, NAMESPACES } from "../../../stacks/catalog";
import { subnet, parseCidr } from "../../../stacks/cidr";
import type { PlatformConfig } from "../../../stacks/config";
import type { NodePoolInput, Profile } from "../../../stacks/schema";
import { getTokenArgs, KubeconfigIdentity } from "./day2";

/** Zones the created VPC spans: enough for a zone-redundant control plane, Kafka racks and 3 NAT gateways in prod. */
export const ZONE_COUNT = 3;

/** The five control-plane log types (CIS EKS 2.1.1 asks for all of them). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Pods reach the API server through the control plane's ENIs in the node subnets, on 443. */
export const API_SERVER_PORTS = [443];

export const STORAGE_CLASS = "gp3";

export interface SubnetPlan {
    /** Node subnets, one per zone: three quarters of the VPC, since VPC-CNI gives every pod a VPC address. */
    private: string[];
    /** Load-balancer subnets, one per zone, carved from the last quarter. */
    public: string[];
}

/** Splits the VPC range: private /N+2 x3 (e.g. /18 of a /16), public /N+4 x3 at the start of the last quarter. */
export function subnetPlan(networkCidr: string): SubnetPlan {
    const p = parseCidr(networkCidr);
    if (!p) {
        throw new Error(`networkCidr ${networkCidr} is not an IPv4 CIDR`);
    }
    const zones = [...Array(ZONE_COUNT).keys()];
    return {
        private: zones.map((i) => subnet(networkCidr, p.prefix + 2, i)),
        public: zones.map((i) => subnet(networkCidr, p.prefix + 4, 12 + i)),
    };
}

/** Dev shares one NAT gateway (cheap, one zone's failure cuts egress); prod has one per zone. */
export function natGatewayCount(profile: Profile): number {
    return profile === "prod" ? ZONE_COUNT : 1;
}

const TAINT_EFFECTS: Record<string, string> = {
    NoSchedule: "NO_SCHEDULE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
};

export interface NodeGroupSpec {
    pool: string;
    instanceTypes: string[];
    capacityType: "ON_DEMAND" | "SPOT";
    amiType: string;
    minSize: number;
    maxSize: number;
    /** Kept at minSize: no autoscaler resizes system node groups, so raising minNodes raises the size with it. */
    desiredSize: number;
    diskSizeGi: number;
    labels: Record<string, string>;
    taints: { key: string; value?: string; effect: string }[];
}

/** Graviton families (m7g, c6gn, r8g...) need the ARM AMI. */
export function amiTypeFor(instanceType: string): string {
    return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

export const DEFAULT_INSTANCE_TYPE = "m6i.large";
export const DEFAULT_DISK_GI: Record<Profile, number> = { dev: 50, prod: 100 };

export function nodeGroupSpecs(pools: NodePoolInput[], profile: Profile): NodeGroupSpec[] {
    return pools.map((pool) => {
        const type = pool.machineType ?? DEFAULT_INSTANCE_TYPE;
        return {
            pool: pool.name,
            instanceTypes: [type],
            capacityType: pool.spot ? "SPOT" : "ON_DEMAND",
            amiType: amiTypeFor(type),
            minSize: pool.minNodes,
            maxSize: pool.maxNodes,
            // A group with minNodes 0 still gets one node so the add-ons and Karpenter have somewhere to run.
            desiredSize: Math.min(Math.max(pool.minNodes, 1), pool.maxNodes),
            diskSizeGi: pool.diskSizeGi ?? DEFAULT_DISK_GI[profile],
            labels: { "dataops.io/pool": pool.name, ...pool.labels },
            taints: (pool.taints ?? []).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: TAINT_EFFECTS[t.effect] })),
        };
    });
}

export interface AccessEntrySpec {
    /** Stable resource-name suffix derived from the principal, so reordering config does not replace entries. */
    key: string;
    principalArn: string;
    /** Kubernetes groups the platform's RBAC binds (teams). */
    groups: string[];
    /** Gets AmazonEKSClusterAdminPolicy at cluster scope. */
    admin: boolean;
}

/** `arn:aws:iam::123456789012:role/path/Name` -> `123456789012-role-name`: unique per principal, valid in a URN. */
export function principalKey(arn: string): string {
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
    const raw = m ? `${m[1]}-${m[2]}-${m[3]}` : arn;
    return raw.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/**
 * One access entry per principal (EKS allows only one): admins get the admin policy; team principals get their teams'
 * groups, merged when a principal is in several teams or is also an admin.
 */
export function accessEntrySpecs(adminRoleArns: string[], teams: PlatformConfig["teams"]): AccessEntrySpec[] {
    const byArn = new Map<string, AccessEntrySpec>();
    const entry = (arn: string) => {
        let e = byArn.get(arn);
        if (!e) {
            e = { key: principalKey(arn), principalArn: arn, groups: [], admin: false };
            byArn.set(arn, e);
        }
        return e;
    };
    for (const arn of adminRoleArns) {
        entry(arn).admin = true;
    }
    for (const team of teams) {
        for (const arn of team.awsPrincipals ?? []) {
            const e = entry(arn);
            for (const g of team.groups) {
                if (!e.groups.includes(g)) {
                    e.groups.push(g);
                }
            }
        }
    }
    return [...byArn.values()];
}

export interface ServiceAccountRef {
    namespace: string;
    serviceAccount: string;
}

/** The platform's service accounts that read and write the data bucket (see DATA_SERVICE_ACCOUNTS). */
export function dataServiceAccounts(cfg: Pick<PlatformConfig, "airflow" | "spark" | "teams">): ServiceAccountRef[] {
    const out: ServiceAccountRef[] = [];
    if (cfg.airflow.enabled) {
        out.push(...DATA_SERVICE_ACCOUNTS.airflow.map((sa) => ({ namespace: NAMESPACES.airflow, serviceAccount: sa })));
    }
    // Team-owned job namespaces act as their team's role instead (eks/data-access.ts).
    if (cfg.spark.enabled) {
        out.push(...DATA_SERVICE_ACCOUNTS.sparkJobs.map((sa) => ({ namespace: cfg.spark.jobNamespace, serviceAccount: sa })));
    }
    return out;
}

export type PolicyDocument = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };

/** Trust policy for a role assumed by an AWS service. */
export function serviceTrustPolicy(service: string, actions: string[] = ["sts:AssumeRole"]): PolicyDocument {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }] };
}

/** EKS Pod Identity trust: the agent assumes the role and tags the session; limited to this account. */
export function podIdentityTrustPolicy(accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    };
}

/** Lets the EKS control plane use the secrets-encryption key, and nothing else. */
export function clusterKmsPolicy(keyArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn }],
    };
}

/** Key policy: the account administers the key through IAM; CloudWatch Logs may use it for this cluster's log group only. */
export function keyPolicy(p: { partition: string; accountId: string; region: string; logGroupName: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:${p.partition}:iam::${p.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "ControlPlaneLogs",
                Effect: "Allow",
                Principal: { Service: `logs.${p.region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnEquals: {
                        "kms:EncryptionContext:aws:logs:arn": `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:${p.logGroupName}`,
                    },
                },
            },
        ],
    };
}

/** Refuses plain-HTTP access to the bucket. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

export function logGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/**
 * A kubeconfig that gets a fresh token from `aws eks get-token` on every call, so nothing in it expires and the
 * Kubernetes provider's configuration stays the same between runs.
 */
export function eksKubeconfig(p: { clusterName: string; endpoint: string; certificateAuthority: string; region: string; identity?: KubeconfigIdentity }): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: p.clusterName, cluster: { server: p.endpoint, "certificate-authority-data": p.certificateAuthority } }],
        contexts: [{ name: p.clusterName, context: { cluster: p.clusterName, user: p.clusterName } }],
        "current-context": p.clusterName,
        users: [
            {
                name: p.clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        // The provider's profile and role, so Kubernetes calls run as the identity that has the access entry.
                        args: getTokenArgs(p.clusterName, p.region, p.identity ?? {}),
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}
