// Day 2 on every cloud (issue 15): private clusters reachable from CI, kubeconfig credentials that follow the provider,
// admin access independent of the caller, waits for eventually consistent grants, upgrades, private endpoints, clean
// destroys, and validation of what the clouds reject. Pure rules first, then the targets and the program under mocks.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { adminRoleTrustPolicy, amiReleaseParameter, getTokenArgs, kubeconfigIdentity, vpcEndpointPlan } from "../components/cluster/eks/day2";
import { aksArgsFrom } from "../components/cluster/aks/settings";
import { apiServerSubnetCidr, kubeloginArgs } from "../components/cluster/aks/day2";
import { authPluginEnv, controlPlaneEndpoints } from "../components/cluster/gke/day2";
import { PROPAGATION } from "../components/cluster/waits";
import { providerRoleArn } from "../stacks/clouds/aws";
import { azureZones } from "../stacks/clouds/azure";
import { loadConfig } from "../stacks/config";
import { clusterChangeProblems, ClusterSettings, documentationRangeWarnings } from "../stacks/day2";
import { brief, configProblems } from "./config-problems";
import { MOCK_ORGANIZATION, RecordedResource, Resources, Run, runStack, stackFileConfig, valueOf } from "./harness";
import { STACK_OUTPUTS } from "./mocks";

const obj = (v: unknown) => JSON.stringify(v);
const problemsOf = (raw: Record<string, string>, stack = "dev") => configProblems(raw, stack).map(brief);
const ACCOUNT = "123456789012";
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;
const SLEEP = "time:index/sleep:Sleep";

/** Names of a resource's dependencies (explicit dependsOn plus inputs), for ordering assertions. */
function dependencyNames(res: Resources, r: RecordedResource): string[] {
    return r.dependencies.map((u) => res.byUrn(u)?.name ?? u).sort();
}

