// The shipped examples work on the platform as configured: one SparkApplication per stack and the example DAG's
// application validate against the Spark operator's CRD schema, run where the stack runs Spark jobs, under the account
// the platform gives identity and RBAC, with the security context the namespace's Pod Security level admits; the DAG
// imports only what the cncf.kubernetes provider and the Airflow 3 Task SDK document.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { readTgz } from "../model/archive";
import { chartCacheDir, resolveChart } from "../model/charts";
import { CHARTS, DATA_PREFIXES, sparkJobNamespaces } from "../stacks/catalog";
import { loadConfig } from "../stacks/config";
import { listStacks, ROOT, stackFileConfig } from "./harness";

const EXAMPLES = path.join(ROOT, "examples");

/** The SparkApplication CRD from the pinned Spark operator chart in the chart cache (`npm run charts`). */
function sparkApplicationCrd(): any {
    const chart = resolveChart(CHARTS.spark, CHARTS.spark.version, chartCacheDir(ROOT));
    const entry = readTgz(fs.readFileSync(chart.file)).find((e) => e.path === "spark-operator/crds/sparkoperator.k8s.io_sparkapplications.yaml");
    assert.ok(entry, "the chart ships the SparkApplication CRD");
    return parseYaml(entry.data.toString("utf8"));
}

function crdValidator(): (doc: unknown) => string[] {
    const crd = sparkApplicationCrd();
    const version = crd.spec.versions.find((v: { name: string }) => v.name === "v1beta2");
    // Kubernetes structural schemas carry x-kubernetes-* keywords and int-or-string formats Ajv does not know.
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(version.schema.openAPIV3Schema);
    return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };

function checkPodSide(app: any, where: string): void {
    for (const role of ["driver", "executor"]) {
        const r = app.spec[role];
        assert.strictEqual(r.serviceAccount, "spark", `${where} ${role} runs as the job namespace's spark account`);
        assert.deepStrictEqual(r.securityContext, RESTRICTED_CONTAINER, `${where} ${role} container security context`);
        assert.deepStrictEqual(r.podSecurityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.strictEqual(r.podSecurityContext.runAsNonRoot, true);
    }
}

describe("examples: a SparkApplication per stack", () => {
    const validate = crdValidator();

    it("has one example per shipped stack and no other", () => {
        assert.deepStrictEqual(
            fs.readdirSync(path.join(EXAMPLES, "spark")).sort(),
            listStacks().map((s) => `${s}.yaml`).sort(),
        );
    });

    for (const stack of listStacks()) {
        it(`${stack}: validates against the CRD and runs in a job namespace, on the stack's store, as the platform allows`, () => {
            const app = parseYaml(fs.readFileSync(path.join(EXAMPLES, "spark", `${stack}.yaml`), "utf8"));
            assert.deepStrictEqual(validate(app), []);
            const { config } = loadConfig(stackFileConfig(stack).config, stack);
            assert.ok(sparkJobNamespaces(config.spark.jobNamespace, config.teams).includes(app.metadata.namespace), app.metadata.namespace);
            checkPodSide(app, stack);
            const data = JSON.stringify(app.spec.arguments ?? []);
            const expected: Record<string, RegExp | undefined> = {
                local: undefined,
                aws: new RegExp(`"s3a://[^/]+/${DATA_PREFIXES.sharedJobs}/`),
                gcp: new RegExp(`"gs://[^/]+/${DATA_PREFIXES.sharedJobs}/`),
                azure: new RegExp(`"abfss://dataops@[^.]+\\.dfs\\.core\\.windows\\.net/${DATA_PREFIXES.sharedJobs}/`),
            };
            const want = expected[config.cloud];
            if (want) {
                assert.match(data, want);
            }
            // AKS hands out tokens only to pods that ask for them.
            const labels = config.cloud === "azure" ? { "azure.workload.identity/use": "true" } : {};
            for (const role of ["driver", "executor"]) {
                for (const [k, v] of Object.entries(labels)) {
                    assert.strictEqual(app.spec[role].labels[k], v, `${stack} ${role} label ${k}`);
                }
            }
        });
    }

    it("the CRD check is real: a misspelt field fails", () => {
        const app = parseYaml(fs.readFileSync(path.join(EXAMPLES, "spark", "dev.yaml"), "utf8"));
        app.spec.driver.cores = "one";
        assert.deepStrictEqual(validate(app), ["/spec/driver/cores must be integer"]);
    });
});

describe("examples: the Airflow DAG that launches Spark", () => {
    const dag = fs.readFileSync(path.join(EXAMPLES, "dags", "spark_example.py"), "utf8");

    it("imports only the provider's documented operator and the Airflow 3 Task SDK", () => {
        const imports = dag.split("\n").filter((l) => /^(from|import) /.test(l));
        assert.deepStrictEqual(imports, [
            "from __future__ import annotations",
            "import pendulum",
            "from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator",
            "from airflow.sdk import DAG",
        ]);
    });

    it("is valid Python", () => {
        execFileSync("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", path.join(EXAMPLES, "dags", "spark_example.py")]);
    });

    it("submits to the shared job namespace (where Airflow may) an application that validates once rendered", () => {
        assert.match(dag, /namespace="spark-jobs"/);
        const file = /application_file="([^"]+)"/.exec(dag)![1];
        const text = fs.readFileSync(path.join(EXAMPLES, "dags", file), "utf8").replace("{{ ts_nodash | lower }}", "20260101t000000");
        const app = parseYaml(text);
        assert.deepStrictEqual(crdValidator()(app), []);
        assert.strictEqual(app.metadata.namespace, "spark-jobs");
        checkPodSide(app, "dag");
    });
});
