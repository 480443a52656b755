// AKS target without mocks: resolved args per profile, address plan, names, pool profiles, kubeconfig, and the config
// rules of stacks/clouds/azure.ts (each asserted as the full message a user sees).
import * as assert from "assert";
import {
    agentPoolProperties,
    aksArgsFrom,
    aksArgsProblems,
    AksClusterArgs,
    apiServerEndpoint,
    dnsServiceIp,
    globalName,
    kubeloginKubeconfig,
    nodeSubnetCidr,
    roleDefinitionId,
    splitPools,
} from "../components/cluster/aks/settings";
import { loadConfig } from "../stacks/config";
import { formatProblem } from "../stacks/problems";
import { stackFileConfig } from "./harness";
import { mockUserKubeconfig, MOCK_AZURE } from "./mocks/azure";
import { configProblems } from "./config-problems";

const base = { "dataops:cloud": "azure", "azure-native:location": "westeurope" };
const obj = (v: unknown) => JSON.stringify(v);

const problemsOf = (raw: Record<string, string>, stack = "dev"): string[] => configProblems({ ...base, ...raw }, stack).map(formatProblem);

function argsOf(stack: string): AksClusterArgs {
    const { config } = stackFileConfig(stack);
    return aksArgsFrom(loadConfig(config, stack).config);
}

