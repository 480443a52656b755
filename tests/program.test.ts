// The program under mocks: the dev stack file, bad configs (nothing registered), and every shipped stack file.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { listStacks, Resources, ROOT, Run, runIndex, runStack, valueOf } from "./harness";

describe("program under mocks: dev stack", () => {
    let run: Run;
    let res: Resources;
    before(async () => {
        run = await runStack("dev");
        res = new Resources(run.resources);
    });

    it("runs without error or unanswered invokes", () => {
        assert.strictEqual(run.error, undefined);
        assert.deepStrictEqual(run.unknownCalls, []);
    });

    it("registers the local cluster target and its Kubernetes provider with the stack's context", () => {
        const cluster = res.get("dataops:cluster:Local", "cluster");
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        assert.strictEqual(provider.parent, cluster.urn);
        assert.deepStrictEqual(provider.inputs.context, "kind-dataops");
        assert.strictEqual(provider.inputs.kubeconfig, undefined);
    });

    it("exports the cloud, profile and cluster name", async () => {
        const out = run.outputs as Record<string, any>;
        assert.strictEqual(out.cloud, "local");
        assert.strictEqual(out.profile, "dev");
        assert.strictEqual(await valueOf(out.clusterName), "kind-dataops");
    });

    it("gives every resource a unique type and name (the engine rejects duplicate URNs)", () => {
        const keys = run.resources.map((r) => `${r.type}::${r.name}`);
        assert.deepStrictEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
    });
});

describe("program under mocks: bad config registers nothing", () => {
    const cases: [string, Record<string, string>, string[]][] = [
        ["unknown cloud", { "dataops:cloud": "eks" }, ["dataops:cloud"]],
        ["missing region", { "dataops:cloud": "aws" }, ["aws:region"]],
        ["missing GCP project", { "dataops:cloud": "gcp", "gcp:region": "europe-west1" }, ["gcp:project"]],
        ["malformed version", { "dataops:cloud": "local", "dataops:cluster": '{"kubernetesVersion":"1.x"}' }, ["dataops:cluster.kubernetesVersion"]],
        [
            "bad CIDRs",
            { "dataops:cloud": "azure", "azure-native:location": "westeurope", "dataops:cluster": '{"networkCidr":"10.0.0.0/16","podCidr":"10.0.1.0/24","authorizedCidrs":["x"]}' },
            ["dataops:cluster.podCidr", "dataops:cluster.authorizedCidrs[0]"],
        ],
        [
            "bad node pools",
            {
                "dataops:cloud": "aws",
                "aws:region": "us-east-1",
                "dataops:cluster": '{"nodePools":[{"name":"a","minNodes":3,"maxNodes":2},{"name":"a","minNodes":0,"maxNodes":0}]}',
            },
            ["dataops:cluster.nodePools[0].minNodes", "dataops:cluster.nodePools[1].maxNodes", "dataops:cluster.nodePools[1].name"],
        ],
        ["unknown profile", { "dataops:cloud": "local", "dataops:profile": "staging" }, ["dataops:profile"]],
        ["typo inside an object", { "dataops:cloud": "local", "dataops:airflow": '{"exector":"CeleryExecutor"}' }, ["dataops:airflow.exector"]],
        ["typo at top level", { "dataops:cloud": "local", "dataops:grafna": "{}" }, ["dataops:grafna"]],
    ];
    for (const [title, config, keys] of cases) {
        it(`${title}: one ConfigError naming ${keys.join(", ")} and zero resources`, async () => {
            const run = await runIndex("dev", config);
            assert.strictEqual(run.resources.length, 0);
            assert.ok(run.error, "expected an error");
            assert.strictEqual(run.error.name, "ConfigError");
            const lines = run.error.message.split("\n").filter((l) => /^\s+\d+\. /.test(l));
            assert.deepStrictEqual(
                lines.map((l) => /^\s+\d+\. (\S+?)(?: = |: )/.exec(l)?.[1]),
                keys,
            );
        });
    }
});

