// The GKE target: pure planning functions, GCP config rules, and the prod/dev stacks under mocks.
import * as assert from "assert";
import {
    createGke,
    dataBucketName,
    GkeCluster,
    gkeArgsFrom,
    gkeKubeconfig,
    gkeProfileChoices,
    nodePoolPlan,
    serviceAccountId,
    validateGkeArgs,
    workloadIdentityMember,
} from "../components/cluster/gke";
import { gkePoolName } from "../components/cluster/gke/autoscaling";
import { resolvePools } from "../stacks/pools";
import { defaultNodePools } from "../stacks/profiles";
import { loadConfig } from "../stacks/config";
import { RecordedResource, Resources, Run, runIndex, runMocked, runStack, stackFileConfig, valueOf } from "./harness";
import { MOCK_GCP_PROJECT_NUMBER, MOCK_GKE_CA, MOCK_GKE_DNS_ENDPOINT, MOCK_GKE_PRIVATE_ENDPOINT, MOCK_GKE_PUBLIC_ENDPOINT } from "./mocks/gcp";
import { configProblems } from "./config-problems";

const GCP = { "dataops:cloud": "gcp", "gcp:project": "acme-dataops-prod", "gcp:region": "europe-west1" };
const obj = (v: unknown) => JSON.stringify(v);

const problemsOf = (raw: Record<string, string>, stack = "dev"): string[] =>
    configProblems(raw, stack).map((p) => `${p.key}${"value" in p ? ` = ${JSON.stringify(p.value)}` : ""}: ${p.message}${p.fix ? ` Fix: ${p.fix}` : ""}`);

/** Constructs the GKE target for a config under mocks and keeps the object, to read its ClusterInfo. */
async function runGke(stack: string, raw: Record<string, string>): Promise<{ run: Run; res: Resources; target: GkeCluster }> {
    let target: GkeCluster | undefined;
    const run = await runMocked({
        stack,
        config: raw,
        program: () => {
            target = createGke("cluster", loadConfig(raw, stack).config) as GkeCluster;
            return {};
        },
    });
    assert.strictEqual(run.error, undefined, run.error?.message);
    return { run, res: new Resources(run.resources), target: target! };
}

