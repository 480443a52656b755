// Offline plan: runs the program under Pulumi mocks with a stack's Pulumi.<stack>.yaml and prints the desired state.
// Needs no credentials, no cluster and no Pulumi CLI.
// Usage: npm run plan -- --stack dev [--format table|markdown|json] [--diff base.json] [--isolation] [--render]
//        npm run -s plan -- --matrix [--environment prod]   (the CI matrix as JSON)
import * as fs from "fs";
import { BuiltModel, modelFromRun } from "../model";
import { checkOptions, formatFindings, formatQuota, ModelReport, runChecks } from "../model/findings";
import { loadConfig, PROJECT } from "../stacks/config";
import { ConfigError } from "../stacks/problems";
import { exitWhenFlushed } from "./exit";
import { providerUrn, RecordedResource, Resources, Run, runIndex, stackFileConfig, valueOf } from "../tests/harness";
import { isolationReport } from "./isolation";
import { formatFrontDoor, frontDoorSummary } from "./plan-access";
import { diffPlans, formatDiffMarkdown, formatDiffText, PlanJson } from "./plan-diff";
import { ClusterSummary, formatIsolationMarkdown, formatIsolationText, formatMarkdown } from "./plan-markdown";
import { ciMatrix } from "./plan-matrix";
import { formatPoolsMarkdown, formatPoolsText } from "./plan-pools";
import { runPolicies } from "./plan-policy";
import { diffRendered, formatRendered, renderedSummary } from "./plan-render";

export const FORMATS = ["table", "markdown", "json"] as const;
export type Format = (typeof FORMATS)[number];

export interface PlanOptions {
    stack: string;
    format: Format;
    /** A saved `--format json` plan to compare against. */
    diff?: string;
    isolation: boolean;
    matrix: boolean;
    environment?: string;
    /** Render every Helm release with real helm (docs/rendering.md); set only when asked for. */
    render?: boolean;
}

const USAGE =
    "usage: npm run plan -- --stack <name> [--format table|markdown|json] [--json] [--diff base.json] [--isolation] [--render]\n" +
    "       npm run -s plan -- --matrix [--environment <env>]";

export function parseArgs(argv: string[]): PlanOptions {
    const opts: PlanOptions = { stack: "dev", format: "table", isolation: false, matrix: false };
    const value = (i: number, flag: string): string => {
        const v = argv[i];
        if (v === undefined || v.startsWith("--")) {
            throw new Error(`${flag} needs a value; ${USAGE}`);
        }
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const arg = () => inline ?? value(++i, flag);
        if (flag === "--stack" || flag === "-s") {
            opts.stack = arg();
        } else if (flag === "--json") {
            opts.format = "json";
        } else if (flag === "--format") {
            const f = arg();
            if (!(FORMATS as readonly string[]).includes(f)) {
                throw new Error(`--format must be one of ${FORMATS.join(", ")}; ${USAGE}`);
            }
            opts.format = f as Format;
        } else if (flag === "--diff") {
            opts.diff = arg();
        } else if (flag === "--isolation") {
            opts.isolation = true;
        } else if (flag === "--render") {
            opts.render = true;
        } else if (flag === "--matrix") {
            opts.matrix = true;
        } else if (flag === "--environment") {
            opts.environment = arg();
        } else {
            throw new Error(`unknown argument ${a}; ${USAGE}`);
        }
    }
    return opts;
}

export interface PlanRow {
    type: string;
    name: string;
    parent: string;
    namespace: string;
    provider: string;
    dependsOn: string[];
    protect: boolean;
    ignoreChanges: string[];
    secretInputs: string[];
    inputs: Record<string, unknown>;
}

/** Splits a secret path such as `spec.containers[0].env[1].value` into its keys and indexes. */
export function pathSegments(p: string): (string | number)[] {
    return p === "" ? [] : p.split(".").flatMap((part) => part.split(/\[(\d+)\]/).filter((x) => x !== "").map((x, i) => (i > 0 ? Number(x) : x)));
}