describe("day 2: pure rules", () => {
    it("kubeconfig of EKS: get-token carries the provider's profile and role", () => {
        assert.deepStrictEqual(getTokenArgs("c1", "eu-west-1", { profile: "platform", roleArn: DEPLOY_ROLE }), [
            "--region", "eu-west-1", "--profile", "platform", "eks", "get-token", "--cluster-name", "c1", "--role-arn", DEPLOY_ROLE, "--output", "json",
        ]);
        assert.deepStrictEqual(getTokenArgs("c1", "eu-west-1", {}), ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "c1", "--output", "json"]);
        // The stack's own admin role wins over the provider's role: it is the one with the access entry.
        assert.deepStrictEqual(kubeconfigIdentity({ profile: "p", providerRoleArn: DEPLOY_ROLE, stackAdminRoleArn: "arn:stack-admin" }), { profile: "p", roleArn: "arn:stack-admin" });
        assert.deepStrictEqual(kubeconfigIdentity({ providerRoleArn: DEPLOY_ROLE }), { roleArn: DEPLOY_ROLE });
        assert.deepStrictEqual(kubeconfigIdentity({}), {});
    });

    it("reads the provider's role from aws:assumeRoles (last of the chain) or v6 aws:assumeRole", () => {
        assert.strictEqual(providerRoleArn(obj([{ roleArn: "arn:a" }, { roleArn: DEPLOY_ROLE, sessionName: "ci" }])), DEPLOY_ROLE);
        assert.strictEqual(providerRoleArn(obj({ roleArn: DEPLOY_ROLE })), DEPLOY_ROLE);
        assert.strictEqual(providerRoleArn(obj([{ sessionName: "x" }])), undefined);
        assert.strictEqual(providerRoleArn("not json"), undefined);
        assert.strictEqual(providerRoleArn(undefined), undefined);
    });

    it("trusts the account, not a person, with the stack's admin role", () => {
        assert.deepStrictEqual(adminRoleTrustPolicy("aws", ACCOUNT), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        });
    });

    it("tracks the EKS-optimized AMI release of the cluster's minor, per architecture", () => {
        assert.strictEqual(amiReleaseParameter("1.34", "AL2023_x86_64_STANDARD"), "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/release_version");
        assert.strictEqual(amiReleaseParameter("1.33", "AL2023_ARM_64_STANDARD"), "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/arm64/standard/recommended/release_version");
    });

    it("plans the S3 gateway endpoint everywhere and ECR/STS interface endpoints in prod only", () => {
        assert.deepStrictEqual(vpcEndpointPlan("dev"), { gateway: ["s3"], interface: [] });
        assert.deepStrictEqual(vpcEndpointPlan("prod"), { gateway: ["s3"], interface: ["ecr.api", "ecr.dkr", "sts"] });
    });

    it("AKS: the API server subnet is the first /28 of the VNet's second half; kubelogin asks the provider's tenant", () => {
        assert.strictEqual(apiServerSubnetCidr("10.20.0.0/16"), "10.20.128.0/28");
        assert.strictEqual(apiServerSubnetCidr("10.0.0.0/23"), "10.0.1.0/28");
        assert.deepStrictEqual(kubeloginArgs("server", "tenant"), ["get-token", "--login", "azurecli", "--server-id", "server", "--tenant-id", "tenant"]);
        assert.deepStrictEqual(kubeloginArgs("server"), ["get-token", "--login", "azurecli", "--server-id", "server"]);
    });

    it("GKE: DNS endpoint open to any network (IAM decides), and gcloud impersonating the provider's service account", () => {
        assert.deepStrictEqual(controlPlaneEndpoints(true), { dnsEndpointConfig: { allowExternalTraffic: true } });
        assert.strictEqual(controlPlaneEndpoints(false), undefined);
        assert.deepStrictEqual(authPluginEnv("deploy@p.iam.gserviceaccount.com"), [
            { name: "CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", value: "deploy@p.iam.gserviceaccount.com" },
        ]);
        assert.deepStrictEqual(authPluginEnv(undefined), []);
    });

    it("waits the documented propagation time of each cloud", () => {
        assert.deepStrictEqual(PROPAGATION, { azureRbac: "300s", eksAccess: "30s", awsIam: "15s", gcpIam: "120s" });
    });

    it("Azure zones only where the location has them", () => {
        assert.deepStrictEqual(azureZones("westeurope"), ["1", "2", "3"]);
        assert.deepStrictEqual(azureZones("westus"), []);
        assert.deepStrictEqual(azureZones("ukwest"), []);
    });

    const settings: ClusterSettings = {
        cloud: "aws",
        name: "dataops-prod-aws",
        kubernetesVersion: "1.33",
        location: "aws:region=eu-west-1",
        networkCidr: "10.10.0.0/16",
        podCidr: "10.244.0.0/14",
        serviceCidr: "10.96.0.0/16",
    };

    it("moves the Kubernetes minor one at a time and never down", () => {
        const brief2 = (next: Partial<ClusterSettings>) => clusterChangeProblems(settings, { ...settings, ...next }, "dataops:").map(brief);
        assert.deepStrictEqual(brief2({ kubernetesVersion: "1.34" }), []);
        assert.deepStrictEqual(brief2({ kubernetesVersion: "1.35" }), [
            "dataops:cluster.kubernetesVersion: skips minor versions: the cluster runs 1.33, and control planes and nodes upgrade one minor at a time. " +
                "Fix: set it to 1.34, run pulumi up, then continue one minor per run up to 1.35.",
        ]);
        assert.deepStrictEqual(brief2({ kubernetesVersion: "1.32" }), [
            "dataops:cluster.kubernetesVersion: is lower than 1.33, the version the cluster runs; managed Kubernetes cannot be downgraded. Fix: set it back to 1.33.",
        ]);
        assert.deepStrictEqual(clusterChangeProblems(undefined, settings, "dataops:"), []);
    });

    it("refuses a create-only change under the same cluster name and accepts it with a new name", () => {
        const changed = { ...settings, serviceCidr: "10.100.0.0/16", location: "aws:region=eu-central-1" };
        const problems = clusterChangeProblems(settings, changed, "dataops:");
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.value]),
            [
                ["aws:region", "eu-central-1"],
                ["dataops:cluster.serviceCidr", "10.100.0.0/16"],
            ],
        );
        assert.strictEqual(
            brief(problems[1]),
            "dataops:cluster.serviceCidr: was 10.96.0.0/16 when cluster dataops-prod-aws was created; aws cannot change it on an existing cluster, " +
                "and a replacement under the same name fails because the old cluster still holds the name. Fix: set it back to 10.96.0.0/16, or build a new " +
                "cluster beside the old one by also setting dataops:cluster.name (e.g. dataops-prod-aws-2): docs/day2.md 'Replacing the cluster'.",
        );
        // podCidr means nothing on EKS (the VPC CNI uses node subnets), so it is no create-only field there.
        assert.deepStrictEqual(clusterChangeProblems(settings, { ...settings, podCidr: "10.200.0.0/14" }, "dataops:"), []);
        assert.deepStrictEqual(clusterChangeProblems(settings, { ...changed, name: "dataops-prod-aws-2", kubernetesVersion: "1.35" }, "dataops:"), []);
    });

    it("flags documentation-range CIDRs copied from examples", () => {
        assert.deepStrictEqual(
            documentationRangeWarnings({ cluster: { authorizedCidrs: ["10.0.0.0/8", "198.51.100.7/32"] }, airflow: { databaseCidrs: ["192.0.2.0/28"] } }, "dataops:"),
            [
                "dataops:cluster.authorizedCidrs[1] = 198.51.100.7/32 is inside 198.51.100.0/24, a documentation range (RFC 5737) that examples use; " +
                    "no real network has these addresses. Replace it with your own range (VPN, office, CI runners).",
                "dataops:airflow.databaseCidrs[0] = 192.0.2.0/28 is inside 192.0.2.0/24, a documentation range (RFC 5737) that examples use; " +
                    "no real network has these addresses. Replace it with your own range (VPN, office, CI runners).",
            ],
        );
    });
});