describe("GKE planning (pure)", () => {
    it("chooses regional, KMS, flow logs, Retain and protect only in prod", () => {
        assert.deepStrictEqual(gkeProfileChoices("prod"), {
            regional: true,
            kmsSecretsEncryption: true,
            flowLogs: true,
            logComponents: ["SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"],
            metricComponents: ["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"],
            reclaimPolicy: "Retain",
            bucketVersioning: true,
            bucketForceDestroy: false,
            protect: true,
        });
        assert.deepStrictEqual(gkeProfileChoices("dev"), {
            regional: false,
            kmsSecretsEncryption: false,
            flowLogs: false,
            logComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"],
            metricComponents: ["SYSTEM_COMPONENTS"],
            reclaimPolicy: "Delete",
            bucketVersioning: false,
            bucketForceDestroy: true,
            protect: false,
        });
    });

    it("resolves args from config: defaults, team Spark namespaces, existing network", () => {
        const { config } = loadConfig(
            {
                ...GCP,
                "dataops:teams": obj([{ name: "bi", role: "view", groups: ["bi@example.com"], ownNamespaces: ["bi-jobs", "bi-adhoc"] }]),
                "dataops:spark": obj({ jobNamespace: "jobs" }),
                "dataops:gcp": obj({ network: "shared", subnetwork: "shared-ew1", zone: "europe-west1-c", dataBucket: "acme-lake" }),
            },
            "dev",
        );
        assert.deepStrictEqual(gkeArgsFrom(config), {
            project: "acme-dataops-prod",
            region: "europe-west1",
            profile: "dev",
            clusterName: "dataops-dev",
            kubernetesVersion: "1.34",
            releaseChannel: "REGULAR",
            zone: "europe-west1-c",
            privateEndpoint: false,
            authorizedCidrs: [],
            network: { existing: { network: "shared", subnetwork: "shared-ew1", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16" } },
            // Defaults resolved with their purposes, labels and taints (stacks/pools.ts).
            nodePools: resolvePools(defaultNodePools("gcp", "dev"), "dev"),
            securityGroup: undefined,
            deletionProtection: false,
            dataBucket: "acme-lake",
            workloadIdentity: {
                airflow: ["airflow-worker", "airflow-scheduler", "airflow-triggerer", "airflow-api-server", "airflow-dag-processor"].map(
                    (serviceAccount) => ({ namespace: "airflow", serviceAccount }),
                ),
            },
            folders: [
                { folder: "airflow-logs/", platform: true, ksas: [] },
                { folder: "shared/", platform: true, ksas: [{ namespace: "jobs", serviceAccount: "spark" }] },
                {
                    folder: "teams/bi/",
                    platform: false,
                    ksas: [
                        { namespace: "bi-jobs", serviceAccount: "spark" },
                        { namespace: "bi-adhoc", serviceAccount: "spark" },
                    ],
                },
            ],
            labels: { "part-of": "dataops", "managed-by": "pulumi", stack: "dev" },
            dnsEndpoint: false,
            impersonateServiceAccount: undefined,
        });
    });

    it("leaves Workload Identity members out for disabled workloads and defaults the dev zone to <region>-b", () => {
        const { config } = loadConfig({ ...GCP, "dataops:airflow": obj({ enabled: false }), "dataops:spark": obj({ enabled: false }) }, "dev");
        const args = gkeArgsFrom(config);
        assert.deepStrictEqual(args.workloadIdentity, { airflow: [] });
        assert.deepStrictEqual(args.folders, [
            { folder: "airflow-logs/", platform: false, ksas: [] },
            { folder: "shared/", platform: false, ksas: [] },
        ]);
        assert.strictEqual(args.zone, "europe-west1-b");
        assert.deepStrictEqual(args.network, { create: { nodeCidr: "10.10.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16" } });
    });

    it("plans node pools with total autoscaling limits, per-zone initial counts and GKE taint effects", () => {
        assert.deepStrictEqual(
            nodePoolPlan(
                {
                    name: "data",
                    machineType: "n2-standard-8",
                    minNodes: 4,
                    maxNodes: 12,
                    diskSizeGi: 200,
                    labels: { "dataops.io/pool": "data" },
                    taints: [{ key: "dedicated", value: "kafka", effect: "NoSchedule" }, { key: "batch", effect: "PreferNoSchedule" }],
                },
                true,
            ),
            {
                name: "data",
                initialNodeCount: 2,
                autoscaling: { totalMinNodeCount: 4, totalMaxNodeCount: 12, locationPolicy: "BALANCED" },
                machineType: "n2-standard-8",
                diskSizeGb: 200,
                spot: false,
                labels: { "dataops.io/pool": "data" },
                taints: [
                    { key: "dedicated", value: "kafka", effect: "NO_SCHEDULE" },
                    { key: "batch", value: "", effect: "PREFER_NO_SCHEDULE" },
                ],
            },
        );
        assert.deepStrictEqual(nodePoolPlan({ name: "spot", minNodes: 0, maxNodes: 5, spot: true }, false), {
            name: "spot",
            initialNodeCount: 0,
            autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 5, locationPolicy: "ANY" },
            machineType: "e2-standard-4",
            diskSizeGb: 100,
            spot: true,
            labels: {},
            taints: [],
        });
    });

    it("derives service account IDs and bucket names within Google's limits", () => {
        assert.strictEqual(serviceAccountId("dataops-prod-gcp", "nodes"), "dataops-prod-gcp-nodes");
        assert.strictEqual(serviceAccountId("a-very-long-cluster-name-for-testing", "nodes"), "a-very-long-cluster-name-nodes");
        assert.strictEqual(serviceAccountId("abcdefghijklmnopqrstuvwx-z", "data"), "abcdefghijklmnopqrstuvwx-data");
        assert.strictEqual(serviceAccountId("x", "data"), "x-data");
        assert.strictEqual(serviceAccountId("x", "io"), "x-io-sa");
        assert.strictEqual(dataBucketName("acme-dataops-prod", "dataops-prod-gcp"), "acme-dataops-prod-dataops-prod-gcp-data");
        const long = dataBucketName("a-thirty-character-project-id1", "a-forty-character-cluster-name-abcdefghi");
        assert.strictEqual(long, "a-thirty-character-project-id1-a-forty-character-cluster-n-data");
        assert.strictEqual(long.length, 63);
    });

    it("names the Workload Identity member of a Kubernetes service account", () => {
        assert.strictEqual(
            workloadIdentityMember("acme-dataops-prod", { namespace: "spark-jobs", serviceAccount: "spark" }),
            "serviceAccount:acme-dataops-prod.svc.id.goog[spark-jobs/spark]",
        );
    });

    it("builds a kubeconfig that uses gke-gcloud-auth-plugin and stores no credential", () => {
        const kc = JSON.parse(
            gkeKubeconfig({ project: "p-123456", location: "europe-west1", clusterName: "c1", endpoint: "10.0.0.2", caCertificate: "Q0E=" }),
        );
        const ctx = "gke_p-123456_europe-west1_c1";
        assert.deepStrictEqual(kc, {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: ctx, cluster: { server: "https://10.0.0.2", "certificate-authority-data": "Q0E=" } }],
            contexts: [{ name: ctx, context: { cluster: ctx, user: ctx } }],
            "current-context": ctx,
            users: [
                {
                    name: ctx,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "gke-gcloud-auth-plugin",
                            installHint: "Install gke-gcloud-auth-plugin to use this kubeconfig: gcloud components install gke-gcloud-auth-plugin",
                            provideClusterInfo: true,
                        },
                    },
                },
            ],
        });
    });

    it("rejects impossible args before creating anything", () => {
        const { config } = loadConfig(GCP, "dev");
        const args = gkeArgsFrom(config);
        assert.throws(
            () => validateGkeArgs({ ...args, project: "Acme", zone: "us-east1-b", nodePools: [], authorizedCidrs: ["10.0.0.1/8"] }),
            {
                message:
                    'GkeCluster: project "Acme" is not a project ID; zone "us-east1-b" is not in region europe-west1; ' +
                    "at least one node pool is required (removeDefaultNodePool leaves none otherwise); " +
                    '"10.0.0.1/8" is not an IPv4 CIDR.',
            },
        );
        assert.throws(
            () =>
                validateGkeArgs({
                    ...args,
                    clusterName: "9-lives",
                    nodePools: [
                        { name: "a", minNodes: 3, maxNodes: 2 },
                        { name: "a", minNodes: 0, maxNodes: 1 },
                    ],
                }),
            {
                message:
                    'GkeCluster: cluster name "9-lives" is not a GKE cluster name (a-z, 0-9, \'-\', at most 40, starting with a letter); ' +
                    'node pool "a" is listed twice; node pool "a" needs 0 <= minNodes <= maxNodes and maxNodes >= 1.',
            },
        );
    });
});

