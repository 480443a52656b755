// Offline plan: runs the program under Pulumi mocks with a stack's Pulumi.<stack>.yaml and prints the desired state.
// Needs no credentials, no cluster and no Pulumi CLI. Usage: npm run plan -- --stack dev [--json]
import { ConfigError } from "../stacks/problems";
import { RecordedResource, Resources, Run, runStack } from "../tests/harness";

export interface PlanOptions {
    stack: string;
    json: boolean;
}

export function parseArgs(argv: string[]): PlanOptions {
    const opts: PlanOptions = { stack: "dev", json: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") {
            opts.stack = argv[++i] ?? "";
        } else if (a.startsWith("--stack=")) {
            opts.stack = a.slice("--stack=".length);
        } else if (a === "--json") {
            opts.json = true;
        } else {
            throw new Error(`unknown argument ${a}; usage: npm run plan -- --stack <name> [--json]`);
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

/** Secret inputs never leave the plan in clear text. */
function redact(inputs: Record<string, any>, secretPaths: string[]): Record<string, unknown> {
    const copy = structuredClone(inputs);
    for (const p of secretPaths) {
        const parts = p.split(".");
        let o: any = copy;
        for (const part of parts.slice(0, -1)) {
            o = o?.[part];
        }
        if (o && typeof o === "object") {
            o[parts[parts.length - 1]] = "[secret]";
        } else if (parts.length === 1 && p === "") {
            return { value: "[secret]" };
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
        provider: r.provider ? label(r.provider.split("::")[0]) : "",
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

export async function main(argv: string[]): Promise<number> {
    let opts: PlanOptions;
    try {
        opts = parseArgs(argv);
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    let run: Run;
    try {
        run = await runStack(opts.stack);
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    if (run.error) {
        console.error(run.error instanceof ConfigError ? run.error.message : String(run.error.stack ?? run.error));
        return 1;
    }
    const rows = planRows(run);
    if (opts.json) {
        console.log(JSON.stringify({ stack: opts.stack, offline: true, resources: rows }, null, 2));
    } else {
        console.log(
            `Offline plan for stack "${opts.stack}": desired state from Pulumi mocks. ` +
                "No credentials, cluster or Pulumi CLI were used; provider-computed values are not shown.\n",
        );
        console.log(formatTable(rows));
        console.log(`\n${rows.length} resources.`);
    }
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
