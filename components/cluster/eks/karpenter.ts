// Karpenter on EKS: nodes for every pool that is not a system pool, made for pending pods and removed when empty.
// The controller runs on the system node group with its AWS access through Pod Identity; Spot interruptions, health
// events and rebalance recommendations reach it through an SQS queue fed by EventBridge rules, so it drains a node
// before AWS takes it. Pure builders first (tested without mocks), then the thin registration.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_CHARTS } from "../../../stacks/catalog";
import { nodeGroupPools, purposeLabel } from "../../../stacks/pools";
import type { NodePoolInput, Profile } from "../../../stacks/schema";
import { amiTypeFor, DEFAULT_DISK_GI, PolicyDocument, podIdentityTrustPolicy, serviceTrustPolicy } from "./plan";

export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
export const KARPENTER_API = { nodePool: "karpenter.sh/v1", nodeClass: "karpenter.k8s.aws/v1" } as const;
/** Nodes are replaced after this long, so they pick up new AMIs and never drift far from the cluster's patch level. */
export const NODE_EXPIRY = "720h";
/** Instance families Karpenter may choose from when a pool names no machine type: general, compute and memory optimised. */
export const FLEXIBLE_CATEGORIES = ["c", "m", "r"];
/** Newer than the 5th generation: Nitro, ENA, current prices. */
export const MIN_GENERATION = 5;