describe("GCP config rules", () => {
    it("requires gcp:project, and a project ID rather than a display name", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "gcp", "gcp:region": "europe-west1" }), [
            "gcp:project: is required when dataops:cloud is gcp: it is the project the cluster is created in. Fix: pulumi config set gcp:project <your-project-id>",
        ]);
        assert.deepStrictEqual(problemsOf({ ...GCP, "gcp:project": "Acme Data Prod" }), [
            'gcp:project = "Acme Data Prod": is not a valid project ID (6-30 characters: lowercase letters, digits and hyphens, ' +
                "starting with a letter; the project ID, not its display name or number). " +
                "Fix: copy the ID from `gcloud projects list` and run pulumi config set gcp:project <id>",
        ]);
    });

    it("requires network and subnetwork together", () => {
        assert.deepStrictEqual(problemsOf({ ...GCP, "dataops:gcp": obj({ network: "shared" }) }), [
            "dataops:gcp.subnetwork: is required when dataops:gcp.network is set (shared): GKE needs the subnetwork its nodes use. " +
                "Fix: set dataops:gcp.subnetwork to a subnetwork of that network in gcp:region, or remove dataops:gcp.network to have one created.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...GCP, "dataops:gcp": obj({ subnetwork: "nodes" }) }), [
            "dataops:gcp.network: is required when dataops:gcp.subnetwork is set (nodes): the cluster must be told which VPC network it joins. " +
                "Fix: set dataops:gcp.network to the subnetwork's VPC network, or remove dataops:gcp.subnetwork to have both created.",
        ]);
    });

    it("rejects a zone outside the region and warns that prod ignores the zone", () => {
        assert.deepStrictEqual(problemsOf({ ...GCP, "dataops:gcp": obj({ zone: "us-east1-b" }) }), [
            'dataops:gcp.zone = "us-east1-b": is not in gcp:region europe-west1; the zonal cluster must be in the region of its network. ' +
                "Fix: use a zone of europe-west1, such as europe-west1-b.",
        ]);
        const { warnings } = loadConfig(
            { ...GCP, "dataops:gcp": obj({ zone: "europe-west1-c" }), "dataops:cluster": obj({ authorizedCidrs: ["10.0.0.0/24"] }) },
            "prod",
        );
        assert.deepStrictEqual(warnings.filter((w) => w.includes("gcp.zone")), [
            'dataops:gcp.zone "europe-west1-c" is ignored in the prod profile: the cluster is regional across europe-west1.',
        ]);
    });

    it("rejects public authorized CIDRs on a private endpoint and warns when none are set", () => {
        assert.deepStrictEqual(problemsOf({ ...GCP, "dataops:cluster": obj({ authorizedCidrs: ["10.0.0.0/24", "203.0.113.0/24"] }) }, "prod"), [
            'dataops:cluster.authorizedCidrs[1] = "203.0.113.0/24": is a public range, but the API endpoint is private ' +
                "(dataops:cluster.endpointAccess private); GKE only accepts internal ranges (10.0.0.0/8, 172.16.0.0/12, " +
                "192.168.0.0/16, 100.64.0.0/10) for a private endpoint. Fix: list the VPN, bastion or CI runner ranges inside " +
                "the VPC, or set dataops:cluster.endpointAccess to public.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...GCP, "dataops:cluster": obj({ authorizedCidrs: ["203.0.113.0/24"] }) }, "dev"), []);
        // The DNS endpoint (on by default for a private cluster) is how CI reaches it: no warning then.
        assert.deepStrictEqual(loadConfig(GCP, "prod").warnings.filter((w) => w.includes("authorizedCidrs")), []);
        const { warnings } = loadConfig({ ...GCP, "dataops:gcp": obj({ dnsEndpoint: false }) }, "prod");
        assert.deepStrictEqual(warnings.filter((w) => w.includes("authorizedCidrs")), [
            "dataops:cluster.authorizedCidrs is empty, the GKE API endpoint is private and dataops:gcp.dnsEndpoint is false: only machines " +
                "inside the VPC network can reach the API, so run Pulumi from there, or remove dataops:gcp.dnsEndpoint (docs/day2.md 'GCP').",
        ]);
    });

    it("rejects non-GKE cluster names and non-Compute-Engine machine types", () => {
        assert.deepStrictEqual(
            problemsOf({
                ...GCP,
                "dataops:cluster": obj({
                    name: "a-cluster-name-that-is-far-too-long-for-gke-clusters",
                    nodePools: [{ name: "general", machineType: "m6i.large", minNodes: 1, maxNodes: 2 }],
                }),
            }),
            [
                'dataops:cluster.name = "a-cluster-name-that-is-far-too-long-for-gke-clusters": is not a valid GKE cluster name ' +
                    "(at most 40 characters: lowercase letters, digits and '-', starting with a letter). " +
                    'Fix: shorten it, e.g. to "a-cluster-name-that-is-far-too-long-for".',
                'dataops:cluster.nodePools[0].machineType = "m6i.large": is not a Compute Engine machine type (those look like ' +
                    "e2-standard-4 or n2-highmem-8). Fix: pick one from `gcloud compute machine-types list --filter=zone:<zone>`.",
            ],
        );
    });
});