describe("AKS args per profile", () => {
    it("prod: private, Standard tier, KMS, encryption at host, zones 1-3, kube-audit for 90 days, ZRS storage, protected", () => {
        const a = argsOf("prod-azure");
        assert.strictEqual(a.clusterName, "dataops-prod-azure");
        assert.strictEqual(a.privateCluster, true);
        assert.deepStrictEqual(a.authorizedCidrs, []);
        assert.strictEqual(a.tier, "Standard");
        assert.strictEqual(a.etcdKms, true);
        assert.strictEqual(a.encryptionAtHost, true);
        assert.deepStrictEqual(a.zones, ["1", "2", "3"]);
        assert.deepStrictEqual(a.logCategories, ["kube-apiserver", "kube-audit", "kube-controller-manager", "cluster-autoscaler", "guard"]);
        assert.strictEqual(a.logRetentionDays, 90);
        assert.strictEqual(a.storageSku, "Standard_ZRS");
        assert.deepStrictEqual(a.storageClass, { name: "dataops-disk", skuName: "Premium_LRS", reclaimPolicy: "Retain" });
        assert.strictEqual(a.protect, true);
        // Team-owned namespaces are federated with their team's identity, not the shared one.
        assert.deepStrictEqual(a.federated.spark, [{ namespace: "spark-jobs", serviceAccount: "spark" }]);
        assert.deepStrictEqual(a.teamStorage, [{ team: "analytics", namespaces: ["analytics-jobs"] }]);
        assert.deepStrictEqual(
            a.federated.airflow.map((s) => `${s.namespace}/${s.serviceAccount}`),
            ["airflow/airflow-worker", "airflow/airflow-scheduler", "airflow/airflow-triggerer", "airflow/airflow-api-server", "airflow/airflow-dag-processor"],
        );
    });

    it("dev: public with authorized ranges, Free tier, no KMS, regional, kube-audit-admin for 30 days, LRS, unprotected", () => {
        const a = argsOf("dev-azure");
        assert.strictEqual(a.privateCluster, false);
        assert.deepStrictEqual(a.authorizedCidrs, ["203.0.113.0/24"]);
        assert.strictEqual(a.tier, "Free");
        assert.strictEqual(a.etcdKms, false);
        assert.strictEqual(a.encryptionAtHost, false);
        assert.deepStrictEqual(a.zones, []);
        assert.deepStrictEqual(a.logCategories, ["kube-audit-admin", "guard"]);
        assert.strictEqual(a.logRetentionDays, 30);
        assert.strictEqual(a.storageSku, "Standard_LRS");
        assert.deepStrictEqual(a.storageClass, { name: "dataops-disk", skuName: "StandardSSD_LRS", reclaimPolicy: "Delete" });
        assert.strictEqual(a.protect, false);
    });

    it("runs the dev profile's System pool on regular VMs (AKS System pools cannot be Spot) and Spot executors from zero", () => {
        const a = argsOf("dev-azure");
        const purposeLabels = (ps: string[]) => Object.fromEntries(ps.map((p) => [`purpose.dataops.io/${p}`, "true"]));
        const general = ["system", "platform", "kafka", "spark-driver"];
        assert.deepStrictEqual(a.nodePools, [
            {
                name: "general",
                machineType: "Standard_D4s_v5",
                minNodes: 1,
                maxNodes: 3,
                spot: false,
                system: true,
                purposes: general,
                labels: { "dataops.io/pool": "general", ...purposeLabels(general) },
                taints: undefined,
            },
            {
                name: "spark",
                machineType: "Standard_D4s_v5",
                minNodes: 0,
                maxNodes: 5,
                spot: true,
                purposes: ["spark-executor"],
                labels: { "dataops.io/pool": "spark", ...purposeLabels(["spark-executor"]) },
                taints: [{ key: "dataops.io/dedicated", value: "spark-executor", effect: "NoSchedule" }],
            },
        ]);
    });

    it("skips federated credentials when workload identity is off, and for disabled workloads", () => {
        const off = aksArgsFrom(loadConfig({ ...base, "dataops:azure": obj({ workloadIdentity: false }) }, "dev").config);
        assert.deepStrictEqual(off.federated, { airflow: [], spark: [] });
        const noSpark = aksArgsFrom(loadConfig({ ...base, "dataops:spark": obj({ enabled: false }) }, "dev").config);
        assert.deepStrictEqual(noSpark.federated.spark, []);
        assert.strictEqual(noSpark.federated.airflow.length, 5);
    });

    it("component-level validation lists every problem of hand-written args", () => {
        const a = argsOf("dev-azure");
        const bad: AksClusterArgs = {
            ...a,
            location: "",
            oidcIssuer: false,
            privateCluster: true,
            network: { networkCidr: "10.0.0.0/16", podCidr: "10.0.0.0/16", serviceCidr: "172.31.0.0/16" },
            nodePools: [{ name: "data", minNodes: 3, maxNodes: 2 }],
        };
        assert.deepStrictEqual(aksArgsProblems(bad).map(formatProblem), [
            "location: is required (azure-native:location). Fix: pulumi config set azure-native:location westeurope",
            "network.podCidr = \"10.0.0.0/16\": overlaps network.networkCidr = 10.0.0.0/16; node, pod and service ranges must be disjoint. " +
                "Fix: pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.",
            "network.serviceCidr = \"172.31.0.0/16\": overlaps 172.31.0.0/16, which AKS reserves (169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24). " +
                "Fix: use a range inside 10.0.0.0/8 that avoids the reserved ones, e.g. 10.10.0.0/16.",
            "nodePools = [\"data\"]: has no System pool; AKS needs one (system: true) for CoreDNS, konnectivity and metrics-server. " +
                "Fix: set system: true on one pool with minNodes >= 1 and spot off.",
            "nodePools[0].minNodes = 3: is greater than maxNodes (2) of pool \"data\". Fix: set minNodes <= maxNodes.",
            "azure.workloadIdentity = true: needs the cluster's OIDC issuer, but azure.oidcIssuer is false. " +
                "Fix: set azure.oidcIssuer to true, or azure.workloadIdentity to false (Airflow and Spark then get no storage access).",
            "authorizedCidrs = [\"203.0.113.0/24\"]: only apply to a public API endpoint, but privateCluster is true. " +
                "Fix: drop authorizedCidrs or make the endpoint public.",
        ]);
    });
});

