// The EKS target: pure planning functions, aws config rules, and the program under mocks with the shipped prod and
// dev AWS stacks plus variants (existing VPC and bucket, public endpoint, no data workloads).
import * as assert from "assert";
import { createEks, EksCluster, eksArgsFrom } from "../components/cluster/eks";
import {
    accessEntrySpecs,
    amiTypeFor,
    dataServiceAccounts,
    eksKubeconfig,
    keyPolicy,
    natGatewayCount,
    nodeGroupSpecs,
    principalKey,
    subnetPlan,
} from "../components/cluster/eks/plan";
import * as k8s from "@pulumi/kubernetes";
import { loadConfig } from "../stacks/config";
import { defaultNodePools } from "../stacks/profiles";
import { RecordedResource, Resources, Run, runIndex, runMocked, runStack, stackFileConfig, valueOf } from "./harness";
import { MOCK_ACCOUNT, MOCK_ADDON_VERSIONS, MOCK_CA, MOCK_DEPLOYER_ROLE, MOCK_ENDPOINT } from "./mocks/aws";
import { brief, configProblems } from "./config-problems";

const obj = (v: unknown) => JSON.stringify(v);
const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const TEAM_ROLE = "arn:aws:iam::123456789012:role/analytics-engineers";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const SUBNET = "aws:ec2/subnet:Subnet";

const problemsOf = (raw: Record<string, string>, stack = "dev"): string[] => configProblems(raw, stack).map(brief);

const aws = (extra: Record<string, string> = {}) => ({ "dataops:cloud": "aws", "aws:region": "eu-west-1", ...extra });

/** Runs createEks alone (no platform) and returns the target with the run, to read ClusterInfo and `ready`. */
async function runTarget(stack: string, config: Record<string, string>): Promise<{ run: Run; target: EksCluster }> {
    let target: EksCluster | undefined;
    const run = await runMocked({
        stack,
        config,
        program: () => {
            target = createEks("cluster", loadConfig(config, stack).config) as EksCluster;
            // A stand-in for a platform Helm release, installed the way the platform must: on `ready`, through the provider.
            new k8s.helm.v3.Release("probe", { chart: "probe" }, {
                provider: target.provider,
                dependsOn: target.ready,
            });
            return {};
        },
    });
    assert.strictEqual(run.error, undefined, run.error?.message);
    return { run, target: target! };
}

describe("eks plan (pure)", () => {
    it("splits the VPC into three /18 node subnets and three /20 load-balancer subnets", () => {
        assert.deepStrictEqual(subnetPlan("10.10.0.0/16"), {
            private: ["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"],
            public: ["10.10.192.0/20", "10.10.208.0/20", "10.10.224.0/20"],
        });
        assert.deepStrictEqual(subnetPlan("172.20.0.0/20"), {
            private: ["172.20.0.0/22", "172.20.4.0/22", "172.20.8.0/22"],
            public: ["172.20.12.0/24", "172.20.13.0/24", "172.20.14.0/24"],
        });
    });

    it("uses one NAT gateway in dev and one per zone in prod", () => {
        assert.strictEqual(natGatewayCount("dev"), 1);
        assert.strictEqual(natGatewayCount("prod"), 3);
    });

    it("shapes node groups from pools: capacity, AMI, sizes, labels, taints", () => {
        // Only the dev `general` pool is a node group; the Spot executor pool is Karpenter's.
        assert.deepStrictEqual(nodeGroupSpecs(defaultNodePools("aws", "dev").slice(0, 1), "dev"), [
            {
                pool: "general",
                instanceTypes: ["m6i.xlarge"],
                capacityType: "SPOT",
                amiType: "AL2023_x86_64_STANDARD",
                minSize: 1,
                maxSize: 3,
                desiredSize: 1,
                diskSizeGi: 50,
                labels: { "dataops.io/pool": "general" },
                taints: [],
            },
        ]);
        assert.deepStrictEqual(
            nodeGroupSpecs(
                [
                    {
                        name: "arm",
                        machineType: "m7g.large",
                        minNodes: 0,
                        maxNodes: 4,
                        diskSizeGi: 200,
                        labels: { team: "x" },
                        taints: [{ key: "dedicated", value: "spark", effect: "NoSchedule" }, { key: "gpu", effect: "NoExecute" }],
                    },
                ],
                "prod",
            ),
            [
                {
                    pool: "arm",
                    instanceTypes: ["m7g.large"],
                    capacityType: "ON_DEMAND",
                    amiType: "AL2023_ARM_64_STANDARD",
                    minSize: 0,
                    maxSize: 4,
                    desiredSize: 1,
                    diskSizeGi: 200,
                    labels: { "dataops.io/pool": "arm", team: "x" },
                    taints: [
                        { key: "dedicated", value: "spark", effect: "NO_SCHEDULE" },
                        { key: "gpu", effect: "NO_EXECUTE" },
                    ],
                },
            ],
        );
        assert.strictEqual(amiTypeFor("c6gn.xlarge"), "AL2023_ARM_64_STANDARD");
        assert.strictEqual(amiTypeFor("m6i.large"), "AL2023_x86_64_STANDARD");
        assert.strictEqual(amiTypeFor("g5.xlarge"), "AL2023_x86_64_STANDARD");
    });

    it("gives each principal one access entry, merging admin and team groups", () => {
        const teams = [
            { name: "a", role: "edit" as const, groups: ["ga"], awsPrincipals: [TEAM_ROLE, ADMIN] },
            { name: "b", role: "view" as const, groups: ["gb", "ga"], awsPrincipals: [TEAM_ROLE] },
            { name: "c", role: "view" as const, groups: ["gc"] },
        ];
        assert.deepStrictEqual(accessEntrySpecs([ADMIN], teams), [
            { key: "123456789012-role-platform-admin", principalArn: ADMIN, groups: ["ga"], admin: true },
            { key: "123456789012-role-analytics-engineers", principalArn: TEAM_ROLE, groups: ["ga", "gb"], admin: false },
        ]);
        assert.strictEqual(principalKey("arn:aws:iam::111122223333:role/path/to/Ops_Admin"), "111122223333-role-ops-admin");
        assert.strictEqual(principalKey("arn:aws-us-gov:iam::111122223333:user/jane"), "111122223333-user-jane");
    });

    it("lists the data service accounts of Airflow and of the shared Spark job namespace (team namespaces use team roles)", () => {
        const { config } = loadConfig(
            aws({ "dataops:teams": obj([{ name: "t", role: "edit", groups: ["g"], ownNamespaces: ["t-jobs", "t-batch"] }]), "dataops:spark": obj({ jobNamespace: "jobs" }) }),
            "dev",
        );
        assert.deepStrictEqual(
            dataServiceAccounts(config).map((s) => `${s.namespace}/${s.serviceAccount}`),
            [
                "airflow/airflow-worker",
                "airflow/airflow-scheduler",
                "airflow/airflow-triggerer",
                "airflow/airflow-api-server",
                "airflow/airflow-dag-processor",
                "jobs/spark",
            ],
        );
        assert.deepStrictEqual(dataServiceAccounts({ ...config, airflow: { ...config.airflow, enabled: false }, spark: { ...config.spark, enabled: false } }), []);
    });

    it("builds an exec kubeconfig that calls `aws eks get-token` with region and cluster name", () => {
        assert.deepStrictEqual(JSON.parse(eksKubeconfig({ clusterName: "c1", endpoint: "https://x", certificateAuthority: "Q0E=", region: "eu-west-1" })), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "c1", cluster: { server: "https://x", "certificate-authority-data": "Q0E=" } }],
            contexts: [{ name: "c1", context: { cluster: "c1", user: "c1" } }],
            "current-context": "c1",
            users: [
                {
                    name: "c1",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "c1", "--output", "json"],
                            interactiveMode: "Never",
                        },
                    },
                },
            ],
        });
    });

    it("lets CloudWatch Logs use the key only for this cluster's log group", () => {
        const doc = keyPolicy({ partition: "aws", accountId: "111122223333", region: "eu-west-1", logGroupName: "/aws/eks/c1/cluster" });
        assert.deepStrictEqual(doc.Statement[1].Principal, { Service: "logs.eu-west-1.amazonaws.com" });
        assert.deepStrictEqual(doc.Statement[1].Condition, {
            ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/c1/cluster" },
        });
        assert.deepStrictEqual(doc.Statement[0].Principal, { AWS: "arn:aws:iam::111122223333:root" });
    });
});