describe("GKE prod stack under mocks (Pulumi.prod-gcp.yaml)", () => {
    let run: Run;
    let res: Resources;
    let target: GkeCluster;
    let cluster: RecordedResource;
    const PROJECT = "acme-dataops-prod";
    const NODE_SA = `dataops-prod-gcp-nodes@${PROJECT}.iam.gserviceaccount.com`;
    const DATA_SA = `dataops-prod-gcp-data@${PROJECT}.iam.gserviceaccount.com`;
    before(async () => {
        run = await runStack("prod-gcp");
        res = new Resources(run.resources);
        cluster = res.get("gcp:container/cluster:Cluster", "cluster-gke");
        ({ target } = await runGke("prod-gcp", stackFileConfig("prod-gcp").config));
    });

    it("runs without error or unanswered invokes, and looks up the project number for the GKE service agent", () => {
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(run.unknownCalls, []);
        assert.deepStrictEqual(
            run.calls.filter((c) => c.token.startsWith("gcp:")).map((c) => [c.token, c.inputs.projectId]),
            // The GKE service agent's KMS grant, and the Workload Identity principals of the Spark accounts.
            [
                ["gcp:organizations/getProject:getProject", PROJECT],
                ["gcp:organizations/getProject:getProject", PROJECT],
            ],
        );
    });

    it("creates the VPC, a regional subnetwork with pod and service ranges and flow logs, and Cloud NAT", () => {
        const network = res.get("gcp:compute/network:Network", "cluster-network");
        assert.deepStrictEqual(network.inputs, {
            project: PROJECT,
            name: "dataops-prod-gcp",
            autoCreateSubnetworks: false,
            routingMode: "REGIONAL",
        });
        const subnet = res.get("gcp:compute/subnetwork:Subnetwork", "cluster-subnet");
        assert.deepStrictEqual(subnet.inputs, {
            project: PROJECT,
            region: "europe-west1",
            name: "dataops-prod-gcp-nodes",
            network: "cluster-network-id",
            ipCidrRange: "10.10.0.0/16",
            secondaryIpRanges: [
                { rangeName: "pods", ipCidrRange: "10.244.0.0/14" },
                { rangeName: "services", ipCidrRange: "10.96.0.0/16" },
            ],
            privateIpGoogleAccess: true,
            stackType: "IPV4_ONLY",
            logConfig: { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
        });
        assert.deepStrictEqual(res.get("gcp:compute/router:Router", "cluster-router").inputs, {
            project: PROJECT,
            region: "europe-west1",
            name: "dataops-prod-gcp-router",
            network: "cluster-network-id",
        });
        assert.deepStrictEqual(res.get("gcp:compute/routerNat:RouterNat", "cluster-nat").inputs, {
            project: PROJECT,
            region: "europe-west1",
            name: "dataops-prod-gcp-nat",
            router: "dataops-prod-gcp-router",
            natIpAllocateOption: "AUTO_ONLY",
            sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
            subnetworks: [{ name: "cluster-subnet-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
            logConfig: { enable: true, filter: "ERRORS_ONLY" },
        });
    });

    it("creates a regional private cluster: private nodes and endpoint, authorized networks, Dataplane V2, workload pool", () => {
        const i = cluster.inputs;
        assert.strictEqual(i.location, "europe-west1");
        assert.strictEqual(i.name, "dataops-prod-gcp");
        assert.strictEqual(i.network, "cluster-network-id");
        assert.strictEqual(i.subnetwork, "cluster-subnet-id");
        assert.strictEqual(i.networkingMode, "VPC_NATIVE");
        assert.deepStrictEqual(i.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
        assert.deepStrictEqual(i.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: true });
        assert.deepStrictEqual(i.masterAuthorizedNetworksConfig, {
            cidrBlocks: [{ cidrBlock: "10.20.0.0/24", displayName: "dataops 10.20.0.0/24" }],
            gcpPublicCidrsAccessEnabled: false,
            privateEndpointEnforcementEnabled: true,
        });
        assert.strictEqual(i.datapathProvider, "ADVANCED_DATAPATH");
        assert.strictEqual(i.networkPolicy, undefined);
        assert.deepStrictEqual(i.workloadIdentityConfig, { workloadPool: `${PROJECT}.svc.id.goog` });
    });

    it("encrypts Secrets with a rotated Cloud KMS key the GKE service agent may use", () => {
        const ring = res.get("gcp:kms/keyRing:KeyRing", "cluster-keyring");
        // Key rings are never deleted: the random suffix (mocked as "mockcl") makes the name unique per stack incarnation.
        assert.deepStrictEqual(ring.inputs, { project: PROJECT, location: "europe-west1", name: "dataops-prod-gcp-mockcl" });
        const key = res.get("gcp:kms/cryptoKey:CryptoKey", "cluster-secrets-key");
        assert.deepStrictEqual(key.inputs, {
            keyRing: "cluster-keyring-id",
            name: "gke-secrets",
            purpose: "ENCRYPT_DECRYPT",
            rotationPeriod: "7776000s",
            labels: { "part-of": "dataops", "managed-by": "pulumi", stack: "prod-gcp" },
        });
        const grant = res.get("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "cluster-secrets-key-gke");
        assert.deepStrictEqual(grant.inputs, {
            cryptoKeyId: "cluster-secrets-key-id",
            role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member: `serviceAccount:service-${MOCK_GCP_PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com`,
        });
        assert.deepStrictEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: "cluster-secrets-key-id" });
        assert.ok(cluster.dependencies.includes(grant.urn), "the cluster must wait for the key grant");
    });

    it("sets release channel, maintenance window, hardening, logging, monitoring, Google Groups RBAC and deletion protection", () => {
        const i = cluster.inputs;
        assert.deepStrictEqual(i.releaseChannel, { channel: "REGULAR" });
        assert.strictEqual(i.minMasterVersion, "1.34");
        assert.deepStrictEqual(i.maintenancePolicy, {
            recurringWindow: { startTime: "2025-01-04T01:00:00Z", endTime: "2025-01-04T09:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
        });
        assert.strictEqual(i.removeDefaultNodePool, true);
        assert.strictEqual(i.initialNodeCount, 1);
        assert.strictEqual(i.enableShieldedNodes, true);
        assert.strictEqual(i.enableLegacyAbac, false);
        assert.deepStrictEqual(i.masterAuth, { clientCertificateConfig: { issueClientCertificate: false } });
        assert.deepStrictEqual(i.loggingConfig, {
            enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"],
        });
        assert.deepStrictEqual(i.monitoringConfig, {
            enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"],
            managedPrometheus: { enabled: false },
        });
        assert.deepStrictEqual(i.authenticatorGroupsConfig, { securityGroup: "gke-security-groups@example.com" });
        assert.deepStrictEqual(i.addonsConfig, {
            gcePersistentDiskCsiDriverConfig: { enabled: true },
            httpLoadBalancing: { disabled: false },
            horizontalPodAutoscaling: { disabled: false },
        });
        assert.strictEqual(i.deletionProtection, true);
        assert.deepStrictEqual(i.nodeConfig, {
            serviceAccount: NODE_SA,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            workloadMetadataConfig: { mode: "GKE_METADATA" },
        });
        assert.deepStrictEqual(cluster.ignoreChanges, ["nodeConfig", "initialNodeCount"]);
    });

    it("runs nodes as a dedicated service account with only the GKE node role", () => {
        const sa = res.get("gcp:serviceaccount/account:Account", "cluster-nodes");
        assert.deepStrictEqual(sa.inputs, { project: PROJECT, accountId: "dataops-prod-gcp-nodes", displayName: "GKE nodes of dataops-prod-gcp" });
        assert.deepStrictEqual(
            res.ofType("gcp:projects/iAMMember:IAMMember").map((m) => [m.name, m.inputs]),
            [["cluster-nodes-container.defaultNodeServiceAccount", { project: PROJECT, role: "roles/container.defaultNodeServiceAccount", member: `serviceAccount:${NODE_SA}` }]],
        );
    });

    it("creates the profile's node pools with GKE_METADATA, shielded nodes, auto-repair/upgrade and surge upgrades", () => {
        const pools = res.ofType("gcp:container/nodePool:NodePool");
        assert.deepStrictEqual(pools.map((p) => p.name).sort(), ["cluster-pool-kafka", "cluster-pool-platform", "cluster-pool-spark", "cluster-pool-system"]);
        const pool = (n: string) => pools.find((p) => p.name === `cluster-pool-${n}`)!;
        const expected = (
            name: string,
            machineType: string,
            min: number,
            max: number,
            purposes: string[],
            taints: { key: string; value: string; effect: string }[],
            spot = false,
        ) => ({
            project: PROJECT,
            location: "europe-west1",
            cluster: "dataops-prod-gcp",
            // A suffix following the create-only settings, so a replacement pool is created before the old one is deleted.
            name: gkePoolName({ name, machineType, minNodes: min, maxNodes: max, spot }),
            initialNodeCount: Math.ceil(min / 3),
            autoscaling: { totalMinNodeCount: min, totalMaxNodeCount: max, locationPolicy: spot ? "ANY" : "BALANCED" },
            management: { autoRepair: true, autoUpgrade: true },
            upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
            nodeConfig: {
                machineType,
                diskSizeGb: 100,
                diskType: "pd-balanced",
                imageType: "COS_CONTAINERD",
                spot,
                labels: {
                    "dataops.io/pool": name,
                    ...Object.fromEntries(purposes.map((p) => [`purpose.dataops.io/${p}`, "true"])),
                    ...(spot ? { "cloud.google.com/compute-class": "dataops-spark-executor" } : {}),
                },
                taints,
                serviceAccount: NODE_SA,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                metadata: { "disable-legacy-endpoints": "true" },
                resourceLabels: { "part-of": "dataops", "managed-by": "pulumi", stack: "prod-gcp" },
            },
        });
        const dedicated = (p: string) => ({ key: "dataops.io/dedicated", value: p, effect: "NO_SCHEDULE" });
        assert.deepStrictEqual(pool("system").inputs, expected("system", "e2-standard-2", 3, 6, ["system"], [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]));
        assert.deepStrictEqual(pool("platform").inputs, expected("platform", "n2-standard-8", 2, 8, ["platform", "spark-driver"], []));
        assert.deepStrictEqual(pool("kafka").inputs, expected("kafka", "n2-standard-8", 3, 6, ["kafka"], [dedicated("kafka")]));
        assert.deepStrictEqual(
            pool("spark").inputs,
            expected("spark", "n2-standard-8", 0, 20, ["spark-executor"], [dedicated("spark-executor"), { key: "cloud.google.com/compute-class", value: "dataops-spark-executor", effect: "NO_SCHEDULE" }], true),
        );
        for (const p of pools) {
            assert.deepStrictEqual(p.ignoreChanges, ["initialNodeCount", "nodeCount"]);
            assert.ok(p.dependencies.includes(cluster.urn));
        }
    });

    it("gives Airflow a Google SA and each Spark account its own principal, both limited to their prefixes of the bucket", () => {
        const bucket = res.get("gcp:storage/bucket:Bucket", "cluster-data");
        assert.deepStrictEqual(bucket.inputs, {
            project: PROJECT,
            name: "acme-dataops-prod-dataops-prod-gcp-data",
            location: "EUROPE-WEST1",
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            versioning: { enabled: true },
            forceDestroy: false,
            labels: { "part-of": "dataops", "managed-by": "pulumi", stack: "prod-gcp" },
        });
        assert.deepStrictEqual(res.get("gcp:serviceaccount/account:Account", "cluster-data-sa").inputs, {
            project: PROJECT,
            accountId: "dataops-prod-gcp-data",
            displayName: "Airflow and Spark of dataops-prod-gcp (bucket access)",
        });
        // No grant on the whole bucket: the platform's account uses Airflow's logs and the shared prefix, each Spark
        // account its namespace's prefix, as a Workload Identity principal of its own.
        assert.deepStrictEqual(res.ofType("gcp:storage/bucketIAMMember:BucketIAMMember"), []);
        assert.deepStrictEqual(
            res.ofType("gcp:storage/managedFolder:ManagedFolder").map((f) => [f.inputs.bucket, f.inputs.name, f.inputs.forceDestroy]),
            [
                ["acme-dataops-prod-dataops-prod-gcp-data", "airflow-logs/", false],
                ["acme-dataops-prod-dataops-prod-gcp-data", "shared/", false],
                ["acme-dataops-prod-dataops-prod-gcp-data", "teams/analytics/", false],
            ],
        );
        const pool = `principal://iam.googleapis.com/projects/${MOCK_GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject`;
        assert.deepStrictEqual(
            res.ofType("gcp:storage/managedFolderIamMember:ManagedFolderIamMember").map((m) => [m.inputs.managedFolder, m.inputs.role, m.inputs.member]),
            [
                ["airflow-logs/", "roles/storage.objectUser", `serviceAccount:${DATA_SA}`],
                ["shared/", "roles/storage.objectUser", `serviceAccount:${DATA_SA}`],
                ["shared/", "roles/storage.objectUser", `${pool}/ns/spark-jobs/sa/spark`],
                ["teams/analytics/", "roles/storage.objectUser", `${pool}/ns/analytics-jobs/sa/spark`],
            ],
        );
        // Pods reach GCS on Private Google Access's range: *.googleapis.com answers with private.googleapis.com.
        assert.deepStrictEqual(
            res
                .ofType("gcp:dns/recordSet:RecordSet")
                .map((r) => [r.inputs.name, r.inputs.type, r.inputs.rrdatas])
                .sort(),
            [
                ["*.googleapis.com.", "CNAME", ["private.googleapis.com."]],
                ["private.googleapis.com.", "A", ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]],
            ],
        );
        const zone = res.get("gcp:dns/managedZone:ManagedZone", "cluster-googleapis").inputs;
        assert.deepStrictEqual([zone.name, zone.dnsName, zone.visibility], ["dataops-prod-gcp-googleapis", "googleapis.com.", "private"]);
        const wi = res.get("gcp:serviceaccount/iAMBinding:IAMBinding", "cluster-data-wi");
        const m = (ns: string, sa: string) => `serviceAccount:${PROJECT}.svc.id.goog[${ns}/${sa}]`;
        assert.deepStrictEqual(wi.inputs, {
            serviceAccountId: `projects/${PROJECT}/serviceAccounts/${DATA_SA}`,
            role: "roles/iam.workloadIdentityUser",
            members: [
                m("airflow", "airflow-worker"),
                m("airflow", "airflow-scheduler"),
                m("airflow", "airflow-triggerer"),
                m("airflow", "airflow-api-server"),
                m("airflow", "airflow-dag-processor"),
            ],
        });
        assert.ok(wi.dependencies.includes(cluster.urn), "the workload pool exists only once the cluster does");
    });

    it("creates the platform StorageClass on pd-balanced with WaitForFirstConsumer, expansion and Retain", () => {
        const sc = res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-storageclass");
        assert.deepStrictEqual(sc.inputs, {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "dataops-pd-balanced", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "dataops" } },
            provisioner: "pd.csi.storage.gke.io",
            parameters: { type: "pd-balanced" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        });
    });

    it("feeds the Kubernetes provider a secret exec-plugin kubeconfig pointing at the DNS endpoint (the IP endpoint is private)", () => {
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        assert.strictEqual(provider.parent, res.get("dataops:cluster:Gke", "cluster").urn);
        assert.deepStrictEqual(provider.secretPaths, ["kubeconfig"]);
        // The kubernetes provider's inputs arrive serialized as strings.
        assert.strictEqual(provider.inputs.enableServerSideApply, "true");
        // Mock ids are `<name>-id`; a kubeconfig change (CA rotation) must not replace the provider.
        assert.strictEqual(provider.inputs.clusterIdentifier, "cluster-gke-id");
        const kc = JSON.parse(provider.inputs.kubeconfig);
        assert.deepStrictEqual(kc.clusters[0].cluster, { server: `https://${MOCK_GKE_DNS_ENDPOINT}`, "certificate-authority-data": MOCK_GKE_CA });
        assert.strictEqual(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
        assert.deepStrictEqual(Object.keys(kc.users[0].user), ["exec"], "no token or client certificate in state");
        assert.strictEqual(kc["current-context"], "gke_acme-dataops-prod_europe-west1_dataops-prod-gcp");
    });

    it("puts every Kubernetes resource on the GKE provider", () => {
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8s.length > 0);
        // A provider reference is `<urn>::<id>` and URNs contain "::" themselves, so compare the prefix.
        assert.deepStrictEqual(
            k8s.filter((r) => !r.provider.startsWith(`${provider.urn}::`)).map((r) => `${r.type}::${r.name}`),
            [],
        );
    });

    it("protects exactly the stateful cloud resources: cluster, KMS key ring and keys, data bucket, metadata database", () => {
        assert.deepStrictEqual(
            run.resources.filter((r) => r.protect && r.type.startsWith("gcp:")).map((r) => r.name).sort(),
            ["cluster-airflow-db-instance", "cluster-airflow-db-key", "cluster-data", "cluster-gke", "cluster-keyring", "cluster-secrets-key"],
        );
    });

    it("parents every resource under the Gke component with ${name}-<role> names", () => {
        const component = res.get("dataops:cluster:Gke", "cluster");
        const inside = (r: RecordedResource): boolean => r.parent === component.urn || (!!res.byUrn(r.parent) && inside(res.byUrn(r.parent)!));
        const own = run.resources.filter(
            (r) => r.type.startsWith("gcp:") || r.name === "cluster-k8s" || r.name === "cluster-storageclass",
        );
        // The cluster (with the key ring's per-stack suffix, the executor ComputeClass and the data bucket's managed folders),
        // plus 8 for Airflow's managed metadata database (tests/database.test.ts),
        // and 3 for cert-manager's DNS-01 service account, its zone grant and Workload Identity binding.
        assert.strictEqual(own.length, 38 + 3);
        assert.deepStrictEqual(own.filter((r) => !inside(r) || !r.name.startsWith("cluster-")).map((r) => r.name), []);
    });

    it("lets the control plane reach the Spark operator's webhook on the nodes", async () => {
        const fw = res.get("gcp:compute/firewall:Firewall", "cluster-webhooks").inputs;
        assert.deepStrictEqual(
            { direction: fw.direction, sourceRanges: fw.sourceRanges, allows: fw.allows, targets: fw.targetServiceAccounts.length },
            { direction: "INGRESS", sourceRanges: [`${MOCK_GKE_PRIVATE_ENDPOINT}/32`], allows: [{ protocol: "tcp", ports: ["9443"] }], targets: 1 },
        );
    });

    it("describes the cluster to the platform (ClusterInfo) and lists what releases wait for", async () => {
        const info = target.info;
        assert.strictEqual(info.cloud, "gcp");
        assert.strictEqual(info.managedControlPlane, true);
        assert.strictEqual(info.storageClass, "dataops-pd-balanced");
        assert.deepStrictEqual(await Promise.all(info.apiServer.cidrs.map((c) => valueOf(c))), [`${MOCK_GKE_PRIVATE_ENDPOINT}/32`]);
        assert.deepStrictEqual(info.apiServer.ports, [443]);
        assert.deepStrictEqual(info.networkCidrs, ["10.10.0.0/16"]);
        assert.strictEqual(info.zoneTopologyKey, "topology.kubernetes.io/zone");
        assert.strictEqual(info.networkPolicyEnforced, true);
        assert.strictEqual(info.kubeProxy, false);
        const airflow = info.workloadIdentity!.airflow;
        assert.deepStrictEqual(airflow.podLabels, {});
        assert.deepStrictEqual(Object.keys(airflow.serviceAccountAnnotations), ["iam.gke.io/gcp-service-account"]);
        assert.strictEqual(await valueOf(airflow.serviceAccountAnnotations["iam.gke.io/gcp-service-account"]), DATA_SA);
        assert.deepStrictEqual(info.workloadIdentity!.spark, { serviceAccountAnnotations: {}, podLabels: {} });
        assert.deepStrictEqual(info.dataStore!.endpoints, { cidrs: ["199.36.153.8/30"], port: 443 });
        assert.strictEqual(info.dataStore!.kind, "gcs");
        assert.strictEqual(await valueOf(info.dataStore!.bucket), "acme-dataops-prod-dataops-prod-gcp-data");
        assert.strictEqual(await valueOf(info.dataStore!.logsUrl), "gs://acme-dataops-prod-dataops-prod-gcp-data/airflow-logs");
        const urns = await Promise.all(target.ready.map((r) => valueOf(r.urn)));
        assert.deepStrictEqual(
            urns.map((u) => u!.slice(u!.lastIndexOf("::") + 2)),
            [
                "cluster-gke",
                "cluster-pool-system",
                "cluster-pool-platform",
                "cluster-pool-kafka",
                "cluster-pool-spark",
                "cluster-webhooks",
                "cluster-storageclass",
                "cluster-computeclass-executors",
                "cluster-folder-airflow-logs-platform",
                "cluster-folder-shared-platform",
                "cluster-folder-shared-spark-jobs-spark",
                "cluster-folder-teams-analytics-analytics-jobs-spark",
                "cluster-googleapis-private",
                "cluster-googleapis-wildcard",
                "cluster-data-wi",
                "cluster-iam-propagation",
                "cluster-dns01-zone",
                "cluster-dns01-wi",
            ],
        );
        assert.strictEqual(await valueOf(target.kubeconfig.apply((k) => JSON.parse(k)["current-context"])), "gke_acme-dataops-prod_europe-west1_dataops-prod-gcp");
    });
});

describe("GKE dev stack under mocks (Pulumi.dev-gcp.yaml)", () => {
    let run: Run;
    let res: Resources;
    before(async () => {
        run = await runStack("dev-gcp");
        res = new Resources(run.resources);
    });

    it("creates a zonal cluster with a public endpoint, private nodes and no KMS key", () => {
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(run.unknownCalls, []);
        const c = res.get("gcp:container/cluster:Cluster", "cluster-gke").inputs;
        assert.strictEqual(c.location, "europe-west1-b");
        assert.deepStrictEqual(c.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: false });
        assert.strictEqual(c.masterAuthorizedNetworksConfig, undefined);
        assert.deepStrictEqual(c.databaseEncryption, { state: "DECRYPTED" });
        assert.strictEqual(c.deletionProtection, false);
        assert.strictEqual(c.datapathProvider, "ADVANCED_DATAPATH");
        assert.deepStrictEqual(res.ofType("gcp:kms/keyRing:KeyRing"), []);
        assert.strictEqual(res.get("gcp:compute/subnetwork:Subnetwork", "cluster-subnet").inputs.logConfig, undefined);
        const kc = JSON.parse(res.get("pulumi:providers:kubernetes", "cluster-k8s").inputs.kubeconfig);
        assert.strictEqual(kc.clusters[0].cluster.server, `https://${MOCK_GKE_PUBLIC_ENDPOINT}`);
    });

    it("runs one zonal Spot pool that scales from 1 to 3 nodes and Spot executors from zero", () => {
        const pools = res.ofType("gcp:container/nodePool:NodePool");
        assert.deepStrictEqual(
            pools.map((p) => [p.name, p.inputs.location, p.inputs.initialNodeCount, p.inputs.autoscaling, p.inputs.nodeConfig.spot, p.inputs.nodeConfig.machineType]),
            [
                ["cluster-pool-general", "europe-west1-b", 1, { totalMinNodeCount: 1, totalMaxNodeCount: 3, locationPolicy: "ANY" }, true, "e2-standard-4"],
                ["cluster-pool-spark", "europe-west1-b", 0, { totalMinNodeCount: 0, totalMaxNodeCount: 5, locationPolicy: "ANY" }, true, "e2-standard-4"],
            ],
        );
    });

    it("protects nothing and lets destroy empty the bucket", () => {
        assert.deepStrictEqual(run.resources.filter((r) => r.protect).map((r) => r.name), []);
        const b = res.get("gcp:storage/bucket:Bucket", "cluster-data").inputs;
        assert.strictEqual(b.forceDestroy, true);
        assert.deepStrictEqual(b.versioning, { enabled: false });
        assert.strictEqual(res.get("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-storageclass").inputs.reclaimPolicy, "Delete");
    });
});

