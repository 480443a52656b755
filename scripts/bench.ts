// `npm run bench`: program evaluation (what every preview pays before any provider call) against a bare load of the
// SDKs that evaluation needs, per cloud, in one run. Each figure is the fastest of --runs child processes, so a busy
// machine skews it less; both are timed inside the child, after Node itself has started.
import { spawnSync } from "child_process";
import * as path from "path";
import { listStacks, ROOT, stackFileConfig } from "../tests/harness";
import { exitWhenFlushed } from "./exit";

const CLOUDS = ["local", "aws", "gcp", "azure"] as const;
type Cloud = (typeof CLOUDS)[number];

/** The SDKs a stack of each cloud loads: the cluster targets load their cloud's SDK on demand (components/cluster). */
export const SDKS: Record<Cloud, string[]> = {
    local: ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random"],
    aws: ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/aws"],
    gcp: ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/gcp"],
    azure: ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/azure-native"],
};

/** Child that requires the SDKs and prints the milliseconds it took. */
function sdkLoadScript(sdks: string[]): string {
    return `const t=process.hrtime.bigint();${sdks.map((s) => `require(${JSON.stringify(s)});`).join("")}` +
        "process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));";
}

/**
 * Child that does what Pulumi's Node.js language host does for `runtime.options.typescript` (register the project's
 * ts-node with tsconfig.json, whose "ts-node" section applies) and then evaluates index.ts under mocks with the
 * stack's config, until every registration has settled.
 */
function evaluationScript(stack: string): string {
    return [
        "const t=process.hrtime.bigint();",
        `require("ts-node").register({project:"tsconfig.json",compilerOptions:{target:"ES2020",module:"nodenext",moduleResolution:"nodenext",sourceMap:"true"}});`,
        `require("./tests/harness").runStack(${JSON.stringify(stack)}).then((r)=>{`,
        "if(r.error){console.error(String(r.error));process.exit(1);}",
        "process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));});",
    ].join("");
}

function fastest(script: string, runs: number): number {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") } });
        if (r.status !== 0) {
            throw new Error(`benchmark child failed (${r.status}): ${r.stderr}`);
        }
        times.push(Number(r.stdout));
    }
    return Math.min(...times);
}

/** The first shipped stack of each cloud (dev stacks sort first). */
export function benchStacks(): Partial<Record<Cloud, string>> {
    const out: Partial<Record<Cloud, string>> = {};
    for (const stack of listStacks()) {
        const cloud = stackFileConfig(stack).config["dataops:cloud"] as Cloud;
        out[cloud] ??= stack;
    }
    return out;
}

function main(argv: string[]): number {
    const i = argv.indexOf("--runs");
    const runs = i >= 0 ? Number(argv[i + 1]) : 3;
    if (!Number.isInteger(runs) || runs < 1) {
        console.error("usage: npm run bench [-- --runs <n>]");
        return 2;
    }
    const stacks = benchStacks();
    const rows = [["cloud", "stack", "SDK load ms", "evaluation ms", "ratio"]];
    for (const cloud of CLOUDS) {
        const stack = stacks[cloud];
        if (!stack) {
            continue;
        }
        const sdk = fastest(sdkLoadScript(SDKS[cloud]), runs);
        const evaluation = fastest(evaluationScript(stack), runs);
        rows.push([cloud, stack, sdk.toFixed(0), evaluation.toFixed(0), (evaluation / sdk).toFixed(2)]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(`Node ${process.version}, fastest of ${runs} runs each`);
    console.log(rows.map((r) => r.map((x, c) => (c < 2 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  ")).join("\n"));
    return 0;
}

if (require.main === module) {
    exitWhenFlushed(main(process.argv.slice(2)));
}