describe("aws config rules", () => {
    it("refuses a public endpoint without CIDRs in prod", () => {
        assert.deepStrictEqual(problemsOf(aws({ "dataops:cluster": obj({ endpointAccess: "public" }), "dataops:aws": obj({ adminRoleArns: [ADMIN] }) }), "prod"), [
            "dataops:cluster.endpointAccess: a public API endpoint in the prod profile needs dataops:cluster.authorizedCidrs (none are set). Fix: list the CIDRs allowed to reach the API in dataops:cluster.authorizedCidrs, or set endpointAccess to private.",
        ]);
    });

    it("catches minNodes > maxNodes, and warns on a well-formed version EKS does not offer", () => {
        assert.deepStrictEqual(problemsOf(aws({ "dataops:cluster": obj({ nodePools: [{ name: "p", minNodes: 4, maxNodes: 2 }] }) })), [
            'dataops:cluster.nodePools[0].minNodes: is greater than maxNodes (2) of pool "p". Fix: set minNodes <= maxNodes.',
        ]);
        assert.deepStrictEqual(loadConfig(aws({ "dataops:cluster": obj({ kubernetesVersion: "1.28" }) }), "dev").warnings, [
            'dataops:cluster.kubernetesVersion "1.28" is not a version aws is known to offer (1.30, 1.31, 1.32, 1.33, 1.34, 1.35); the cloud will reject it if it does not exist.',
        ]);
    });

    it("requires an admin role in prod", () => {
        assert.deepStrictEqual(problemsOf(aws(), "prod"), [
            "dataops:aws.adminRoleArns: is required in the prod profile: the cluster grants no admin to whoever creates it, so without an admin role nobody (including this program) can reach the API. Fix: list the IAM role your deployments and operators use, e.g. arn:aws:iam::123456789012:role/platform-admin.",
        ]);
    });

    it("checks an existing VPC's subnets", () => {
        assert.deepStrictEqual(problemsOf(aws({ "dataops:aws": obj({ privateSubnetIds: ["subnet-0123abcd", "subnet-0123abce"] }) })), [
            'dataops:aws.privateSubnetIds: only applies to an existing VPC, and dataops:aws.vpcId is not set. Fix: set dataops:aws.vpcId to the VPC these subnets belong to, or remove the subnet ids to have a VPC created.',
        ]);
        assert.deepStrictEqual(
            problemsOf(aws({ "dataops:aws": obj({ vpcId: "vpc-0123abcd", privateSubnetIds: ["subnet-0123abcd", "subnet-0123abcd"], publicSubnetIds: ["subnet-0123abcd"] }) })),
            [
                'dataops:aws.privateSubnetIds: needs at least 2 distinct subnets (EKS places the control plane in two or more availability zones) when dataops:aws.vpcId is set. Fix: list the VPC\'s private subnets, one per availability zone (3 recommended).',
                "dataops:aws.privateSubnetIds: is listed twice. Fix: list each subnet once.",
                "dataops:aws.publicSubnetIds: repeats subnets of dataops:aws.privateSubnetIds; nodes must not run in load-balancer subnets. Fix: keep node (private) and load-balancer (public) subnets apart.",
            ],
        );
    });

    it("checks VPC size, service range, retention, instance types and team principals", () => {
        assert.deepStrictEqual(
            problemsOf(
                aws({
                    "dataops:cluster": obj({ networkCidr: "10.10.0.0/24", serviceCidr: "100.64.0.0/16", nodePools: [{ name: "p", machineType: "Standard_D4s_v5", minNodes: 1, maxNodes: 2 }] }),
                    "dataops:aws": obj({ logRetentionDays: 10 }),
                    "dataops:teams": obj([{ name: "t", role: "view", groups: ["system:masters"], awsPrincipals: ["arn:aws:sts::123456789012:assumed-role/x/y"] }]),
                }),
            ),
            [
                "dataops:cluster.networkCidr: must be a /16 to /22 on aws (the VPC is split into 3 node and 3 load-balancer subnets, and pods take VPC addresses). Fix: use a range like 10.10.0.0/16.",
                "dataops:cluster.serviceCidr: EKS needs a service range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 with a prefix from /12 to /24. Fix: use a range like 10.96.0.0/16.",
                "dataops:cluster.nodePools[0].machineType: is not an EC2 instance type. Fix: use a type like m6i.xlarge.",
                "dataops:aws.logRetentionDays: is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Fix: use 7, the closest allowed value.",
                "dataops:teams[0].awsPrincipals[0]: must be an IAM role or user ARN (EKS access entries take no groups, assumed-role sessions or wildcards). Fix: use arn:aws:iam::<account>:role/<name>; for SSO use the role ARN, not the session ARN.",
                "dataops:teams[0].groups[0]: EKS access entries refuse Kubernetes groups that start with system:. Fix: use a group of your own, e.g. the team name.",
            ],
        );
    });

    it("warns about an ignored pod range and a private endpoint nobody outside the cluster can reach", () => {
        assert.deepStrictEqual(loadConfig(aws({ "dataops:cluster": obj({ podCidr: "10.244.0.0/14", endpointAccess: "private" }) }), "dev").warnings, [
            "dataops:cluster.podCidr is ignored on aws: the VPC CNI gives pods addresses from the node subnets.",
            "dataops:cluster.authorizedCidrs is empty: the private API endpoint then only accepts the cluster's own security group. List your VPN, peered-VPC or CI runner ranges to reach it (see docs/clouds/aws.md).",
        ]);
    });

    it("accepts the shipped AWS stack files without warnings (prod's metadata database is managed)", () => {
        assert.deepStrictEqual(loadConfig(stackFileConfig("prod-aws").config, "prod-aws").warnings, []);
        assert.deepStrictEqual(loadConfig(stackFileConfig("dev-aws").config, "dev-aws").warnings, []);
    });

    it("registers nothing when the config is wrong", async () => {
        const run = await runIndex("prod-aws", aws({ "dataops:cluster": obj({ endpointAccess: "public" }) }));
        assert.strictEqual(run.resources.length, 0);
        assert.strictEqual(run.error?.name, "ConfigError");
        assert.match(run.error.message, /1\. dataops:cluster\.endpointAccess = "public": a public API endpoint in the prod profile needs/);
    });

    it("refuses invalid component args before creating anything", async () => {
        const { config } = loadConfig(aws(), "dev");
        const run = await runMocked({
            stack: "dev",
            config: aws(),
            program: () => new EksCluster("cluster", { ...eksArgsFrom(config), nodePools: [], region: "" }),
        });
        assert.strictEqual(run.resources.length, 0);
        assert.strictEqual(run.error?.message, "EksCluster: region is required; at least one node pool is required.");
    });
});

