// Live proof for a deployed stack: waits for the platform's pods, then checks the running cluster against the same
// expectations the offline model asserts (Pod Security levels, quotas, the journeys' flows by probe pods, team and
// workload permissions by SubjectAccessReviews, a Spark job, an Airflow DAG run, Prometheus targets and alerts).
// Usage: npm run -s verify -- --stack dev [--context C | --kubeconfig F] [--json] [--timeout 600] [--checks a,b] [--airflow-dag ID]
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { modelFromRun, ROOT } from "../model";
import { loadConfig, PlatformConfig } from "../stacks/config";
import { NAMESPACES } from "../stacks/catalog";
import { PROJECT, runIndex, stackFileConfig } from "../tests/harness";
import {
    checkAccess,
    checkAirflow,
    checkIsolation,
    checkKafka,
    checkPods,
    checkPodSecurity,
    checkPrometheus,
    checkQuotas,
    checkSpark,
    checkUis,
    CheckResult,
    Expectations,
    HttpsGet,
    realTiming,
    Timing,
} from "./verify/checks";
import { expectationsFromModel } from "./verify/expectations";
import { KubeClient, KubectlClient } from "./verify/kube";

export const CHECKS = ["pods", "pod-security", "quotas", "isolation", "access", "spark", "airflow", "kafka", "prometheus", "ui"] as const;
export type CheckName = (typeof CHECKS)[number];

export interface VerifyOptions {
    stack: string;
    context?: string;
    kubeconfig?: string;
    json: boolean;
    timeoutSeconds: number;
    checks: CheckName[];
    airflowDag?: string;
}

const USAGE =
    "usage: npm run -s verify -- --stack <name> [--context <ctx> | --kubeconfig <file>] [--json] [--timeout <seconds>] " +
    `[--checks ${CHECKS.join(",")}] [--airflow-dag <dag id>]`;

export function parseVerifyArgs(argv: string[]): VerifyOptions {
    const opts: VerifyOptions = { stack: "dev", json: false, timeoutSeconds: 600, checks: [...CHECKS] };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new Error(`${flag} needs a value; ${USAGE}`);
            }
            return v;
        };
        if (flag === "--stack") {
            opts.stack = value();
        } else if (flag === "--context") {
            opts.context = value();
        } else if (flag === "--kubeconfig") {
            opts.kubeconfig = value();
        } else if (flag === "--json") {
            opts.json = true;
        } else if (flag === "--timeout") {
            const n = Number(value());
            if (!Number.isInteger(n) || n <= 0) {
                throw new Error(`--timeout must be a positive number of seconds; ${USAGE}`);
            }
            opts.timeoutSeconds = n;
        } else if (flag === "--checks") {
            const names = value().split(",");
            const unknown = names.filter((n) => !(CHECKS as readonly string[]).includes(n));
            if (unknown.length > 0) {
                throw new Error(`unknown check ${unknown.join(", ")}: choose from ${CHECKS.join(", ")}; ${USAGE}`);
            }
            opts.checks = names as CheckName[];
        } else if (flag === "--airflow-dag") {
            opts.airflowDag = value();
        } else {
            throw new Error(`unknown argument ${flag}; ${USAGE}`);
        }
    }
    return opts;
}

/** Runs the selected checks in order; a check that throws fails with its message and the others still run. */
export async function runChecks(kube: KubeClient, exp: Expectations, checks: readonly CheckName[], t: Timing, get?: HttpsGet): Promise<CheckResult[]> {
    const run: Record<CheckName, () => Promise<CheckResult[]>> = {
        pods: () => checkPods(kube, exp, t),
        "pod-security": () => checkPodSecurity(kube, exp),
        quotas: () => checkQuotas(kube, exp),
        isolation: () => checkIsolation(kube, exp, t),
        access: () => checkAccess(kube, exp),
        spark: () => checkSpark(kube, exp, t),
        airflow: () => checkAirflow(kube, exp, t, NAMESPACES.airflow),
        kafka: () => checkKafka(kube, exp, t),
        prometheus: () => checkPrometheus(kube, exp, NAMESPACES.monitoring),
        ui: () => checkUis(kube, exp, get),
    };
    const rows: CheckResult[] = [];
    for (const c of checks) {
        try {
            rows.push(...(await run[c]()));
        } catch (e) {
            rows.push({ check: c, item: "(check)", status: "fail", detail: (e as Error).message });
        }
    }
    return rows;
}