describe("day 2: config validation", () => {
    const aws = { "dataops:cloud": "aws", "aws:region": "eu-west-1" };

    it("checks the stack split: a platform stack names its cluster stack, and only a platform stack does", () => {
        assert.deepStrictEqual(problemsOf({ ...aws, "dataops:deploy": obj({ part: "platform" }) }), [
            "dataops:deploy.clusterStack: is required when dataops:deploy.part is platform: it names the stack that created the cluster. " +
                "Fix: pulumi config set --path dataops:deploy.clusterStack <org>/dataops/<cluster stack>",
        ]);
        assert.deepStrictEqual(problemsOf({ ...aws, "dataops:deploy": obj({ part: "cluster", clusterStack: "acme/dataops/x" }) }), [
            "dataops:deploy.clusterStack: only applies when dataops:deploy.part is platform (it is cluster). Fix: set dataops:deploy.part to platform, or remove dataops:deploy.clusterStack.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...aws, "dataops:deploy": obj({ part: "platform", clusterStack: "acme/dataops/dev" }) }), [
            "dataops:deploy.clusterStack: names this stack; the platform stack must read a separate cluster stack. " +
                "Fix: deploy the cluster from a stack of its own (e.g. dev-cluster with dataops:deploy.part cluster) and name it here.",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:deploy": obj({ part: "cluster" }) }), [
            "dataops:deploy.part: cannot split a local stack: the local cluster already exists, so there is no cluster half to deploy. Fix: remove dataops:deploy.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...aws, "dataops:deploy": obj({ part: "both" }) }), [
            "dataops:deploy.part: must be one of all, cluster, platform.",
        ]);
    });

    it("refuses an assumed provider role without cluster admin, so Kubernetes calls are not refused mid-deploy", () => {
        const prod = {
            ...aws,
            "aws:assumeRoles": obj([{ roleArn: DEPLOY_ROLE }]),
            "dataops:aws": obj({ adminRoleArns: [`arn:aws:iam::${ACCOUNT}:role/platform-admin`] }),
        };
        assert.deepStrictEqual(problemsOf(prod, "prod"), [
            `dataops:aws.adminRoleArns: does not include ${DEPLOY_ROLE}, the role aws:assumeRoles makes Pulumi act as; the kubeconfig acts as that role too, ` +
                `so its Kubernetes calls would be refused. Fix: add ${DEPLOY_ROLE} to dataops:aws.adminRoleArns.`,
        ]);
        assert.deepStrictEqual(problemsOf({ ...aws, "aws:assumeRoles": obj([{ sessionName: "ci" }]) }), [
            "aws:assumeRoles: has no roleArn the kubeconfig could assume. Fix: pulumi config set --path 'aws:assumeRoles[0].roleArn' arn:aws:iam::<account>:role/<deploy role>",
        ]);
    });

    it("places prod AKS pools and storage without zones in a location that has none, and says so", () => {
        const raw = { ...stackFileConfig("prod-azure").config, "azure-native:location": "westus" };
        const { config, warnings } = loadConfig(raw, "prod-azure");
        const args = aksArgsFrom(config);
        assert.deepStrictEqual([args.zones, args.storageSku], [[], "Standard_LRS"]);
        assert.ok(
            warnings.includes(
                "azure-native:location westus has no availability zones: the prod node pools are placed without zones and the storage account is LRS, " +
                    "so one datacenter failure stops the cluster. Use a zonal location (e.g. westeurope) for zone redundancy.",
            ),
        );
    });
});

