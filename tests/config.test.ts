// Config validation as a pure function: every rule names the key, the value and the fix; all problems at once.
import * as assert from "assert";
import { defaultClusterName, loadConfig, misplacedKeys, profileFor, StackFileText } from "../stacks/config";
import { ConfigError, Problem } from "../stacks/problems";
import { suggest } from "../stacks/suggest";
import { firstHost, parseCidr, subnet } from "../stacks/cidr";
import { brief, configProblems } from "./config-problems";

const obj = (v: unknown) => JSON.stringify(v);

const problemsOf = (raw: Record<string, string>, stack = "dev"): string[] => configProblems(raw, stack).map(brief);

function configProblemsWithFile(raw: Record<string, string>, file: StackFileText): Problem[] {
    try {
        loadConfig(raw, "dev", "dataops", undefined, file);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    return [];
}

describe("config validation", () => {
    it("accepts the minimal local config and resolves dev defaults", () => {
        const { config, warnings } = loadConfig({ "dataops:cloud": "local" }, "dev");
        assert.deepStrictEqual(warnings, []);
        assert.strictEqual(config.profile, "dev");
        assert.strictEqual(config.cluster.kubernetesVersion, "1.34");
        assert.strictEqual(config.cluster.endpointAccess, "public");
        assert.strictEqual(config.airflow.executor, "KubernetesExecutor");
        assert.strictEqual(config.airflow.chartVersion, "1.22.0");
        assert.strictEqual(config.kafka.brokers, 1);
        assert.strictEqual(config.prometheus.retention, "2d");
        assert.deepStrictEqual(config.cluster.nodePools, []);
        assert.deepStrictEqual(config.local.apiServerCidrs, []);
    });

    it("derives the profile from the stack name unless set", () => {
        assert.strictEqual(profileFor("prod", undefined), "prod");
        assert.strictEqual(profileFor("prod-eu", "auto"), "prod");
        assert.strictEqual(profileFor("staging", "auto"), "dev");
        assert.strictEqual(profileFor("prod", "dev"), "dev");
        const { config } = loadConfig({ "dataops:cloud": "local" }, "production");
        assert.strictEqual(config.profile, "prod");
        assert.strictEqual(config.kafka.brokers, 3);
        assert.strictEqual(config.prometheus.retention, "15d");
        assert.strictEqual(config.cluster.deletionProtection, true);
    });

    it("rejects an unknown cloud and suggests the right one for eks/gke/aks and typos", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "eks" }), [
            'dataops:cloud: must be one of local, aws, gcp, azure. Did you mean "aws"? Fix: set dataops:cloud to aws.',
        ]);
        assert.match(problemsOf({ "dataops:cloud": "gke" })[0], /Did you mean "gcp"\?/);
        assert.match(problemsOf({ "dataops:cloud": "aks" })[0], /Did you mean "azure"\?/);
        assert.match(problemsOf({ "dataops:cloud": " AWS" })[0], /Did you mean "aws"\?/);
        assert.match(problemsOf({ "dataops:cloud": "azrue" })[0], /Did you mean "azure"\?/);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "openstack" }), ["dataops:cloud: must be one of local, aws, gcp, azure."]);
    });

    it("requires the cloud", () => {
        assert.deepStrictEqual(problemsOf({}), [
            "dataops:cloud: is required: it chooses where the platform runs (local, aws, gcp or azure). Fix: pulumi config set dataops:cloud local",
        ]);
    });

    it("requires the provider region or project of the chosen cloud", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "aws" }), [
            "aws:region: is required when dataops:cloud is aws. Fix: pulumi config set aws:region eu-west-1",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "gcp" }), [
            "gcp:region: is required when dataops:cloud is gcp. Fix: pulumi config set gcp:region europe-west1",
            "gcp:project: is required when dataops:cloud is gcp: it is the project the cluster is created in. Fix: pulumi config set gcp:project <your-project-id>",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "azure" }), [
            "azure-native:location: is required when dataops:cloud is azure. Fix: pulumi config set azure-native:location westeurope",
        ]);
    });

    it("rejects a malformed Kubernetes version and warns on an unknown well-formed one", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:cluster": obj({ kubernetesVersion: "v1.34.2" }) }), [
            'dataops:cluster.kubernetesVersion: must be a Kubernetes minor version like "1.34".',
        ]);
        const { warnings } = loadConfig(
            { "dataops:cloud": "aws", "aws:region": "eu-west-1", "dataops:cluster": obj({ kubernetesVersion: "1.29" }) },
            "dev",
        );
        assert.deepStrictEqual(warnings, [
            'dataops:cluster.kubernetesVersion "1.29" is not a version aws is known to offer (1.30, 1.31, 1.32, 1.33, 1.34, 1.35); the cloud will reject it if it does not exist.',
        ]);
    });

    it("warns on an unknown but well-formed region and rejects a malformed one", () => {
        const { warnings } = loadConfig({ "dataops:cloud": "aws", "aws:region": "xx-mars-1" }, "dev");
        assert.deepStrictEqual(warnings, ['aws:region "xx-mars-1" is not a region this program knows; check that aws offers it.']);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "aws", "aws:region": "eu-west1" }), [
            'aws:region: is not a well-formed aws region. Did you mean "eu-west-1"? Fix: use a region like eu-west-1.',
        ]);
    });

    it("rejects invalid and overlapping CIDRs, naming both keys", () => {
        assert.deepStrictEqual(
            problemsOf({
                "dataops:cloud": "aws",
                "aws:region": "eu-west-1",
                "dataops:cluster": obj({ networkCidr: "10.0.0.0/16", podCidr: "10.0.128.0/17", serviceCidr: "10.300.0.0/16", authorizedCidrs: ["1.2.3.4/24"] }),
            }),
            [
                "dataops:cluster.serviceCidr: has an octet above 255 or a prefix above 32.",
                "dataops:cluster.podCidr: overlaps dataops:cluster.networkCidr = 10.0.0.0/16; node, pod and service ranges must be disjoint. Fix: pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.",
                "dataops:cluster.authorizedCidrs[0]: has host bits set; the network address is 1.2.3.0/24.",
            ],
        );
        assert.deepStrictEqual(
            problemsOf({ "dataops:cloud": "gcp", "gcp:region": "europe-west1", "gcp:project": "my-project-1", "dataops:cluster": obj({ serviceCidr: "10.10.5.0/24" }) }),
            [
                "dataops:cluster.serviceCidr: overlaps dataops:cluster.networkCidr (default 10.10.0.0/16) = 10.10.0.0/16; node, pod and service ranges must be disjoint. Fix: pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.",
            ],
        );
    });

    it("rejects node pools with minNodes > maxNodes, maxNodes < 1 and duplicate names", () => {
        assert.deepStrictEqual(
            problemsOf({
                "dataops:cloud": "aws",
                "aws:region": "eu-west-1",
                "dataops:cluster": obj({
                    nodePools: [
                        { name: "data", minNodes: 5, maxNodes: 3 },
                        { name: "data", minNodes: 0, maxNodes: 0 },
                    ],
                }),
            }),
            [
                'dataops:cluster.nodePools[0].minNodes: is greater than maxNodes (3) of pool "data". Fix: set minNodes <= maxNodes.',
                "dataops:cluster.nodePools[1].maxNodes: must be at least 1. Fix: set maxNodes to 1 or more.",
                "dataops:cluster.nodePools[1].name: duplicates the name of dataops:cluster.nodePools[0]; pool names must be unique. Fix: rename one of the pools.",
            ],
        );
    });

    it("rejects an unknown profile with a suggestion", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:profile": "production" }), [
            'dataops:profile: must be one of dev, prod, auto. Did you mean "prod"? Fix: set dataops:profile to prod.',
        ]);
    });

    it("rejects unknown keys inside objects and at the top level, with suggestions", () => {
        assert.deepStrictEqual(
            problemsOf({
                "dataops:cloud": "local",
                "dataops:clustre": obj({}),
                "dataops:local": obj({ kubeConfig: "~/.kube/config" }),
                "dataops:kafka": obj({ broker: 3 }),
            }),
            [
                'dataops:clustre: is not a dataops setting. Did you mean "cluster"? Fix: remove it or rename it to one of: cloud, profile, local, cluster, airflow, kafka, spark, prometheus, grafana, teams, namespaces, alerting, access, aws, gcp, azure, deploy.',
                'dataops:local.kubeConfig: is not a known field. Did you mean "kubeconfig"? Fix: use one of: kubeconfig, context, storageClass, apiServerCidrs, controlPlaneMetrics.',
                'dataops:kafka.broker: is not a known field. Did you mean "brokers"? Fix: use one of: enabled, chartVersion, clusterName, version, metadataVersion, brokers, storageGi.',
            ],
        );
    });

    it("reports every problem of a config at once, including ones behind a broken field", () => {
        const problems = problemsOf(
            {
                "dataops:cloud": "aws",
                "dataops:profile": "prod",
                "dataops:cluster": obj({
                    kubernetesVersion: "latest",
                    endpointAccess: "public",
                    nodePools: [{ name: "a", minNodes: 4, maxNodes: 2, machineTyp: "m6i.large" }],
                }),
                "dataops:kafka": obj({ brokers: "three" }),
            },
            "prod",
        );
        assert.deepStrictEqual(
            problemsOf({ "dataops:cloud": "aws", "dataops:kafka": obj({ brokers: 2 }), "aws:region": "eu-west-1" }, "prod"),
            [
                "dataops:kafka.brokers: must be at least 3 in the prod profile (replication factor 3 with min.insync.replicas 2). Fix: set it to 3 or more, or use the dev profile.",
                // The cloud's own rules run too, so one pass shows everything.
                "dataops:aws.adminRoleArns: is required in the prod profile: the cluster grants no admin to whoever creates it, so without an admin role nobody (including this program) can reach the API. Fix: list the IAM role your deployments and operators use, e.g. arn:aws:iam::123456789012:role/platform-admin.",
            ],
        );
        assert.deepStrictEqual(
            problems.map((p) => p.split(":").slice(0, 2).join(":")),
            [
                "dataops:cluster.kubernetesVersion",
                "dataops:cluster.nodePools[0].machineTyp",
                "dataops:kafka.brokers",
                "aws:region",
                "dataops:cluster.endpointAccess",
                "dataops:cluster.nodePools[0].minNodes",
                "dataops:aws.adminRoleArns",
            ],
        );
    });

    it("says how to write numbers and objects", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:kafka": obj({ storageGi: "10" }), "dataops:cluster": "big" }), [
            "dataops:cluster: must be a YAML mapping or list in the stack file, not a plain string. Fix: set it with `pulumi config set --path cluster.<field> <value>`.",
            "dataops:kafka.storageGi: must be a number (write it unquoted in YAML, e.g. 3).",
        ]);
    });

    it("refuses a public prod endpoint without authorized CIDRs or open to the internet", () => {
        const base = { "dataops:cloud": "azure", "azure-native:location": "westeurope" };
        assert.deepStrictEqual(problemsOf({ ...base, "dataops:cluster": obj({ endpointAccess: "public" }) }, "prod"), [
            "dataops:cluster.endpointAccess: a public API endpoint in the prod profile needs dataops:cluster.authorizedCidrs (none are set). Fix: list the CIDRs allowed to reach the API in dataops:cluster.authorizedCidrs, or set endpointAccess to private.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...base, "dataops:cluster": obj({ endpointAccess: "public", authorizedCidrs: ["0.0.0.0/0"] }) }, "prod"), [
            "dataops:cluster.authorizedCidrs[0]: opens the prod API endpoint to the whole internet. Fix: list your office/VPN/CI ranges instead.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...base, "dataops:cluster": obj({ endpointAccess: "public" }) }, "dev"), []);
    });

    it("rejects a GCP project that is not a project ID", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "gcp", "gcp:region": "europe-west1", "gcp:project": "My Project" }), [
            "gcp:project: is not a valid project ID (6-30 characters: lowercase letters, digits and hyphens, starting with a letter; the project ID, not its display name or number). Fix: copy the ID from `gcloud projects list` and run pulumi config set gcp:project <id>",
        ]);
    });

    it("requires an ssh key Secret for DAGs from an ssh repository", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:airflow": obj({ dags: { gitRepo: "git@github.com:acme/dags.git" } }) }), [
            "dataops:airflow.dags.sshKeySecretName: is required for the ssh repository git@github.com:acme/dags.git: git-sync has no other way to authenticate. Fix: create a Secret in the airflow namespace with key gitSshKey and name it here, or use an https:// repository.",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:airflow": obj({ dags: { gitRepo: "https://github.com/acme/dags.git" } }) }), []);
    });

    it("warns that a pre-made metadata Secret cannot exist on a first up, and asks prod for an external database", () => {
        assert.deepStrictEqual(loadConfig({ "dataops:cloud": "local", "dataops:airflow": obj({ metadataSecretName: "airflow-db" }) }, "dev").warnings, [
            'dataops:airflow.metadataSecretName "airflow-db" must exist in namespace airflow before Airflow installs, which a first pulumi up cannot arrange; set dataops:airflow.metadataConnection (as a secret) to have Pulumi create it.',
        ]);
        assert.deepStrictEqual(loadConfig({ "dataops:cloud": "local", "dataops:airflow": obj({ metadataConnection: "postgresql://a:b@db:5432/airflow" }) }, "prod").warnings, []);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:airflow": obj({ metadataConnection: "db.internal:5432" }) }), [
            "dataops:airflow.metadataConnection: must be a database URL like postgresql://user:password@host:5432/airflow.",
        ]);
        // A credential is never echoed back in the error.
        assert.throws(
            () => loadConfig({ "dataops:cloud": "local", "dataops:airflow": obj({ metadataConnection: "pw-in-here" }) }, "dev"),
            (e: Error) => e.message.includes("dataops:airflow.metadataConnection = [secret]: must be a database URL") && !e.message.includes("pw-in-here"),
        );
    });

    it("rejects pinned chart versions that are ranges", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:airflow": obj({ chartVersion: "^1.22" }) }), [
            "dataops:airflow.chartVersion: must be an exact chart version like 1.2.3 (ranges are not allowed: releases are pinned).",
        ]);
    });
});