/** Secret inputs never leave the plan in clear text. */
export function redact(inputs: Record<string, any>, secretPaths: string[]): Record<string, unknown> {
    const copy = structuredClone(inputs);
    for (const p of secretPaths) {
        const parts = pathSegments(p);
        if (parts.length === 0) {
            return { value: "[secret]" };
        }
        let o: any = copy;
        for (const part of parts.slice(0, -1)) {
            o = o?.[part];
        }
        if (o && typeof o === "object") {
            o[parts[parts.length - 1]] = "[secret]";
        }
    }
    return copy;
}

export function planRows(run: Run): PlanRow[] {
    const res = new Resources(run.resources);
    const label = (urn: string) => {
        const r = res.byUrn(urn);
        return r ? `${r.type}::${r.name}` : "";
    };
    return run.resources.map((r: RecordedResource) => ({
        type: r.type,
        name: r.name,
        parent: label(r.parent),
        namespace: String(r.inputs?.metadata?.namespace ?? r.inputs?.namespace ?? ""),
        provider: label(providerUrn(r.provider)),
        dependsOn: r.dependencies.map(label).filter((x) => x !== ""),
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        secretInputs: r.secretPaths,
        inputs: redact(r.inputs, r.secretPaths),
    }));
}

export function formatTable(rows: PlanRow[]): string {
    const headers = ["TYPE", "NAME", "PARENT", "NAMESPACE"];
    const cells = rows.map((r) => [r.type, r.name, r.parent.split("::")[1] ?? "", r.namespace]);
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** The checks on the rendered model, as the --render view prints them: findings first, then quota use per namespace. */
export function renderedFindings(report: ModelReport): string[] {
    const errors = report.findings.filter((f) => f.severity === "error").length;
    return [
        `Findings (${errors} errors, ${report.findings.length - errors} other):`,
        formatFindings(report.findings),
        "",
        "Quota use (requests and limits of every rendered pod times replicas, surge, operator pods and task capacity):",
        formatQuota(report.quota),
    ];
}

export function planJson(stack: string, rows: PlanRow[], model?: BuiltModel): PlanJson {
    return { stack, offline: true, resources: rows, ...(model ? { rendered: renderedSummary(model) } : {}) };
}

async function clusterSummary(run: Run): Promise<ClusterSummary> {
    const component = run.resources.find((r: RecordedResource) => r.type.startsWith("dataops:cluster:"));
    const out = (run.outputs ?? {}) as Record<string, unknown>;
    return {
        kind: component ? component.type.slice("dataops:cluster:".length) : "?",
        cloud: String(out.cloud ?? "?"),
        name: String((await valueOf(out.clusterName as string | undefined)) ?? "?"),
    };
}

function readPlan(file: string): PlanJson {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PlanJson>;
    if (!Array.isArray(parsed.resources)) {
        throw new Error(`${file} is not a plan JSON (make one with: npm run -s plan -- --stack <name> --json > ${file})`);
    }
    return { stack: String(parsed.stack ?? "?"), offline: true, resources: parsed.resources, ...(parsed.rendered ? { rendered: parsed.rendered } : {}) };
}

/** Renders the requested view of a finished run (and its rendered model with --render); pure apart from resolving the cluster name output. */
export async function render(opts: PlanOptions, run: Run, model?: BuiltModel, report?: ModelReport): Promise<string> {
    const rows = planRows(run);
    if (opts.diff !== undefined) {
        const base = readPlan(opts.diff);
        const d = diffPlans(base, planJson(opts.stack, rows));
        if (model) {
            if (!base.rendered) {
                throw new Error(`${opts.diff} has no rendered model to compare: make it with npm run -s plan -- --stack <name> --json --render > ${opts.diff}`);
            }
            d.rendered = diffRendered(base.rendered, renderedSummary(model));
        }
        const title = `Plan diff for stack "${opts.stack}" against ${opts.diff} (stack "${base.stack}")`;
        return opts.format === "json" ? JSON.stringify(d, null, 2) : opts.format === "markdown" ? formatDiffMarkdown(d, title) : formatDiffText(d, title);
    }
    if (opts.isolation) {
        const report = isolationReport(run.resources);
        return opts.format === "json"
            ? JSON.stringify(report, null, 2)
            : opts.format === "markdown"
              ? formatIsolationMarkdown(opts.stack, report)
              : formatIsolationText(report);
    }
    if (model && opts.format === "table") {
        return formatRendered(model, report ? renderedFindings(report) : []);
    }
    switch (opts.format) {
        case "json":
            return JSON.stringify({ ...planJson(opts.stack, rows, model), ...(report ? { findings: report.findings, quota: report.quota } : {}) }, null, 2);
        case "markdown":
            return [
                formatMarkdown(opts.stack, await clusterSummary(run), rows, isolationReport(run.resources), await runPolicies(run.resources)) + poolsSection(opts.stack, "markdown"),
                "### Front door",
                "",
                "```",
                ...formatFrontDoor(await frontDoorSummary(run)),
                "```",
            ].join("\n");
        case "table":
            return [
                `Offline plan for stack "${opts.stack}": desired state from Pulumi mocks. ` +
                    "No credentials, cluster or Pulumi CLI were used; provider-computed values are not shown.\n",
                formatTable(rows),
                `\n${rows.length} resources.`,
                poolsSection(opts.stack, "table"),
                "",
                ...formatFrontDoor(await frontDoorSummary(run)),
            ].join("\n");
    }
}

/** The stack's node pools (purpose, bounds, capacity type); empty for local clusters. */
function poolsSection(stack: string, format: "markdown" | "table"): string {
    const { config, secretKeys } = stackFileConfig(stack);
    const cfg = loadConfig(config, stack, PROJECT, (k) => secretKeys.includes(k)).config;
    if (cfg.cluster.nodePools.length === 0) {
        return "";
    }
    return format === "markdown" ? `\n### Node pools\n\n${formatPoolsMarkdown(cfg)}\n` : `\nNode pools:\n${formatPoolsText(cfg)}`;
}

export async function main(argv: string[]): Promise<number> {
    let opts: PlanOptions;
    try {
        opts = parseArgs(argv);
        if (opts.matrix) {
            console.log(JSON.stringify(ciMatrix(opts.environment)));
            return 0;
        }
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    let run: Run;
    let stackConfig: ReturnType<typeof stackFileConfig>;
    try {
        stackConfig = stackFileConfig(opts.stack);
        run = await runIndex(opts.stack, stackConfig.config, stackConfig.secretKeys);
        run.warnings.unshift(...stackConfig.notes);
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    // Warnings go to stderr, so saved JSON stays parseable.
    for (const w of run.warnings) {
        console.error(`warning: ${w}`);
    }
    if (run.error) {
        console.error(run.error instanceof ConfigError ? run.error.message : String(run.error.stack ?? run.error));
        return 1;
    }
    try {
        const model = opts.render ? await modelFromRun(opts.stack, run, stackConfig.config, stackConfig.secretKeys) : undefined;
        const report = model ? runChecks(model, checkOptions(loadConfig(stackConfig.config, opts.stack, PROJECT, (k) => stackConfig.secretKeys.includes(k)).config)) : undefined;
        console.log(await render(opts, run, model, report));
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    return 0;
}

if (require.main === module) {
    // Pulumi records a stack trace per resource (for source positions the plan never shows); mapping deep traces
    // through ts-node's source maps costs about a third of a plan's time. A few frames still locate a program error.
    Error.stackTraceLimit = 4;
    main(process.argv.slice(2)).then(exitWhenFlushed);
}