export function summary(rows: CheckResult[]): { pass: number; fail: number; skip: number } {
    const n = (s: CheckResult["status"]) => rows.filter((r) => r.status === s).length;
    return { pass: n("pass"), fail: n("fail"), skip: n("skip") };
}

/** One table per check, then a summary line. */
export function formatResults(rows: CheckResult[]): string {
    const out: string[] = [];
    for (const check of [...new Set(rows.map((r) => r.check))]) {
        const mine = rows.filter((r) => r.check === check);
        const width = Math.max(4, ...mine.map((r) => r.item.length));
        out.push(`${check}`, ...mine.map((r) => `  ${r.status.toUpperCase().padEnd(4)}  ${r.item.padEnd(width)}  ${r.detail}`), "");
    }
    const s = summary(rows);
    out.push(`verify: ${s.pass} pass, ${s.fail} fail, ${s.skip} skip`);
    return out.join("\n");
}

/** The kubeconfig to use: the flag, else the stack's `kubeconfig` output (Pulumi CLI), else the stack's or current context. */
function connection(opts: VerifyOptions, cfg: PlatformConfig): { kubeconfig?: string; context?: string; note: string } {
    if (opts.kubeconfig || opts.context) {
        return { kubeconfig: opts.kubeconfig, context: opts.context, note: opts.kubeconfig ? `kubeconfig ${opts.kubeconfig}` : `context ${opts.context}` };
    }
    if (cfg.cloud === "local") {
        return { context: cfg.local.context, note: `context ${cfg.local.context} (dataops:local.context)` };
    }
    try {
        const text = execFileSync("pulumi", ["stack", "output", "kubeconfig", "--show-secrets", "--stack", opts.stack], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dataops-verify-")), "kubeconfig");
        fs.writeFileSync(file, text, { mode: 0o600 });
        return { kubeconfig: file, note: `the kubeconfig output of stack ${opts.stack}` };
    } catch {
        return { note: "the current kubectl context (no --kubeconfig/--context, and no Pulumi CLI output for the stack)" };
    }
}

export async function main(argv: string[], kubeFor?: (c: { kubeconfig?: string; context?: string }) => KubeClient, timing?: Timing): Promise<number> {
    let opts: VerifyOptions;
    try {
        opts = parseVerifyArgs(argv);
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    const { config, secretKeys } = stackFileConfig(opts.stack);
    const cfg = loadConfig(config, opts.stack, PROJECT, (k) => secretKeys.includes(k)).config;
    const run = await runIndex(opts.stack, config, secretKeys);
    const model = await modelFromRun(opts.stack, run, config, secretKeys);
    const exp = expectationsFromModel(model, cfg, { root: ROOT, airflowDag: opts.airflowDag });
    const conn = connection(opts, cfg);
    const kube = kubeFor ? kubeFor(conn) : new KubectlClient({ kubeconfig: conn.kubeconfig, context: conn.context });
    if (!opts.json) {
        console.error(`verifying stack ${opts.stack} through ${conn.note}`);
    }
    const rows = await runChecks(kube, exp, opts.checks, timing ?? realTiming(opts.timeoutSeconds));
    console.log(opts.json ? JSON.stringify({ stack: opts.stack, results: rows, summary: summary(rows) }, null, 2) : formatResults(rows));
    return summary(rows).fail > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