describe("GKE on an existing network and bucket", () => {
    it("creates no network, NAT or bucket and lets GKE add the pod and service ranges", async () => {
        const run = await runIndex("dev-shared", {
            ...GCP,
            "dataops:gcp": obj({ network: "projects/acme/global/networks/shared", subnetwork: "projects/acme/regions/europe-west1/subnetworks/gke", dataBucket: "acme-lake" }),
        });
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        for (const t of ["gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork", "gcp:compute/router:Router", "gcp:compute/routerNat:RouterNat", "gcp:storage/bucket:Bucket"]) {
            assert.deepStrictEqual(res.ofType(t), [], t);
        }
        const c = res.get("gcp:container/cluster:Cluster", "cluster-gke").inputs;
        assert.strictEqual(c.network, "projects/acme/global/networks/shared");
        assert.strictEqual(c.subnetwork, "projects/acme/regions/europe-west1/subnetworks/gke");
        assert.deepStrictEqual(c.ipAllocationPolicy, { clusterIpv4CidrBlock: "10.244.0.0/14", servicesIpv4CidrBlock: "10.96.0.0/16" });
        assert.strictEqual(res.get("gcp:storage/managedFolder:ManagedFolder", "cluster-folder-shared").inputs.bucket, "acme-lake");
        // An existing network keeps its own DNS: no googleapis zone is created in it.
        assert.deepStrictEqual(res.ofType("gcp:dns/managedZone:ManagedZone"), []);
        // Monitoring reaches the nodes in the existing subnetwork's range (looked up), not the unused networkCidr default.
        const toNodes = res.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "platform-ns-monitoring-allow-to-nodes");
        assert.deepStrictEqual(toNodes.inputs.spec.egress[0].to, [{ ipBlock: { cidr: "10.30.0.0/20" } }]);
    });

    it("skips the Workload Identity binding when neither Airflow nor Spark is enabled", async () => {
        const run = await runIndex("dev", { ...GCP, "dataops:airflow": obj({ enabled: false }), "dataops:spark": obj({ enabled: false }) });
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(new Resources(run.resources).ofType("gcp:serviceaccount/iAMBinding:IAMBinding"), []);
    });
});

describe("bad GCP config registers nothing", () => {
    const cases: [string, Record<string, string>, string][] = [
        [
            "no gcp:project",
            { "dataops:cloud": "gcp", "gcp:region": "europe-west1" },
            "gcp:project: is required when dataops:cloud is gcp: it is the project the cluster is created in. Fix: pulumi config set gcp:project <your-project-id>",
        ],
        [
            "a project name instead of its ID",
            { ...GCP, "gcp:project": "My Project" },
            'gcp:project = "My Project": is not a valid project ID (6-30 characters: lowercase letters, digits and hyphens, starting ' +
                "with a letter; the project ID, not its display name or number). Fix: copy the ID from `gcloud projects list` and run " +
                "pulumi config set gcp:project <id>",
        ],
    ];
    for (const [title, config, line] of cases) {
        it(`${title}: one ConfigError saying what to set, zero resources`, async () => {
            const run = await runIndex("prod-gcp", config);
            assert.strictEqual(run.resources.length, 0);
            assert.strictEqual(run.error?.name, "ConfigError");
            assert.deepStrictEqual(run.error.message.split("\n").slice(0, 2), [
                'Stack "prod-gcp" has 1 configuration problem; nothing was created.',
                `  1. ${line}`,
            ]);
        });
    }
});