describe("AKS pure helpers", () => {
    it("carves the node subnet as the first half of the VNet and puts CoreDNS on the 10th service address", () => {
        assert.strictEqual(nodeSubnetCidr("10.20.0.0/16"), "10.20.0.0/17");
        assert.strictEqual(nodeSubnetCidr("10.1.2.0/23"), "10.1.2.0/24");
        assert.strictEqual(dnsServiceIp("10.96.0.0/16"), "10.96.0.10");
        assert.strictEqual(dnsServiceIp("172.16.4.0/24"), "172.16.4.10");
    });

    it("derives stable, valid, per-subscription global names for the storage account and the key vault", () => {
        const st = globalName("st", "dataops-prod-azure", MOCK_AZURE.subscriptionId);
        const kv = globalName("kv", "dataops-prod-azure", MOCK_AZURE.subscriptionId);
        assert.strictEqual(st, "stdataopsproda2f026ff1");
        assert.strictEqual(kv, "kvdataopsproda7cff36ef");
        assert.match(st, /^[a-z0-9]{3,24}$/);
        assert.notStrictEqual(globalName("st", "dataops-prod-azure", "00000000-0000-4000-8000-00000000ffff"), st);
    });

    it("builds subscription-scoped built-in role definition IDs", () => {
        assert.strictEqual(
            roleDefinitionId("sub-1", "storageBlobDataContributor"),
            "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        );
        assert.strictEqual(
            roleDefinitionId("sub-1", "aksRbacClusterAdmin"),
            "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        );
    });

    it("maps a spot User pool: Spot priority, Delete eviction, on-demand price cap, taints, no surge settings", () => {
        const a = argsOf("prod-azure");
        const spark = a.nodePools.find((p) => p.name === "spark")!;
        assert.deepStrictEqual(agentPoolProperties(a, spark, "subnet-id"), {
            mode: "User",
            vmSize: "Standard_D8s_v5",
            osType: "Linux",
            osSKU: "AzureLinux",
            osDiskSizeGB: undefined,
            orchestratorVersion: "1.34",
            type: "VirtualMachineScaleSets",
            vnetSubnetID: "subnet-id",
            availabilityZones: ["1", "2", "3"],
            enableAutoScaling: true,
            minCount: 0,
            maxCount: 20,
            count: 0,
            enableNodePublicIP: false,
            enableEncryptionAtHost: true,
            scaleSetPriority: "Spot",
            scaleSetEvictionPolicy: "Delete",
            spotMaxPrice: -1,
            // AKS's own Spot label and taint are declared so refresh and update agree with the cluster.
            nodeLabels: { "dataops.io/pool": "spark", "purpose.dataops.io/spark-executor": "true", "kubernetes.azure.com/scalesetpriority": "spot" },
            nodeTaints: [
                "dataops.io/spark=true:NoSchedule",
                "dataops.io/dedicated=spark-executor:NoSchedule",
                "kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
            ],
            upgradeSettings: undefined,
            tags: { "dataops-project": "dataops", "dataops-stack": "prod-azure", "managed-by": "pulumi" },
        });
    });

    it("maps a regular System pool with surge upgrades, and keeps the first System pool inline", () => {
        const a = argsOf("prod-azure");
        const { inline, separate } = splitPools(a.nodePools);
        assert.strictEqual(inline.name, "system");
        assert.deepStrictEqual(separate.map((p) => p.name), ["data", "spark"]);
        const p = agentPoolProperties(a, inline, "subnet-id");
        assert.strictEqual(p.mode, "System");
        assert.strictEqual(p.scaleSetPriority, "Regular");
        assert.strictEqual(p.scaleSetEvictionPolicy, undefined);
        assert.deepStrictEqual(p.upgradeSettings, { maxSurge: "33%", drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 });
        const dev = argsOf("dev-azure");
        assert.deepStrictEqual(agentPoolProperties(dev, dev.nodePools[0], "s").upgradeSettings, {
            maxSurge: "1",
            drainTimeoutInMinutes: 30,
            nodeSoakDurationInMinutes: 0,
        });
        assert.strictEqual(agentPoolProperties(dev, dev.nodePools[0], "s").availabilityZones, undefined);
    });

    it("rewrites the AKS user kubeconfig to kubelogin azurecli with no token in it", () => {
        const out = JSON.parse(kubeloginKubeconfig(mockUserKubeconfig("c1"), "c1"));
        assert.deepStrictEqual(out.clusters, [
            { name: "c1", cluster: { server: "https://c1-mock.privatelink.westeurope.azmk8s.io:443", "certificate-authority-data": MOCK_AZURE.caData } },
        ]);
        assert.strictEqual(out["current-context"], "c1");
        assert.deepStrictEqual(out.users[0].user.exec.args, ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]);
        assert.strictEqual(out.users[0].user.exec.command, "kubelogin");
        assert.strictEqual(out.users[0].user.token, undefined);
        assert.throws(() => kubeloginKubeconfig("apiVersion: v1\n", "c1"), /the AKS user kubeconfig of c1 has no server/);
    });

    it("points the API egress policy at the node subnet for a private cluster and at any address for a public one", () => {
        // Prod is private with API server VNet integration: the API's internal address is in the delegated /28.
        assert.deepStrictEqual(apiServerEndpoint(argsOf("prod-azure")), { cidrs: ["10.20.128.0/28"], ports: [443] });
        assert.deepStrictEqual(apiServerEndpoint({ ...argsOf("prod-azure"), apiServerVnetIntegration: false }), { cidrs: ["10.20.0.0/17"], ports: [443] });
        assert.deepStrictEqual(apiServerEndpoint(argsOf("dev-azure")), { cidrs: ["0.0.0.0/0"], ports: [443] });
    });
});

describe("Azure config rules (validateAzure)", () => {
    it("accepts both shipped Azure stacks; prod's metadata database is managed, dev only flags its example range", () => {
        assert.deepStrictEqual(loadConfig(stackFileConfig("prod-azure").config, "prod-azure").warnings, []);
        assert.deepStrictEqual(loadConfig(stackFileConfig("dev-azure").config, "dev-azure").warnings, [
            "dataops:cluster.authorizedCidrs[0] = 203.0.113.0/24 is inside 203.0.113.0/24, a documentation range (RFC 5737) that examples use; " +
                "no real network has these addresses. Replace it with your own range (VPN, office, CI runners).",
        ]);
    });

    it("rejects an upgrade channel that would move the pinned minor version", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:azure": obj({ upgradeChannel: "stable" }) }), [
            'dataops:azure.upgradeChannel = "stable": moves the cluster to new Kubernetes minor versions, while dataops:cluster.kubernetesVersion pins the minor: ' +
                "the next pulumi up would try to downgrade, which AKS refuses. Fix: use patch (the default) or none, and raise dataops:cluster.kubernetesVersion to upgrade.",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:azure": obj({ upgradeChannel: "none" }) }), []);
    });

    it("rejects a range AKS reserves, naming the key", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cluster": obj({ networkCidr: "172.30.0.0/16" }) }), [
            'dataops:cluster.networkCidr = "172.30.0.0/16": overlaps 172.30.0.0/16, which AKS reserves (169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24). ' +
                "Fix: use a range inside 10.0.0.0/8 that avoids the reserved ones, e.g. 10.10.0.0/16.",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cluster": obj({ serviceCidr: "192.0.2.0/24" }) }), [
            'dataops:cluster.serviceCidr = "192.0.2.0/24": overlaps 192.0.2.0/24, which AKS reserves (169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24). ' +
                "Fix: use a range inside 10.0.0.0/8 that avoids the reserved ones, e.g. 10.10.0.0/16.",
        ]);
    });

    it("rejects overlapping ranges naming both keys", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cluster": obj({ networkCidr: "10.96.0.0/12" }) }), [
            'dataops:cluster.serviceCidr (default 10.96.0.0/16) = "10.96.0.0/16": overlaps dataops:cluster.networkCidr = 10.96.0.0/12; ' +
                "node, pod and service ranges must be disjoint. Fix: pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.",
        ]);
    });

    it("rejects a VNet too small for the node subnet, a service range above /12 and a pod range too small for the pools", () => {
        assert.deepStrictEqual(
            problemsOf({ "dataops:cluster": obj({ networkCidr: "10.10.0.0/24", serviceCidr: "10.128.0.0/11", podCidr: "10.244.0.0/24" }) }),
            [
                'dataops:cluster.networkCidr = "10.10.0.0/24": is smaller than a /23; the AKS node subnet takes its first half and needs at least a /24. ' +
                    "Fix: use a /16 to /23 range, e.g. 10.10.0.0/16.",
                'dataops:cluster.serviceCidr = "10.128.0.0/11": is larger than a /12, the biggest service range Kubernetes accepts. Fix: use a /12 to /24 range, e.g. 10.96.0.0/16.',
                'dataops:cluster.podCidr = "10.244.0.0/24": has room for 1 node (Azure CNI overlay gives each node a /24) but the pools can grow to 8. ' +
                    "Fix: use a larger pod range, e.g. 10.244.0.0/14 (1024 nodes).",
            ],
        );
    });

    it("rejects workload identity without the OIDC issuer, naming both keys", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:azure": obj({ oidcIssuer: false }) }), [
            "dataops:azure.workloadIdentity = true: needs the cluster's OIDC issuer, but dataops:azure.oidcIssuer is false. " +
                "Fix: set dataops:azure.oidcIssuer to true, or dataops:azure.workloadIdentity to false (Airflow and Spark then get no storage access).",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:azure": obj({ oidcIssuer: false, workloadIdentity: false }) }), []);
    });

    it("rejects pools without a System pool", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cluster": obj({ nodePools: [{ name: "data", minNodes: 1, maxNodes: 3 }] }) }), [
            'dataops:cluster.nodePools = ["data"]: has no System pool; AKS needs one (system: true) for CoreDNS, konnectivity and metrics-server. ' +
                "Fix: set system: true on one pool with minNodes >= 1 and spot off.",
        ]);
    });

    it("rejects a pool with minNodes > maxNodes", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cluster": obj({ nodePools: [{ name: "sys", minNodes: 4, maxNodes: 3, system: true }] }) }), [
            'dataops:cluster.nodePools[0].minNodes = 4: is greater than maxNodes (3) of pool "sys". Fix: set minNodes <= maxNodes.',
        ]);
    });

    it("rejects an AKS-invalid pool name and a spot or empty System pool", () => {
        assert.deepStrictEqual(
            problemsOf({ "dataops:cluster": obj({ nodePools: [{ name: "sys-pool", minNodes: 0, maxNodes: 3, system: true, spot: true }] }) }),
            [
                'dataops:cluster.nodePools[0].name = "sys-pool": is not a valid AKS pool name (lowercase letters and digits, starting with a letter, at most 12 characters). ' +
                    'Fix: rename it to "syspool".',
                'dataops:cluster.nodePools[0].spot = true: cannot be set on System pool "sys-pool": AKS System pools run on regular VMs only. ' +
                    "Fix: set spot: false, or put the spot capacity in a separate pool without system: true.",
                'dataops:cluster.nodePools[0].minNodes = 0: must be at least 1 for System pool "sys-pool" (AKS keeps system add-ons running on it). ' +
                    "Fix: set minNodes to 1 or more (3 in prod, one per zone).",
            ],
        );
    });

    it("rejects authorized IP ranges on a private cluster, saying where private came from", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cluster": obj({ authorizedCidrs: ["203.0.113.0/24"] }) }, "prod"), [
            'dataops:cluster.authorizedCidrs = ["203.0.113.0/24"]: only apply to a public API endpoint, but dataops:cluster.endpointAccess is private ' +
                "(the prod default); AKS rejects authorized IP ranges on a private cluster. " +
                "Fix: remove dataops:cluster.authorizedCidrs, or set dataops:cluster.endpointAccess to public.",
        ]);
    });

    it("rejects more Spark namespaces than one identity has federated credentials", () => {
        const teams = [{ name: "t", role: "edit", groups: ["g"], ownNamespaces: Array.from({ length: 20 }, (_, i) => `t-${i}`) }];
        assert.deepStrictEqual(problemsOf({ "dataops:teams": obj(teams) }), [
            "dataops:teams = 21: gives Spark 21 job namespaces (spark.jobNamespace plus every ownNamespaces entry), but one Azure managed identity " +
                "holds at most 20 federated credentials. Fix: keep the total at 20 or fewer, or set dataops:azure.workloadIdentity to false.",
        ]);
    });

    it("warns about an open public endpoint in dev and missing admin groups in prod", () => {
        assert.deepStrictEqual(loadConfig(base, "dev").warnings, [
            "dataops:cluster.authorizedCidrs is empty: the AKS API endpoint accepts connections from any address " +
                "(Entra ID still authenticates every request). List your office/VPN/CI ranges to narrow it.",
        ]);
        assert.deepStrictEqual(loadConfig(base, "prod").warnings, [
            "dataops:azure.adminGroupObjectIds is empty: only the identity that runs Pulumi gets cluster admin on the prod AKS cluster. " +
                "Add the object ID of your platform team's Entra ID group.",
        ]);
    });
});