async function run(stack: string, overrides: Record<string, string> = {}): Promise<{ run: Run; res: Resources }> {
    const r = await runStack(stack, overrides);
    assert.strictEqual(r.error, undefined, r.error?.stack);
    return { run: r, res: new Resources(r.resources) };
}

const kubeconfigOf = (res: Resources) => JSON.parse(res.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.kubeconfig);

describe("day 2 on EKS (dev-aws with a profile and an assumed role)", () => {
    let res: Resources;
    before(async () => {
        ({ res } = await run("dev-aws", { "aws:profile": "platform", "aws:assumeRoles": obj([{ roleArn: DEPLOY_ROLE }]) }));
    });

    it("gets tokens with the provider's profile, assuming the stack's admin role (the one with the access entry)", () => {
        const admin = "arn:aws:iam::123456789012:role/cluster-admin-role";
        assert.deepStrictEqual(kubeconfigOf(res).users[0].user.exec.args, [
            "--region", "eu-west-1", "--profile", "platform", "eks", "get-token", "--cluster-name", "dataops-dev-aws", "--role-arn", admin, "--output", "json",
        ]);
        // The stack's admin role, and Karpenter's node role (EC2_LINUX: its nodes join the cluster).
        assert.deepStrictEqual(res.ofType("aws:eks/accessEntry:AccessEntry").map((e) => [e.inputs.principalArn, e.inputs.type]), [
            [admin, "STANDARD"],
            ["arn:aws:iam::123456789012:role/cluster-karpenter-node-role", "EC2_LINUX"],
        ]);
        // No lookup of who is running: the caller's session is never consulted for access.
        assert.deepStrictEqual(res.ofType("aws:iam/role:Role").find((r) => r.name === "cluster-admin-role")?.inputs.assumeRolePolicy, obj(adminRoleTrustPolicy("aws", ACCOUNT)));
    });

    it("waits for access entries before the first Kubernetes call, and for the data role before the workloads", () => {
        const wait = res.get(SLEEP, "cluster-access-propagation");
        assert.strictEqual(wait.inputs.createDuration, "30s");
        assert.deepStrictEqual(dependencyNames(res, wait), [
            "cluster-access-stack-admin",
            "cluster-access-stack-admin-admin",
            "cluster-admin-role",
            "cluster-eks",
        ]);
        assert.ok(dependencyNames(res, res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-gp3")).includes("cluster-access-propagation"));
        const iam = res.get(SLEEP, "cluster-data-role-propagation");
        assert.strictEqual(iam.inputs.createDuration, "15s");
        const airflow = res.get("kubernetes:helm.sh/v3:Release", "platform-airflow-release");
        assert.ok(dependencyNames(res, airflow).includes("cluster-data-role-propagation"));
    });

    it("routes S3 through a gateway endpoint on the private route tables, without paid interface endpoints in dev", () => {
        const endpoints = res.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
        assert.deepStrictEqual(
            endpoints.map((e) => [e.name, e.inputs.serviceName, e.inputs.vpcEndpointType, e.inputs.routeTableIds]),
            [["cluster-endpoint-s3", "com.amazonaws.eu-west-1.s3", "Gateway", ["cluster-private-1-rt-id", "cluster-private-2-rt-id", "cluster-private-3-rt-id"]]],
        );
    });

    it("lets destroy empty the dev data bucket, upgrades on the standard support policy and tracks node AMI releases", () => {
        const bucket = res.get("aws:s3/bucket:Bucket", "cluster-data");
        assert.deepStrictEqual([bucket.inputs.forceDestroy, bucket.retainOnDelete, bucket.protect], [true, false, false]);
        assert.deepStrictEqual(res.get("aws:eks/cluster:Cluster", "cluster-eks").inputs.upgradePolicy, { supportType: "STANDARD" });
        // No fixed group name: a replacement group is created before the old one is drained, without a name clash.
        assert.deepStrictEqual(res.ofType("aws:eks/nodeGroup:NodeGroup").map((g) => [g.name, g.inputs.version, g.inputs.releaseVersion, g.inputs.nodeGroupName]), [
            ["cluster-pool-general", "1.34", "1.34.4-20251120", undefined],
        ]);
    });
});

describe("day 2 on EKS (prod-aws)", () => {
    const RUNNER_SG = "sg-0123456789abcdef0";
    const stackAws = JSON.parse(stackFileConfig("prod-aws").config["dataops:aws"]);
    let res: Resources;
    before(async () => {
        ({ res } = await run("prod-aws", {
            "aws:assumeRoles": obj([{ roleArn: `arn:aws:iam::${ACCOUNT}:role/platform-admin` }]),
            "dataops:aws": obj({ ...stackAws, apiAccessSecurityGroupIds: [RUNNER_SG] }),
        }));
    });

    it("lets a CI runner in the VPC reach the private endpoint by its security group, before the first Kubernetes call", () => {
        const rule = res.get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `cluster-api-from-${RUNNER_SG}`);
        assert.deepStrictEqual(
            [rule.inputs.securityGroupId, rule.inputs.referencedSecurityGroupId, rule.inputs.fromPort, rule.inputs.toPort],
            ["sg-0c1u5te7000000001", RUNNER_SG, 443, 443],
        );
        assert.ok(dependencyNames(res, res.get(SLEEP, "cluster-access-propagation")).includes(`cluster-api-from-${RUNNER_SG}`));
    });

    it("gets tokens as the provider's assumed role, which holds admin, and creates no stack admin role", () => {
        const args: string[] = kubeconfigOf(res).users[0].user.exec.args;
        assert.deepStrictEqual(args.slice(args.indexOf("--role-arn"), args.indexOf("--role-arn") + 2), ["--role-arn", `arn:aws:iam::${ACCOUNT}:role/platform-admin`]);
        assert.ok(!args.includes("--profile"));
        assert.strictEqual(res.ofType("aws:iam/role:Role").find((r) => r.name === "cluster-admin-role"), undefined);
    });

    it("keeps image pulls and STS in the VPC with interface endpoints reachable on 443 from the VPC only", () => {
        const endpoints = res.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepStrictEqual(
            endpoints.map((e) => [e.inputs.serviceName, e.inputs.privateDnsEnabled, e.inputs.subnetIds.length, e.inputs.securityGroupIds]),
            ["ecr.api", "ecr.dkr", "sts"].map((s) => [`com.amazonaws.eu-west-1.${s}`, true, 3, ["cluster-endpoints-sg-id"]]),
        );
        const sg = res.get("aws:ec2/securityGroup:SecurityGroup", "cluster-endpoints-sg");
        assert.deepStrictEqual(sg.inputs.ingress, [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.10.0.0/16"], description: "HTTPS from the VPC" }]);
    });

    it("keeps the prod data bucket: protected, never force-emptied, left in place by destroy", () => {
        const bucket = res.get("aws:s3/bucket:Bucket", "cluster-data");
        assert.deepStrictEqual([bucket.inputs.forceDestroy, bucket.retainOnDelete, bucket.protect], [false, true, true]);
    });
});

describe("day 2 on AKS (prod-azure)", () => {
    let res: Resources;
    before(async () => {
        ({ res } = await run("prod-azure"));
    });

    it("integrates the API server with a delegated /28 of the VNet", () => {
        const subnet = res.get("azure-native:network:Subnet", "cluster-apiserver");
        assert.deepStrictEqual(
            [subnet.inputs.addressPrefix, subnet.inputs.delegations],
            ["10.20.128.0/28", [{ name: "aks-apiserver", serviceName: "Microsoft.ContainerService/managedClusters" }]],
        );
    });

    it("waits five minutes for the admin grant before the first Kubernetes call, and for the data roles before the workloads", () => {
        const admin = res.get(SLEEP, "cluster-deployer-admin-propagation");
        assert.strictEqual(admin.inputs.createDuration, "300s");
        assert.deepStrictEqual(dependencyNames(res, admin), ["cluster-deployer-admin"]);
        assert.ok(dependencyNames(res, res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-storage-class")).includes("cluster-deployer-admin-propagation"));
        const data = res.get(SLEEP, "cluster-data-access-propagation");
        assert.deepStrictEqual(
            dependencyNames(res, data).filter((n) => n.endsWith("blob-data")),
            ["cluster-airflow-blob-data", "cluster-spark-blob-data", "cluster-team-analytics-blob-data"],
        );
        assert.ok(dependencyNames(res, res.get("kubernetes:helm.sh/v3:Release", "platform-airflow-release")).includes("cluster-data-access-propagation"));
    });

    it("keeps the deploy-time admin grant with its first principal instead of moving it to each caller", () => {
        const grant = res.get("azure-native:authorization:RoleAssignment", "cluster-deployer-admin");
        assert.deepStrictEqual(grant.ignoreChanges, ["principalId", "principalType"]);
    });

    it("names the KMS vault per stack incarnation (a soft-deleted vault keeps its name for 90 days)", () => {
        const suffix = res.get("random:index/randomString:RandomString", "cluster-kms-vault-suffix");
        assert.deepStrictEqual([suffix.inputs.length, suffix.inputs.special, suffix.inputs.upper, suffix.protect], [6, false, false, true]);
        assert.ok(dependencyNames(res, res.get("azure-native:keyvault:Vault", "cluster-kms-vault")).includes("cluster-kms-vault-suffix"));
    });
});

describe("day 2 on AKS (dev-azure with a fixed deployer)", () => {
    it("grants the configured principal, so the grant does not follow whoever runs Pulumi", async () => {
        const { res } = await run("dev-azure", { "dataops:azure": obj({ deployerObjectId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", deployerPrincipalType: "ServicePrincipal" }) });
        const grant = res.get("azure-native:authorization:RoleAssignment", "cluster-deployer-admin");
        assert.deepStrictEqual([grant.inputs.principalId, grant.ignoreChanges], ["aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", []]);
        // A public dev cluster keeps the IP endpoint and needs no API server subnet.
        assert.throws(() => res.get("azure-native:network:Subnet", "cluster-apiserver"));
    });
});

describe("day 2 on GKE (prod-gcp with an impersonated service account)", () => {
    let res: Resources;
    before(async () => {
        ({ res } = await run("prod-gcp", { "gcp:impersonateServiceAccount": "deploy@acme-dataops-prod.iam.gserviceaccount.com" }));
    });

    it("turns on the DNS endpoint and reaches it with gcloud impersonating the provider's service account", () => {
        assert.deepStrictEqual(res.get("gcp:container/cluster:Cluster", "cluster-gke").inputs.controlPlaneEndpointsConfig, {
            dnsEndpointConfig: { allowExternalTraffic: true },
        });
        const exec = kubeconfigOf(res).users[0].user.exec;
        assert.deepStrictEqual(exec.env, [{ name: "CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", value: "deploy@acme-dataops-prod.iam.gserviceaccount.com" }]);
    });

    it("replaces node pools under generated names (create before delete)", () => {
        // Names carry a hash of the settings GKE cannot change in place (components/cluster/gke/autoscaling.ts).
        const pools = res.ofType("gcp:container/nodePool:NodePool");
        assert.deepStrictEqual(
            pools.map((p) => [p.inputs.name.replace(/-[0-9a-f]{8}$/, "-<hash>"), p.inputs.namePrefix, p.deleteBeforeReplace]),
            [
                ["platform-<hash>", undefined, false],
                ["system-<hash>", undefined, false],
                ["kafka-<hash>", undefined, false],
                ["spark-<hash>", undefined, false],
            ],
        );
    });

    it("names the key ring per stack incarnation (key rings cannot be deleted)", () => {
        const ring = res.get("gcp:kms/keyRing:KeyRing", "cluster-keyring");
        assert.strictEqual(ring.inputs.name, "dataops-prod-gcp-mockcl");
        assert.ok(dependencyNames(res, ring).includes("cluster-keyring-suffix"));
    });

    it("waits for IAM (Workload Identity included) before the workloads, and keeps Private Google Access and the prod bucket", () => {
        const wait = res.get(SLEEP, "cluster-iam-propagation");
        assert.strictEqual(wait.inputs.createDuration, "120s");
        assert.deepStrictEqual(dependencyNames(res, wait), [
            "cluster-data-sa",
            "cluster-data-wi",
            "cluster-folder-airflow-logs-platform",
            "cluster-folder-shared-platform",
            "cluster-folder-shared-spark-jobs-spark",
            "cluster-folder-teams-analytics-analytics-jobs-spark",
            "cluster-googleapis-private",
            "cluster-googleapis-wildcard",
        ]);
        assert.ok(dependencyNames(res, res.get("kubernetes:helm.sh/v3:Release", "platform-airflow-release")).includes("cluster-iam-propagation"));
        assert.strictEqual(res.get("gcp:compute/subnetwork:Subnetwork", "cluster-subnet").inputs.privateIpGoogleAccess, true);
        const bucket = res.get("gcp:storage/bucket:Bucket", "cluster-data");
        assert.deepStrictEqual([bucket.inputs.forceDestroy, bucket.retainOnDelete], [false, true]);
    });
});

describe("day 2: cluster and platform in two stacks", () => {
    const clusterStack = `${MOCK_ORGANIZATION}/dataops/dev-aws-cluster`;
    let cluster: Run;
    let clusterOutputs: Record<string, unknown>;

    before(async () => {
        ({ run: cluster } = await run("dev-aws", { "dataops:deploy": obj({ part: "cluster" }) }));
        clusterOutputs = (await valueOf(pulumi.output(cluster.outputs as Record<string, unknown>))) as Record<string, unknown>;
        STACK_OUTPUTS.set(clusterStack, clusterOutputs);
    });
    after(() => STACK_OUTPUTS.clear());

    it("the cluster stack creates the cluster only and exports what the platform stack needs", () => {
        assert.deepStrictEqual(Object.keys(clusterOutputs).sort(), ["cloud", "clusterInfo", "clusterName", "clusterSettings", "kubeconfig", "profile"]);
        assert.deepStrictEqual(cluster.resources.filter((r) => r.type === "dataops:platform:DataPlatform"), []);
        assert.ok(cluster.resources.some((r) => r.type === "dataops:cluster:Eks"));
        const info = clusterOutputs.clusterInfo as Record<string, any>;
        assert.deepStrictEqual([info.cloud, info.storageClass, info.apiServer], ["aws", "gp3", { cidrs: ["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"], ports: [443] }]);
    });

    it("the platform stack installs through the cluster stack's kubeconfig and creates no cluster", async () => {
        const { run: platform, res } = await run("dev-aws", { "dataops:deploy": obj({ part: "platform", clusterStack }) });
        assert.deepStrictEqual(platform.resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("dataops:cluster:")), []);
        // The StackReference is a read, which the harness does not record; the provider's inputs show what it read.
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        assert.strictEqual(provider.inputs.kubeconfig, clusterOutputs.kubeconfig);
        assert.strictEqual(provider.inputs.clusterIdentifier, "dataops-dev-aws");
        const releases = res.ofType("kubernetes:helm.sh/v3:Release");
        assert.ok(releases.length > 0);
        assert.deepStrictEqual(releases.filter((r) => !r.provider.startsWith(`${provider.urn}::`)).map((r) => r.name), []);
    });

    it("the platform stack refuses a cluster stack that was not deployed, or whose cluster settings differ", async () => {
        const missing = await runStack("dev-aws", { "dataops:deploy": obj({ part: "platform", clusterStack: "acme/dataops/none" }) });
        assert.strictEqual(
            missing.error?.message,
            "Stack acme/dataops/none (dataops:deploy.clusterStack) has no clusterInfo output: run `pulumi up` on it first, with dataops:deploy.part cluster.",
        );
        const other = await runStack("dev-aws", {
            "dataops:deploy": obj({ part: "platform", clusterStack }),
            "dataops:cluster": obj({ serviceCidr: "10.100.0.0/16" }),
        });
        assert.strictEqual(
            other.error?.message,
            `Stack ${clusterStack} built its cluster with serviceCidr 10.96.0.0/16, but this stack's config says serviceCidr 10.100.0.0/16: ` +
                "give both stacks the same dataops:cloud and dataops:cluster settings.",
        );
    });
});

describe("day 2: the previous run of the stack", () => {
    const self = `${MOCK_ORGANIZATION}/dataops/prod-aws`;
    const PREVIOUS: ClusterSettings = {
        cloud: "aws",
        name: "dataops-prod-aws",
        kubernetesVersion: "1.34",
        location: "aws:region=eu-west-1",
        networkCidr: "10.10.0.0/16",
        podCidr: "10.244.0.0/14",
        serviceCidr: "10.96.0.0/16",
    };
    after(() => STACK_OUTPUTS.clear());

    it("stops a skipped minor version before any cloud resource is registered", async () => {
        STACK_OUTPUTS.set(self, { clusterSettings: { ...PREVIOUS, kubernetesVersion: "1.32" } });
        const r = await runStack("prod-aws");
        assert.match(
            r.error?.message ?? "",
            /1\. dataops:cluster\.kubernetesVersion = "1\.34": skips minor versions: the cluster runs 1\.32, and control planes and nodes upgrade one minor at a time\. Fix: set it to 1\.33/,
        );
        // Only the StackReference (a read, not recorded here) exists when the check fails.
        assert.deepStrictEqual(r.resources.map((x) => x.type), []);
    });

    it("accepts the next minor and a new cluster name with new create-only settings", async () => {
        STACK_OUTPUTS.set(self, { clusterSettings: { ...PREVIOUS, kubernetesVersion: "1.33", serviceCidr: "10.100.0.0/16", name: "dataops-prod-aws-old" } });
        const r = await runStack("prod-aws");
        assert.strictEqual(r.error, undefined, r.error?.message);
    });

    it("exports the settings the next run compares with, and can be turned off", async () => {
        STACK_OUTPUTS.clear();
        const { run: r } = await run("dev-gcp");
        assert.deepStrictEqual(await valueOf(pulumi.output((r.outputs as Record<string, unknown>).clusterSettings)), {
            cloud: "gcp",
            name: "dataops-dev-gcp",
            kubernetesVersion: "1.34",
            location: "dataops:gcp.zone=europe-west1-b",
            networkCidr: "10.10.0.0/16",
            podCidr: "10.244.0.0/14",
            serviceCidr: "10.96.0.0/16",
        });
        STACK_OUTPUTS.set(self, { clusterSettings: { ...PREVIOUS, kubernetesVersion: "1.32" } });
        const off = await runStack("prod-aws", { "dataops:deploy": obj({ checkPrevious: false }) });
        assert.strictEqual(off.error, undefined);
    });
});