/** The events Karpenter acts on (its CloudFormation reference), each an EventBridge rule into the queue. */
export const INTERRUPTION_EVENTS: { role: string; source: string; detailType: string }[] = [
    { role: "health", source: "aws.health", detailType: "AWS Health Event" },
    { role: "spot", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    { role: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    { role: "state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    { role: "reservation", source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
];

/** Pools Karpenter serves: all but the node-group pools (stacks/pools.ts), where Karpenter itself runs. */
export function karpenterPools(pools: readonly NodePoolInput[]): NodePoolInput[] {
    const groups = nodeGroupPools(pools);
    return pools.filter((p) => !groups.includes(p));
}

export function karpenterValues(p: { clusterName: string; queueName: string; profile: Profile }): Record<string, unknown> {
    const prod = p.profile === "prod";
    return {
        settings: { clusterName: p.clusterName, interruptionQueue: p.queueName },
        serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
        // The chart's defaults tolerate CriticalAddonsOnly and keep it off Karpenter-made nodes; this pins it to the system pool.
        nodeSelector: { "kubernetes.io/os": "linux", [purposeLabel("system")]: "true" },
        replicas: prod ? 2 : 1,
        controller: { resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
        logLevel: "info",
    };
}

/** The node subnets: the created VPC's carry the `karpenter.sh/discovery` tag (eks/network.ts); an existing VPC's are named. */
export type SubnetSelector = { discovery: string } | { ids: string[] };
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/** One EC2NodeClass per pool (disk size is per pool): AL2023, IMDSv2 with one hop, encrypted gp3, the node subnets and cluster security group. */
export function ec2NodeClassSpec(pool: NodePoolInput, p: { profile: Profile; role: string; subnets: SubnetSelector; securityGroupId: string; tags: Record<string, string> }): Record<string, unknown> {
    return {
        role: p.role,
        amiSelectorTerms: [{ alias: "al2023@latest" }],
        subnetSelectorTerms: "ids" in p.subnets ? p.subnets.ids.map((id) => ({ id })) : [{ tags: { [DISCOVERY_TAG]: p.subnets.discovery } }],
        securityGroupSelectorTerms: [{ id: p.securityGroupId }],
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [
            {
                deviceName: "/dev/xvda",
                ebs: { volumeSize: `${pool.diskSizeGi ?? DEFAULT_DISK_GI[p.profile]}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            },
        ],
        tags: { ...p.tags, Name: `${p.tags["dataops:cluster"] ?? "dataops"}-${pool.name}` },
    };
}

/** What a pool's nodes may be: its capacity type and machine type, or many c/m/r types so Spot has room to choose. */
export function nodeRequirements(pool: NodePoolInput): Record<string, unknown>[] {
    const capacity = { key: "karpenter.sh/capacity-type", operator: "In", values: [pool.spot ? "spot" : "on-demand"] };
    if (pool.machineType) {
        const arch = amiTypeFor(pool.machineType).includes("ARM") ? "arm64" : "amd64";
        return [
            capacity,
            { key: "kubernetes.io/arch", operator: "In", values: [arch] },
            { key: "node.kubernetes.io/instance-type", operator: "In", values: [pool.machineType] },
        ];
    }
    return [
        capacity,
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: FLEXIBLE_CATEGORIES },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: [String(MIN_GENERATION)] },
        // Several instance types per launch, so one Spot pool running dry does not stop the scale-up.
        { key: "node.kubernetes.io/instance-type", operator: "Exists", minValues: 5 },
    ];
}

/**
 * A NodePool per pool: the pool's labels and taints on its nodes, maxNodes as the node limit. Kafka nodes are only
 * removed when empty and one at a time (brokers own disks); other pools are consolidated when under-used.
 */
export function nodePoolSpec(pool: NodePoolInput): Record<string, unknown> {
    const kafka = (pool.purposes ?? []).includes("kafka");
    return {
        template: {
            metadata: { labels: { ...pool.labels } },
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: pool.name },
                requirements: nodeRequirements(pool),
                ...(pool.taints && pool.taints.length > 0
                    ? { taints: pool.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })) }
                    : {}),
                expireAfter: NODE_EXPIRY,
            },
        },
        limits: { nodes: String(pool.maxNodes) },
        disruption: kafka
            ? { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "1" }] }
            : { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: pool.spot ? "1m" : "5m", budgets: [{ nodes: "10%" }] },
    };
}

/** The controller's AWS permissions (Karpenter's reference policies), scoped to this cluster's tags, queue and node role. */
export function karpenterControllerPolicy(p: { partition: string; region: string; accountId: string; clusterName: string; nodeRoleArn: string; queueArn: string }): PolicyDocument {
    const ec2 = (type: string) => `arn:${p.partition}:ec2:${p.region}:*:${type}/*`;
    const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${p.clusterName}`]: "owned" };
    const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${p.clusterName}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": p.clusterName };
    const created = ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"].map(ec2);
    const profiles = `arn:${p.partition}:iam::${p.accountId}:instance-profile/*`;
    const region = "topology.kubernetes.io/region";
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowScopedEC2InstanceAccessActions",
                Effect: "Allow",
                Resource: [
                    `arn:${p.partition}:ec2:${p.region}::image/*`,
                    `arn:${p.partition}:ec2:${p.region}::snapshot/*`,
                    ...["security-group", "subnet", "capacity-reservation", "placement-group"].map(ec2),
                ],
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Resource: ec2("launch-template"),
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Resource: created,
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Resource: created,
                Action: "ec2:CreateTags",
                Condition: {
                    StringEquals: { ...requestOwned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Resource: ec2("instance"),
                Action: "ec2:CreateTags",
                Condition: {
                    StringEquals: owned,
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": p.clusterName },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Resource: [ec2("instance"), ec2("launch-template")],
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Resource: p.nodeRoleArn,
                Action: "iam:PassRole",
                Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions",
                Effect: "Allow",
                Resource: profiles,
                Action: ["iam:CreateInstanceProfile"],
                Condition: {
                    StringEquals: { ...requestOwned, [`aws:RequestTag/${region}`]: p.region },
                    StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions",
                Effect: "Allow",
                Resource: profiles,
                Action: ["iam:TagInstanceProfile"],
                Condition: {
                    StringEquals: { ...owned, [`aws:ResourceTag/${region}`]: p.region, ...requestOwned, [`aws:RequestTag/${region}`]: p.region },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions",
                Effect: "Allow",
                Resource: profiles,
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Condition: {
                    StringEquals: { ...owned, [`aws:ResourceTag/${region}`]: p.region },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowAPIServerEndpointDiscovery",
                Effect: "Allow",
                Resource: `arn:${p.partition}:eks:${p.region}:${p.accountId}:cluster/${p.clusterName}`,
                Action: "eks:DescribeCluster",
            },
            { Sid: "AllowInterruptionQueueActions", Effect: "Allow", Resource: p.queueArn, Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"] },
            {
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                Resource: "*",
                Action: [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                Condition: { StringEquals: { "aws:RequestedRegion": p.region } },
            },
            { Sid: "AllowSSMReadActions", Effect: "Allow", Resource: `arn:${p.partition}:ssm:${p.region}::parameter/aws/service/*`, Action: "ssm:GetParameter" },
            { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
            { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
            { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: profiles, Action: "iam:GetInstanceProfile" },
        ],
    };
}

/** Only EventBridge and SQS may send to the queue, and only over TLS. */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queueArn },
            { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
    };
}

export interface KarpenterArgs {
    clusterName: pulumi.Output<string>;
    region: string;
    profile: Profile;
    pools: NodePoolInput[];
    partition: pulumi.Output<string>;
    accountId: pulumi.Output<string>;
    /** Existing VPC subnet ids; undefined selects the created VPC's private subnets by their discovery tag. */
    subnetIds?: string[];
    securityGroupId: pulumi.Output<string>;
    provider: k8s.Provider;
    /** System node group, CoreDNS and the Pod Identity agent: the controller needs them to start. */
    dependsOn: pulumi.Resource[];
    tags: Record<string, string>;
}

export interface Karpenter {
    release: k8s.helm.v3.Release;
    nodePools: k8s.apiextensions.CustomResource[];
    /** What must exist before workloads arrive: the NodePools (and with them the controller) and the node access entry. */
    ready: pulumi.Resource[];
}

const json = (doc: unknown) => JSON.stringify(doc);

/** Registers Karpenter as children of `parent`; resource names start with `${name}-karpenter`. */
export function createKarpenter(name: string, parent: pulumi.Resource, args: KarpenterArgs): Karpenter {
    const opts = { parent };
    const base = `${name}-karpenter`;
    const tags = args.tags;
    const managed = (path: string) => pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${path}`;

    // A node role of its own: EKS gives managed node groups' roles their access entry, Karpenter's needs an explicit one.
    const nodeRole = new aws.iam.Role(`${base}-node-role`, { assumeRolePolicy: json(serviceTrustPolicy("ec2.amazonaws.com")), tags }, opts);
    const nodePolicies = [
        ["worker", "AmazonEKSWorkerNodePolicy"],
        ["ecr", "AmazonEC2ContainerRegistryPullOnly"],
    ].map(([role, policy]) => new aws.iam.RolePolicyAttachment(`${base}-node-role-${role}`, { role: nodeRole.name, policyArn: managed(policy) }, { parent: nodeRole }));
    const nodeAccess = new aws.eks.AccessEntry(`${base}-node-access`, { clusterName: args.clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags }, opts);

    const queue = new aws.sqs.Queue(`${base}-interruptions`, { messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags }, opts);
    const queuePolicy = new aws.sqs.QueuePolicy(`${base}-interruptions-policy`, { queueUrl: queue.url, policy: queue.arn.apply((arn) => json(interruptionQueuePolicy(arn))) }, { parent: queue });
    const rules = INTERRUPTION_EVENTS.map((e) => {
        const rule = new aws.cloudwatch.EventRule(
            `${base}-${e.role}`,
            { description: `${e.detailType} to Karpenter`, eventPattern: json({ source: [e.source], "detail-type": [e.detailType] }), tags },
            opts,
        );
        new aws.cloudwatch.EventTarget(`${base}-${e.role}-target`, { rule: rule.name, arn: queue.arn, targetId: "KarpenterInterruptionQueueTarget" }, { parent: rule });
        return rule;
    });

    const controllerRole = new aws.iam.Role(`${base}-role`, { assumeRolePolicy: args.accountId.apply((a) => json(podIdentityTrustPolicy(a))), tags }, opts);
    const controllerPolicy = new aws.iam.RolePolicy(
        `${base}-role-policy`,
        {
            role: controllerRole.id,
            policy: pulumi
                .all([args.partition, args.accountId, args.clusterName, nodeRole.arn, queue.arn])
                .apply(([partition, accountId, clusterName, nodeRoleArn, queueArn]) =>
                    json(karpenterControllerPolicy({ partition, region: args.region, accountId, clusterName, nodeRoleArn, queueArn })),
                ),
        },
        { parent: controllerRole },
    );
    const identity = new aws.eks.PodIdentityAssociation(
        `${base}-pod-identity`,
        { clusterName: args.clusterName, namespace: KARPENTER_NAMESPACE, serviceAccount: KARPENTER_SERVICE_ACCOUNT, roleArn: controllerRole.arn, tags },
        opts,
    );

    const chart = CLUSTER_CHARTS.karpenter;
    const release = new k8s.helm.v3.Release(
        `${base}`,
        {
            name: chart.releaseName,
            chart: chart.chart,
            version: chart.version,
            namespace: KARPENTER_NAMESPACE,
            createNamespace: false,
            atomic: true,
            cleanupOnFail: true,
            timeout: 600,
            maxHistory: 5,
            // The chart carries its CRDs, which Helm installs with the first release.
            skipCrds: false,
            values: pulumi.all([args.clusterName, queue.name]).apply(([clusterName, queueName]) => karpenterValues({ clusterName, queueName, profile: args.profile })),
        },
        { parent, provider: args.provider, dependsOn: [...args.dependsOn, identity, controllerPolicy, queuePolicy, ...rules] },
    );

    const cr = { parent, provider: args.provider, dependsOn: [release, nodeAccess, ...nodePolicies] };
    const nodePools = args.pools.map((pool) => {
        const nodeClass = new k8s.apiextensions.CustomResource(
            `${base}-nodeclass-${pool.name}`,
            {
                apiVersion: KARPENTER_API.nodeClass,
                kind: "EC2NodeClass",
                metadata: { name: pool.name },
                spec: pulumi
                    .all([nodeRole.name, args.clusterName, args.securityGroupId])
                    .apply(([role, clusterName, securityGroupId]) =>
                        ec2NodeClassSpec(pool, { profile: args.profile, role, subnets: args.subnetIds ? { ids: args.subnetIds } : { discovery: clusterName }, securityGroupId, tags }),
                    ),
            },
            cr,
        );
        return new k8s.apiextensions.CustomResource(
            `${base}-nodepool-${pool.name}`,
            { apiVersion: KARPENTER_API.nodePool, kind: "NodePool", metadata: { name: pool.name }, spec: nodePoolSpec(pool) },
            { ...cr, dependsOn: [...cr.dependsOn, nodeClass] },
        );
    });
    return { release, nodePools, ready: [release, nodeAccess, ...nodePools] };
}