describe("config helpers", () => {
    it("suggests near misses only", () => {
        assert.strictEqual(suggest("prdo", ["dev", "prod"]), "prod");
        assert.strictEqual(suggest("staging", ["dev", "prod"]), undefined);
        assert.strictEqual(suggest("minikube", ["local", "aws"]), "local");
    });

    it("parses CIDRs and carves subnets", () => {
        assert.deepStrictEqual(parseCidr("10.0.0.0/8"), { text: "10.0.0.0/8", start: 167772160, end: 184549375, prefix: 8 });
        assert.strictEqual(parseCidr("10.0.0.1/8"), undefined);
        assert.strictEqual(subnet("10.10.0.0/16", 19, 0), "10.10.0.0/19");
        assert.strictEqual(firstHost("10.96.0.0/16"), "10.96.0.1");
        assert.strictEqual(firstHost("172.20.255.0/24"), "172.20.255.1");
        assert.strictEqual(subnet("10.10.0.0/16", 19, 3), "10.10.96.0/19");
        assert.throws(() => subnet("10.10.0.0/16", 19, 8), /no room/);
    });
});

describe("config mistakes people make", () => {
    const problemsOf = (raw: Record<string, string>, stack = "dev"): string[] => configProblems(raw, stack).map(brief);

    it("explains a field set without --path", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:kafka.brokers": "3" }), [
            "dataops:kafka.brokers: is a field of dataops:kafka, but was set as a key of its own (config set without --path). Fix: pulumi config rm dataops:kafka.brokers && pulumi config set --path dataops:kafka.brokers <value>",
        ]);
    });

    it("says to quote a version YAML read as a number, and to index a list", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:cluster": JSON.stringify({ kubernetesVersion: 1.3 }), "dataops:teams": "analytics" }), [
            "dataops:teams: must be a YAML mapping or list in the stack file, not a plain string. Fix: set it with `pulumi config set --path teams[0].<field> <value>`.",
            "dataops:cluster.kubernetesVersion: must be a string (quote it in YAML: unquoted, it was read as the number 1.3).",
        ]);
    });

    it("accepts quota quantities YAML reads as numbers, as Kubernetes does", () => {
        const { config } = loadConfig({ "dataops:cloud": "local", "dataops:namespaces": JSON.stringify({ "spark-jobs": { quota: { requestsCpu: 4 } } }) }, "dev");
        assert.strictEqual(config.namespaces["spark-jobs"].quota?.requestsCpu, "4");
    });

    it("warns about cluster settings a local cluster ignores", () => {
        assert.deepStrictEqual(loadConfig({ "dataops:cloud": "local", "dataops:cluster": JSON.stringify({ endpointAccess: "private", networkCidr: "10.1.0.0/16" }) }, "dev").warnings, [
            "dataops:cluster.endpointAccess, networkCidr are ignored on the local cloud: the cluster already exists.",
        ]);
    });

    it("asks for a whole number where a fraction was given", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:kafka": obj({ brokers: 2.5 }) }), [
            "dataops:kafka.brokers: must be a whole number. Fix: set it to 2 or 3.",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:kafka": obj({ brokers: "3" }) }), [
            "dataops:kafka.brokers: must be a number (write it unquoted in YAML, e.g. 3).",
        ]);
    });

    it("names keys written at the stack file's root, outside config:, instead of calling them missing", () => {
        const file = { name: "Pulumi.dev.yaml", text: "dataops:cloud: local\naws:region: eu-west-1\nconfig:\n  dataops:profile: dev\n" };
        assert.deepStrictEqual(
            configProblemsWithFile({ "dataops:profile": "dev" }, file).map(brief),
            ["dataops:cloud", "aws:region"].map(
                (k) =>
                    `${k}: is at the root of Pulumi.dev.yaml, outside \`config:\`, so Pulumi does not pass it to the program. ` +
                    `Fix: indent it under \`config:\` in Pulumi.dev.yaml, or set it with \`pulumi config set ${k} <value>\`.`,
            ),
        );
        assert.deepStrictEqual(misplacedKeys("# dataops:cloud: local\nconfig:\n  dataops:cloud: local\n"), []);
    });

    it("says when every workload is disabled", () => {
        const off = obj({ enabled: false });
        const raw = { "dataops:cloud": "local", "dataops:airflow": off, "dataops:kafka": off, "dataops:spark": off, "dataops:prometheus": off, "dataops:grafana": off };
        assert.deepStrictEqual(loadConfig(raw, "dev").warnings, [
            "every workload is disabled (dataops:airflow.enabled, dataops:kafka.enabled, dataops:spark.enabled, dataops:prometheus.enabled, dataops:grafana.enabled are false): " +
                "the stack creates the cluster and nothing on it. Set enabled: true on the workloads you need.",
        ]);
        assert.deepStrictEqual(loadConfig({ ...raw, "dataops:grafana": obj({ enabled: true }) }, "dev").warnings, []);
    });

    it("holds node pool counts to each cloud's limit", () => {
        const pools = (n: number, system = false) => obj({ nodePools: Array.from({ length: n }, (_, i) => ({ name: `p${i}`, minNodes: i === 0 && system ? 1 : 0, maxNodes: 2, system: i === 0 && system })) });
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "azure", "azure-native:location": "westeurope", "dataops:cluster": pools(101, true) }), [
            "dataops:cluster.nodePools: has 101 pools; AKS allows at most 100 node pools per cluster. Fix: merge pools with the same machine type and purpose until there are 100 or fewer.",
        ]);
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "azure", "azure-native:location": "westeurope", "dataops:cluster": pools(100, true) }), []);
        const eks = loadConfig({ "dataops:cloud": "aws", "aws:region": "eu-west-1", "dataops:cluster": pools(31, true) }, "dev").warnings;
        assert.ok(
            eks.includes(
                "dataops:cluster.nodePools has 31 pools; EKS allows 30 managed node groups per cluster by default (Service Quotas 'Managed node groups per cluster'): " +
                    "the apply fails unless that quota was raised for this account and region.",
            ),
            eks.join("\n"),
        );
        assert.ok(!loadConfig({ "dataops:cloud": "aws", "aws:region": "eu-west-1", "dataops:cluster": pools(30, true) }, "dev").warnings.some((w) => w.includes("pools;")));
        const gke = loadConfig({ "dataops:cloud": "gcp", "gcp:region": "europe-west1", "gcp:project": "my-project-1", "dataops:cluster": pools(201) }, "dev").warnings;
        assert.ok(
            gke.includes(
                "dataops:cluster.nodePools has 201 pools; GKE's autoscaler slows down above 200 node pools per cluster, so nodes arrive late when work does. " +
                    "Merge pools with the same machine type and purpose.",
            ),
            gke.join("\n"),
        );
    });

    it("derives a default cluster name that is a valid DNS label", () => {
        assert.strictEqual(defaultClusterName("dataops", "dev-gcp-analytics-platform-euro-west1"), "dataops-dev-gcp-analytics-platform-euro");
        assert.strictEqual(defaultClusterName("dataops", "Prod_EU"), "dataops-prod-eu");
    });
});