describe("every shipped stack file", () => {
    for (const stack of listStacks()) {
        it(`Pulumi.${stack}.yaml validates and runs under mocks`, async () => {
            const run = await runStack(stack);
            assert.strictEqual(run.error, undefined, run.error?.message);
            assert.ok(run.resources.length > 0);
            assert.deepStrictEqual(run.unknownCalls, []);
        });
    }
});

describe("project files", () => {
    const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

    it("declares the scalar keys with descriptions in Pulumi.yaml, and keeps state local by default", () => {
        const project = parseYaml(read("Pulumi.yaml"));
        assert.strictEqual(project.name, "dataops");
        assert.deepStrictEqual(project.runtime, { name: "nodejs", options: { typescript: true, packagemanager: "npm" } });
        assert.deepStrictEqual(project.backend, { url: "file://~/.pulumi-dataops" });
        assert.deepStrictEqual(Object.keys(project.config), ["dataops:cloud", "dataops:profile"]);
        assert.strictEqual(project.config["dataops:cloud"].type, "string");
        assert.strictEqual(project.config["dataops:profile"].default, "auto");
        for (const decl of Object.values(project.config) as { description: string }[]) {
            assert.ok(decl.description.length > 40);
        }
    });

    it("ships a kind config whose control-plane metrics Prometheus can scrape, matching the dev stack's context", () => {
        const kind = parseYaml(read("scripts/kind-config.yaml"));
        const patches = (kind.kubeadmConfigPatches as string[]).map((p) => parseYaml(p));
        assert.strictEqual(patches[0].controllerManager.extraArgs["bind-address"], "0.0.0.0");
        assert.strictEqual(patches[0].scheduler.extraArgs["bind-address"], "0.0.0.0");
        assert.strictEqual(patches[0].etcd.local.extraArgs["listen-metrics-urls"], "http://0.0.0.0:2381");
        assert.strictEqual(patches[1].metricsBindAddress, "0.0.0.0:10249");
        assert.deepStrictEqual(kind.nodes.map((n: { role: string }) => n.role), ["control-plane", "worker", "worker"]);
        assert.match(read("scripts/dev-up.sh"), /^CLUSTER=dataops$/m);
        assert.strictEqual(parseYaml(read("Pulumi.dev.yaml")).config["dataops:local"].context, "kind-dataops");
    });

    it("runs the program transpile-only with swc (fast preview) while npm test type-checks strictly", () => {
        const tsconfig = JSON.parse(read("tsconfig.json"));
        assert.deepStrictEqual(tsconfig["ts-node"], { transpileOnly: true, swc: true });
        // What Pulumi's language host builds from tsconfig.json: ts-node with the project file picks swc up.
        const service = (require("ts-node") as typeof import("ts-node")).create({ project: path.join(ROOT, "tsconfig.json") });
        assert.strictEqual(service.options.swc, true);
        assert.match(service.compile("const a: number = 1;\nexport = a;\n", path.join(ROOT, "probe.ts")), /module\.exports = a;/);
        assert.strictEqual(tsconfig.compilerOptions.strict, true);
        const pkg = JSON.parse(read("package.json"));
        assert.match(pkg.scripts.test, /^tsc --noEmit -p \. && mocha /);
        assert.match(pkg.devDependencies.typescript, /^~5\./);
        assert.match(pkg.dependencies["@swc/core"], /^\^1\./);
    });
});

describe("credentials in config", () => {
    const alerting = { "dataops:cloud": "local", "dataops:alerting": JSON.stringify({ slackWebhookUrl: "https://hooks.example.com/T000/B000/xyz" }) };

    it("refuses a credential set in plain text, before any resource", async () => {
        const run = await runIndex("dev", alerting);
        assert.strictEqual(run.resources.length, 0);
        assert.strictEqual(
            run.error?.message.split("\n")[1],
            "  1. dataops:alerting.slackWebhookUrl: is a credential but was set in plain text, so it is readable in the stack file. " +
                "Fix: pulumi config set --secret --path 'dataops:alerting.slackWebhookUrl' <value>",
        );
        assert.ok(!run.error?.message.includes("hooks.example.com"));
    });

    it("accepts it set as a secret", async () => {
        const run = await runIndex("dev", alerting, ["dataops:alerting"]);
        assert.strictEqual(run.error, undefined, run.error?.message);
    });
});