describe("eks under mocks: Pulumi.prod-aws.yaml", () => {
    let run: Run;
    let res: Resources;
    const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
    before(async () => {
        run = await runStack("prod-aws");
        res = new Resources(run.resources);
    });
    const eks = () => res.get("aws:eks/cluster:Cluster", "cluster-eks");
    const urnsOf = (type: string, names: string[]) => names.map((n) => res.get(type, n).urn);

    it("runs without error or unanswered invokes, with unique names", () => {
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(run.unknownCalls, []);
        const keys = run.resources.map((r) => `${r.type}::${r.name}`);
        assert.deepStrictEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
    });

    it("builds the VPC across 3 zones: private node subnets, public LB subnets, a NAT gateway per zone", () => {
        const vpc = res.get("aws:ec2/vpc:Vpc", "cluster-vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.10.0.0/16");
        assert.strictEqual(vpc.inputs.enableDnsHostnames, true);
        const priv = [1, 2, 3].map((i) => res.get(SUBNET, `cluster-private-${i}`));
        const pub = [1, 2, 3].map((i) => res.get(SUBNET, `cluster-public-${i}`));
        assert.deepStrictEqual(priv.map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone, s.inputs.mapPublicIpOnLaunch]), [
            ["10.10.0.0/18", zones[0], false],
            ["10.10.64.0/18", zones[1], false],
            ["10.10.128.0/18", zones[2], false],
        ]);
        assert.deepStrictEqual(pub.map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone, s.inputs.tags["kubernetes.io/role/elb"]]), [
            ["10.10.192.0/20", zones[0], "1"],
            ["10.10.208.0/20", zones[1], "1"],
            ["10.10.224.0/20", zones[2], "1"],
        ]);
        assert.deepStrictEqual(priv.map((s) => [s.inputs.tags["kubernetes.io/role/internal-elb"], s.inputs.tags["karpenter.sh/discovery"]]), [
            ["1", "dataops-prod-aws"],
            ["1", "dataops-prod-aws"],
            ["1", "dataops-prod-aws"],
        ]);
        const nats = res.ofType("aws:ec2/natGateway:NatGateway");
        assert.deepStrictEqual(nats.map((n) => [n.name, n.inputs.subnetId]), [
            ["cluster-nat-1", "cluster-public-1-id"],
            ["cluster-nat-2", "cluster-public-2-id"],
            ["cluster-nat-3", "cluster-public-3-id"],
        ]);
        assert.deepStrictEqual([1, 2, 3].map((i) => res.get("aws:ec2/route:Route", `cluster-private-${i}-default`).inputs.natGatewayId), [
            "cluster-nat-1-id",
            "cluster-nat-2-id",
            "cluster-nat-3-id",
        ]);
        const zoneCall = run.calls.find((c) => c.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
        assert.deepStrictEqual(zoneCall?.inputs, {
            state: "available",
            filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            excludeZoneIds: ["use1-az3", "usw1-az2", "cac1-az3"],
        });
        assert.deepStrictEqual(res.get("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "cluster-vpc-default-sg").inputs.ingress, []);
    });

    it("creates the cluster with a private endpoint only, in the private subnets", () => {
        assert.deepStrictEqual(eks().inputs.vpcConfig, {
            subnetIds: ["cluster-private-1-id", "cluster-private-2-id", "cluster-private-3-id"],
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
        });
        assert.strictEqual(eks().inputs.name, "dataops-prod-aws");
        assert.strictEqual(eks().inputs.version, "1.34");
        assert.deepStrictEqual(eks().inputs.kubernetesNetworkConfig, { ipFamily: "ipv4", serviceIpv4Cidr: "10.96.0.0/16" });
        assert.strictEqual(eks().inputs.bootstrapSelfManagedAddons, false);
    });

    it("encrypts Secrets with a customer-managed, rotating KMS key", () => {
        const key = res.get("aws:kms/key:Key", "cluster-key");
        assert.deepStrictEqual(eks().inputs.encryptionConfig, {
            provider: { keyArn: `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/cluster-key` },
            resources: ["secrets"],
        });
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.strictEqual(key.inputs.deletionWindowInDays, 30);
        const kms = JSON.parse(res.get("aws:iam/rolePolicy:RolePolicy", "cluster-cluster-role-kms").inputs.policy);
        assert.deepStrictEqual(kms.Statement, [
            { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/cluster-key` },
        ]);
    });

    it("sends all five control-plane log types to an encrypted log group with a retention", () => {
        assert.deepStrictEqual(eks().inputs.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        const logs = res.get("aws:cloudwatch/logGroup:LogGroup", "cluster-logs");
        assert.deepStrictEqual(
            [logs.inputs.name, logs.inputs.retentionInDays, logs.inputs.kmsKeyId, logs.inputs.deletionProtectionEnabled],
            ["/aws/eks/dataops-prod-aws/cluster", 90, `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/cluster-key`, true],
        );
        assert.ok(eks().dependencies.includes(logs.urn), "the log group exists before the cluster");
    });

    it("lets the authorized networks reach the private endpoint through the cluster security group", () => {
        const rules = res.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === "sg-0c1u5te7000000001");
        assert.deepStrictEqual(
            rules.map((r) => [r.name, r.inputs.securityGroupId, r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]),
            [["cluster-api-from-10-100-0-0-16", "sg-0c1u5te7000000001", "10.100.0.0/16", "tcp", 443, 443]],
        );
    });

    it("uses API authentication with access entries: no creator admin, the admin role, the team's groups", () => {
        assert.deepStrictEqual(eks().inputs.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
        assert.strictEqual(eks().inputs.deletionProtection, true);
        const entries = res.ofType("aws:eks/accessEntry:AccessEntry");
        assert.deepStrictEqual(
            entries.map((e) => [e.name, e.inputs.principalArn, e.inputs.type, e.inputs.kubernetesGroups]),
            [
                ["cluster-access-123456789012-role-platform-admin", ADMIN, "STANDARD", undefined],
                // Karpenter's node role joins nodes (managed node groups get theirs from EKS).
                ["cluster-karpenter-node-access", `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-karpenter-node-role`, "EC2_LINUX", undefined],
                ["cluster-access-123456789012-role-analytics-engineers", TEAM_ROLE, "STANDARD", ["analytics"]],
            ],
        );
        const policies = res.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.deepStrictEqual(
            policies.map((p) => [p.name, p.inputs.principalArn, p.inputs.policyArn, p.inputs.accessScope]),
            [["cluster-access-123456789012-role-platform-admin-admin", ADMIN, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }]],
        );
    });

    it("creates the system node group in the private subnets, replaceable, tainted for add-ons, sized at minNodes", () => {
        const groups = res.ofType(NODE_GROUP);
        assert.deepStrictEqual(
            groups.map((g) => [g.name, g.inputs.instanceTypes, g.inputs.capacityType, g.inputs.amiType, g.inputs.scalingConfig, g.inputs.labels, g.inputs.version]),
            [
                [
                    "cluster-pool-system",
                    ["m6i.large"],
                    "ON_DEMAND",
                    "AL2023_x86_64_STANDARD",
                    { minSize: 3, maxSize: 6, desiredSize: 3 },
                    { "dataops.io/pool": "system", "purpose.dataops.io/system": "true" },
                    "1.34",
                ],
            ],
        );
        for (const g of groups) {
            assert.deepStrictEqual(g.inputs.subnetIds, ["cluster-private-1-id", "cluster-private-2-id", "cluster-private-3-id"]);
            // Nothing resizes a system group but config, so a raised minNodes raises desiredSize with it.
            assert.deepStrictEqual(g.ignoreChanges, []);
            assert.deepStrictEqual(g.inputs.taints, [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
            assert.strictEqual(g.deleteBeforeReplace, false);
            assert.strictEqual(g.inputs.nodeGroupName, undefined);
            assert.deepStrictEqual(g.inputs.launchTemplate, { id: `${g.name}-lt-id`, version: "1" });
            assert.strictEqual(g.inputs.nodeRoleArn, `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-node-role`);
        }
    });

    it("requires IMDSv2 with hop limit 1 and encrypted gp3 root volumes", () => {
        for (const pool of ["system"]) {
            const lt = res.get("aws:ec2/launchTemplate:LaunchTemplate", `cluster-pool-${pool}-lt`);
            assert.deepStrictEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
            assert.deepStrictEqual(lt.inputs.blockDeviceMappings, [
                { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
            ]);
        }
    });

    it("gives the node role the worker, ECR pull and CNI policies (aws-node needs the CNI's before Pod Identity runs)", () => {
        const attached = res.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === "cluster-node-role");
        assert.deepStrictEqual(attached.map((a) => a.inputs.policyArn), [
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
    });

    it("installs the five add-ons at the version EKS pairs with 1.34, CNI with network policy and Pod Identity", () => {
        const addons = res.ofType(ADDON);
        assert.deepStrictEqual(
            addons.map((a) => [a.inputs.addonName, a.inputs.addonVersion]).sort(),
            Object.entries(MOCK_ADDON_VERSIONS).sort(),
        );
        const versionCalls = run.calls.filter((c) => c.token === "aws:eks/getAddonVersion:getAddonVersion");
        assert.deepStrictEqual([...new Set(versionCalls.map((c) => c.inputs.kubernetesVersion))], ["1.34"]);
        const cni = res.get(ADDON, "cluster-vpc-cni");
        assert.deepStrictEqual(JSON.parse(cni.inputs.configurationValues), { enableNetworkPolicy: "true" });
        assert.deepStrictEqual(cni.inputs.podIdentityAssociations, [{ serviceAccount: "aws-node", roleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-cni-role` }]);
        assert.deepStrictEqual(res.get(ADDON, "cluster-aws-ebs-csi-driver").inputs.podIdentityAssociations, [
            { serviceAccount: "ebs-csi-controller-sa", roleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-ebs-csi-role` },
        ]);
        const policyOf = (role: string) =>
            res.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role).map((a) => a.inputs.policyArn);
        assert.deepStrictEqual(policyOf("cluster-cni-role"), ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]);
        assert.deepStrictEqual(policyOf("cluster-ebs-csi-role"), ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
        const trust = JSON.parse(res.get("aws:iam/role:Role", "cluster-cni-role").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        assert.deepStrictEqual(trust.Statement[0].Action, ["sts:AssumeRole", "sts:TagSession"]);
    });

    it("orders add-ons around the nodes: CNI, kube-proxy and the identity agent first; CoreDNS and EBS CSI after", () => {
        const groupUrns = urnsOf(NODE_GROUP, ["cluster-pool-system"]);
        const before = urnsOf(ADDON, ["cluster-vpc-cni", "cluster-kube-proxy", "cluster-eks-pod-identity-agent"]);
        for (const g of groupUrns) {
            const deps = res.byUrn(g)!.dependencies;
            assert.deepStrictEqual(before.filter((u) => !deps.includes(u)), []);
        }
        for (const a of ["cluster-coredns", "cluster-aws-ebs-csi-driver"]) {
            const deps = res.get(ADDON, a).dependencies;
            assert.deepStrictEqual(groupUrns.filter((u) => !deps.includes(u)), []);
        }
    });

    it("associates the Airflow and Spark service accounts with a role scoped to the data bucket", () => {
        const role = `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-data-role`;
        // Karpenter's own association is checked in autoscaling.test.ts; cert-manager's DNS-01 association has a role of
        // its own (tests/access.test.ts).
        const assoc = res
            .ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
            .filter((a) => a.name !== "cluster-karpenter-pod-identity" && a.inputs.namespace !== "cert-manager");
        assert.deepStrictEqual(
            assoc.map((a) => [a.inputs.namespace, a.inputs.serviceAccount, a.inputs.roleArn, a.inputs.clusterName]),
            [
                ["airflow", "airflow-worker", role, "dataops-prod-aws"],
                ["airflow", "airflow-scheduler", role, "dataops-prod-aws"],
                ["airflow", "airflow-triggerer", role, "dataops-prod-aws"],
                ["airflow", "airflow-api-server", role, "dataops-prod-aws"],
                ["airflow", "airflow-dag-processor", role, "dataops-prod-aws"],
                ["spark-jobs", "spark", role, "dataops-prod-aws"],
                ["analytics-jobs", "spark", `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-team-analytics-role`, "dataops-prod-aws"],
            ],
        );
        const bucket = res.get("aws:s3/bucket:Bucket", "cluster-data");
        assert.strictEqual(bucket.inputs.bucketPrefix, "dataops-prod-aws-data-");
        const policy = JSON.parse(res.get("aws:iam/rolePolicy:RolePolicy", "cluster-data-role-s3").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [
            { Sid: "BucketLocation", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: "arn:aws:s3:::dataops-prod-aws-data-mock" },
            {
                Sid: "ListPrefixes",
                Effect: "Allow",
                Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
                Resource: "arn:aws:s3:::dataops-prod-aws-data-mock",
                Condition: { StringLike: { "s3:prefix": ["airflow-logs/", "airflow-logs/*", "shared/", "shared/*"] } },
            },
            {
                Sid: "ReadWriteObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: ["arn:aws:s3:::dataops-prod-aws-data-mock/airflow-logs/*", "arn:aws:s3:::dataops-prod-aws-data-mock/shared/*"],
            },
        ]);
        const team = JSON.parse(res.get("aws:iam/rolePolicy:RolePolicy", "cluster-team-analytics-role-s3").inputs.policy);
        assert.deepStrictEqual(team.Statement[1].Condition, { StringLike: { "s3:prefix": ["teams/analytics/", "teams/analytics/*"] } });
        assert.deepStrictEqual(team.Statement[2].Resource, ["arn:aws:s3:::dataops-prod-aws-data-mock/teams/analytics/*"]);
        assert.deepStrictEqual(JSON.parse(res.get("aws:iam/role:Role", "cluster-team-analytics-role").inputs.assumeRolePolicy).Statement[0].Principal, {
            Service: "pods.eks.amazonaws.com",
        });
        assert.deepStrictEqual(res.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cluster-data-public-access").inputs, {
            bucket: "cluster-data-id",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        assert.deepStrictEqual(res.get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cluster-data-encryption").inputs.rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true },
        ]);
    });

    it("builds the Kubernetes provider from a secret exec kubeconfig, identified by the cluster ARN", () => {
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        assert.strictEqual(provider.parent, res.get("dataops:cluster:Eks", "cluster").urn);
        assert.ok(provider.secretPaths.includes("kubeconfig"), `secret paths: ${provider.secretPaths.join(", ")}`);
        assert.strictEqual(provider.inputs.clusterIdentifier, `arn:aws:eks:eu-west-1:${MOCK_ACCOUNT}:cluster/dataops-prod-aws`);
        const kc = JSON.parse(provider.inputs.kubeconfig);
        assert.strictEqual(kc.clusters[0].cluster.server, MOCK_ENDPOINT);
        assert.strictEqual(kc.clusters[0].cluster["certificate-authority-data"], MOCK_CA);
        assert.deepStrictEqual(kc.users[0].user.exec.args, ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "dataops-prod-aws", "--output", "json"]);
        assert.strictEqual(kc.users[0].user.exec.command, "aws");
    });

    it("creates the default gp3 StorageClass: encrypted, WaitForFirstConsumer, expandable, retained in prod", () => {
        const sc = res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-gp3");
        assert.deepStrictEqual(sc.inputs, {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            reclaimPolicy: "Retain",
        });
        assert.ok(sc.dependencies.includes(res.get(ADDON, "cluster-aws-ebs-csi-driver").urn));
    });

    it("creates every Kubernetes resource through the EKS cluster's provider", () => {
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        const k8sResources = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8sResources.length > 0);
        assert.deepStrictEqual(
            k8sResources.filter((r) => providerUrn(r) !== provider.urn).map((r) => `${r.type}::${r.name}`),
            [],
        );
    });

    it("applies the operators' CRDs only after the deployer's access entries exist", () => {
        const access = res.ofType("aws:eks/accessEntry:AccessEntry").concat(res.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"));
        assert.ok(access.length > 0);
        const groups = res.ofType("kubernetes:yaml/v2:ConfigGroup");
        assert.deepStrictEqual(groups.map((g) => g.name).sort(), [
            "platform-access-cert-manager-crds",
            "platform-access-gateway-crds",
            "platform-kafka-crds",
            "platform-monitoring-crds",
            "platform-spark-crds",
        ]);
        for (const g of groups) {
            assert.deepStrictEqual(access.filter((a) => !g.dependencies.includes(a.urn)).map((a) => a.name), [], g.name);
        }
    });

    it("makes the platform's Helm releases wait for the node groups", () => {
        const groupUrns = urnsOf(NODE_GROUP, ["cluster-pool-system"]);
        const releases = res.ofType("kubernetes:helm.sh/v3:Release");
        assert.ok(releases.length >= 5, `platform releases: ${releases.map((r) => r.name).join(", ")}`);
        for (const rel of releases) {
            assert.deepStrictEqual(groupUrns.filter((u) => !rel.dependencies.includes(u)), [], rel.name);
        }
    });

    it("protects the stateful cloud resources in prod (and, by inheritance, the key alias and bucket settings)", () => {
        const protectedOnes = run.resources.filter((r) => r.protect && r.type.startsWith("aws:")).map((r) => `${r.type}::${r.name}`);
        assert.deepStrictEqual(protectedOnes.sort(), [
            "aws:cloudwatch/logGroup:LogGroup::cluster-logs",
            "aws:eks/cluster:Cluster::cluster-eks",
            "aws:kms/alias:Alias::cluster-key-alias",
            "aws:kms/key:Key::cluster-key",
            "aws:rds/instance:Instance::cluster-airflow-db-instance",
            "aws:s3/bucket:Bucket::cluster-data",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::cluster-data-lifecycle",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls::cluster-data-ownership",
            "aws:s3/bucketPolicy:BucketPolicy::cluster-data-tls-only",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::cluster-data-public-access",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::cluster-data-encryption",
            "aws:s3/bucketVersioning:BucketVersioning::cluster-data-versioning",
        ]);
    });

    it("parents every AWS resource, the provider and the StorageClass under the EKS component", () => {
        const component = res.get("dataops:cluster:Eks", "cluster");
        const own = run.resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("time:") || r.name === "cluster-k8s" || r.name === "cluster-gp3");
        // The cluster with Karpenter's 19 (roles, policies, node access, queue, 5 rules and targets, Pod Identity), the day-2
        // endpoints and waits and the teams' data roles, plus 10 for Airflow's managed metadata database (tests/database.test.ts),
        // and 3 for cert-manager's DNS-01 role, its policy and association (front door with ACME).
        assert.strictEqual(own.length, 111 + 3);
        const orphans = own.filter((r) => !isUnder(res, r, component.urn));
        assert.deepStrictEqual(orphans.map((r) => r.name), []);
    });
});

/**
 * The URN of a resource's explicit provider. Resources.providerOf splits `<urn>::<id>` at the first "::", which is
 * inside the URN, so it never finds the provider; this splits at the last one.
 */
function providerUrn(r: RecordedResource): string {
    return r.provider.slice(0, r.provider.lastIndexOf("::"));
}

function isUnder(res: Resources, r: RecordedResource, urn: string): boolean {
    for (let p = r.parent; p; p = res.byUrn(p)?.parent ?? "") {
        if (p === urn) {
            return true;
        }
    }
    return false;
}

describe("eks ClusterInfo and ready (prod config)", () => {
    let target: EksCluster;
    let res: Resources;
    before(async () => {
        const { config } = stackFileConfig("prod-aws");
        const out = await runTarget("prod-aws", config);
        target = out.target;
        res = new Resources(out.run.resources);
    });

    it("fills every ClusterInfo field for the platform", async () => {
        const info = target.info;
        assert.deepStrictEqual(
            {
                cloud: info.cloud,
                managedControlPlane: info.managedControlPlane,
                storageClass: await valueOf(info.storageClass),
                networkCidrs: info.networkCidrs,
                apiServer: { cidrs: await Promise.all(info.apiServer.cidrs.map((c) => valueOf(c))), ports: info.apiServer.ports },
                zoneTopologyKey: info.zoneTopologyKey,
                networkPolicyEnforced: info.networkPolicyEnforced,
                kubeProxy: info.kubeProxy,
                workloadIdentity: info.workloadIdentity,
                dataStore: {
                    kind: info.dataStore?.kind,
                    bucket: await valueOf(info.dataStore?.bucket),
                    logsUrl: await valueOf(info.dataStore?.logsUrl),
                    endpoints: { cidrs: await valueOf(info.dataStore?.endpoints?.cidrs), port: info.dataStore?.endpoints?.port },
                },
            },
            {
                cloud: "aws",
                managedControlPlane: true,
                storageClass: "gp3",
                networkCidrs: ["10.10.0.0/16"],
                apiServer: { cidrs: ["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"], ports: [443] },
                zoneTopologyKey: "topology.kubernetes.io/zone",
                networkPolicyEnforced: true,
                kubeProxy: true,
                workloadIdentity: { airflow: { serviceAccountAnnotations: {}, podLabels: {} }, spark: { serviceAccountAnnotations: {}, podLabels: {} } },
                // S3's published ranges for the region, sorted, on HTTPS.
                dataStore: {
                    kind: "s3",
                    bucket: "dataops-prod-aws-data-mock",
                    logsUrl: "s3://dataops-prod-aws-data-mock/airflow-logs",
                    endpoints: { cidrs: ["3.5.64.0/21", "52.218.0.0/17"], port: 443 },
                },
            },
        );
        assert.strictEqual(await valueOf(target.clusterName), "dataops-prod-aws");
    });

    it("lists node groups, add-ons, the StorageClass, access entries and data associations in `ready`", async () => {
        const urns = await Promise.all(target.ready.map((r) => valueOf(r.urn)));
        const names = urns.map((u) => res.byUrn(u ?? "")?.name);
        assert.deepStrictEqual(names, [
            "cluster-pool-system",
            "cluster-karpenter",
            "cluster-karpenter-node-access",
            "cluster-karpenter-nodepool-platform",
            "cluster-karpenter-nodepool-kafka",
            "cluster-karpenter-nodepool-spark",
            "cluster-eks-pod-identity-agent",
            "cluster-kube-proxy",
            "cluster-vpc-cni",
            "cluster-coredns",
            "cluster-aws-ebs-csi-driver",
            "cluster-gp3",
            "cluster-api-from-10-100-0-0-16",
            "cluster-access-123456789012-role-platform-admin",
            "cluster-access-123456789012-role-platform-admin-admin",
            "cluster-access-123456789012-role-analytics-engineers",
            "cluster-access-propagation",
            "cluster-pod-identity-airflow.airflow-worker",
            "cluster-pod-identity-airflow.airflow-scheduler",
            "cluster-pod-identity-airflow.airflow-triggerer",
            "cluster-pod-identity-airflow.airflow-api-server",
            "cluster-pod-identity-airflow.airflow-dag-processor",
            "cluster-pod-identity-spark-jobs.spark",
            "cluster-pod-identity-analytics-jobs.spark",
            "cluster-data-role-propagation",
            "cluster-pod-identity-cert-manager.cert-manager",
        ]);
    });

    it("a release installed on `ready` through the provider depends on the node groups, NodePools and the StorageClass", () => {
        const probe = res.get("kubernetes:helm.sh/v3:Release", "probe");
        const want = [
            res.get(NODE_GROUP, "cluster-pool-system").urn,
            res.get("kubernetes:karpenter.sh/v1:NodePool", "cluster-karpenter-nodepool-spark").urn,
            res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-gp3").urn,
        ];
        assert.deepStrictEqual(want.filter((u) => !probe.dependencies.includes(u)), []);
        assert.strictEqual(providerUrn(probe), res.get("pulumi:providers:kubernetes", "cluster-k8s").urn);
    });
});

describe("eks under mocks: Pulumi.dev-aws.yaml", () => {
    let run: Run;
    let res: Resources;
    before(async () => {
        run = await runStack("dev-aws");
        res = new Resources(run.resources);
    });

    it("runs without error or unanswered invokes", () => {
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(run.unknownCalls, []);
    });

    it("has one NAT gateway shared by the three private route tables", () => {
        assert.deepStrictEqual(res.ofType("aws:ec2/natGateway:NatGateway").map((n) => n.name), ["cluster-nat-1"]);
        assert.deepStrictEqual([1, 2, 3].map((i) => res.get("aws:ec2/route:Route", `cluster-private-${i}-default`).inputs.natGatewayId), [
            "cluster-nat-1-id",
            "cluster-nat-1-id",
            "cluster-nat-1-id",
        ]);
    });

    it("has one spot-capable pool and a public endpoint", () => {
        const groups = res.ofType(NODE_GROUP);
        assert.deepStrictEqual(
            groups.map((g) => [g.name, g.inputs.capacityType, g.inputs.instanceTypes, g.inputs.scalingConfig]),
            [["cluster-pool-general", "SPOT", ["m6i.xlarge"], { minSize: 1, maxSize: 3, desiredSize: 1 }]],
        );
        assert.deepStrictEqual(res.get("aws:eks/cluster:Cluster", "cluster-eks").inputs.vpcConfig, {
            subnetIds: ["cluster-private-1-id", "cluster-private-2-id", "cluster-private-3-id"],
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: ["0.0.0.0/0"],
        });
    });

    it("gives the stack's own admin role admin when no admin role is configured, not the deploying identity", () => {
        const entries = res.ofType("aws:eks/accessEntry:AccessEntry");
        const stackAdmin = "arn:aws:iam::123456789012:role/cluster-admin-role";
        assert.deepStrictEqual(entries.map((e) => [e.name, e.inputs.principalArn]), [
            ["cluster-access-stack-admin", stackAdmin],
            ["cluster-karpenter-node-access", `arn:aws:iam::${MOCK_ACCOUNT}:role/cluster-karpenter-node-role`],
        ]);
        assert.strictEqual(res.get("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-stack-admin-admin").inputs.principalArn, stackAdmin);
        assert.ok(!JSON.stringify(entries.map((e) => e.inputs)).includes(MOCK_DEPLOYER_ROLE));
    });

    it("protects nothing and keeps costs and retention low", () => {
        assert.deepStrictEqual(run.resources.filter((r) => r.protect).map((r) => r.name), []);
        assert.strictEqual(res.get("aws:eks/cluster:Cluster", "cluster-eks").inputs.deletionProtection, false);
        assert.strictEqual(res.get("aws:cloudwatch/logGroup:LogGroup", "cluster-logs").inputs.retentionInDays, 7);
        assert.strictEqual(res.get("aws:kms/key:Key", "cluster-key").inputs.deletionWindowInDays, 7);
        assert.strictEqual(res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-gp3").inputs.reclaimPolicy, "Delete");
        assert.strictEqual(res.get("aws:ec2/launchTemplate:LaunchTemplate", "cluster-pool-general-lt").inputs.blockDeviceMappings[0].ebs.volumeSize, 50);
    });
});

describe("eks under mocks: existing VPC and bucket, public prod endpoint, no data workloads", () => {
    const existing = aws({
        "dataops:cluster": obj({ endpointAccess: "public", authorizedCidrs: ["203.0.113.0/24"] }),
        "dataops:aws": obj({
            vpcId: "vpc-0123abcd",
            privateSubnetIds: ["subnet-0aaa0001", "subnet-0aaa0002", "subnet-0aaa0003"],
            publicSubnetIds: ["subnet-0bbb0011"],
            adminRoleArns: [ADMIN],
            dataBucket: "corp-data-lake",
        }),
    });

    it("creates no network, uses the given subnets and bucket, and restricts the public endpoint", async () => {
        const { run, target } = await runTarget("prod", existing);
        const res = new Resources(run.resources);
        assert.deepStrictEqual(run.unknownCalls, []);
        // The managed metadata database brings only its security group into the existing VPC (tests/database.test.ts).
        const ownNetwork = run.resources.filter((r) => !r.name.startsWith("cluster-airflow-db-"));
        assert.deepStrictEqual(ownNetwork.filter((r) => r.type.startsWith("aws:ec2/") && r.type !== "aws:ec2/launchTemplate:LaunchTemplate").map((r) => r.type), []);
        assert.deepStrictEqual(res.ofType("aws:s3/bucket:Bucket"), []);
        assert.deepStrictEqual(ownNetwork.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), []);
        assert.deepStrictEqual(res.get("aws:eks/cluster:Cluster", "cluster-eks").inputs.vpcConfig, {
            subnetIds: ["subnet-0aaa0001", "subnet-0aaa0002", "subnet-0aaa0003"],
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
        });
        assert.deepStrictEqual(await Promise.all(target.info.apiServer.cidrs.map((c) => valueOf(c))), ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"]);
        assert.deepStrictEqual(await Promise.all(target.info.networkCidrs.map((c) => valueOf(c))), ["10.20.0.0/16"]);
        const policy = JSON.parse(res.get("aws:iam/rolePolicy:RolePolicy", "cluster-data-role-s3").inputs.policy);
        assert.deepStrictEqual(policy.Statement.map((s: { Resource: string }) => s.Resource), [
            "arn:aws:s3:::corp-data-lake",
            "arn:aws:s3:::corp-data-lake",
            ["arn:aws:s3:::corp-data-lake/airflow-logs/*", "arn:aws:s3:::corp-data-lake/shared/*"],
        ]);
        assert.strictEqual(await valueOf(target.info.dataStore?.logsUrl), "s3://corp-data-lake/airflow-logs");
    });

    it("creates no data role, bucket or associations when Airflow and Spark are off", async () => {
        const { run, target } = await runTarget("dev", aws({ "dataops:airflow": obj({ enabled: false }), "dataops:spark": obj({ enabled: false }) }));
        const res = new Resources(run.resources);
        assert.deepStrictEqual(res.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => a.name), ["cluster-karpenter-pod-identity"]);
        assert.deepStrictEqual(res.ofType("aws:s3/bucket:Bucket"), []);
        assert.throws(() => res.get("aws:iam/role:Role", "cluster-data-role"));
        assert.strictEqual(target.info.workloadIdentity, undefined);
        assert.strictEqual(target.info.dataStore, undefined);
    });
});
