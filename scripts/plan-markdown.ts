// The reviewer's view of an offline plan: a Mermaid diagram (cluster, namespaces, releases, allowed flows), the isolation
// matrix, team access and each team's Kafka topics and ACLs from the isolation report, the policy results, and the resource table. Markdown for the GitHub
// job summary; the isolation report also has a plain-text form for `--isolation`.
import type { Flow, IsolationReport } from "./isolation";
import type { PlanRow } from "./plan";
import type { PolicyRun } from "./plan-policy";

export interface ClusterSummary {
    /** Cluster target kind from its component type (Local, Eks, Gke, Aks). */
    kind: string;
    cloud: string;
    name: string;
}

export interface ReleaseSummary {
    name: string;
    chart: string;
    version: string;
    namespace: string;
}

export function releasesOf(rows: PlanRow[]): ReleaseSummary[] {
    return rows
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
        .map((r) => ({
            name: r.name,
            chart: String(r.inputs.chart ?? ""),
            version: String(r.inputs.version ?? ""),
            namespace: String(r.inputs.namespace ?? "default"),
        }));
}

/** Mermaid ids allow only word characters. */
function id(prefix: string, s: string): string {
    return `${prefix}_${s.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** Mermaid labels are quoted; a quote inside is written as an entity. */
function label(s: string): string {
    return `"${s.replace(/"/g, "#quot;")}"`;
}

function portText(f: Pick<Flow, "port" | "protocol">): string {
    return f.port === "any" ? `${f.protocol} any` : `${f.protocol} ${f.port}`;
}

/** Flows grouped by (from, to), their ports in first-seen order. */
export function groupFlows(flows: Flow[]): { from: string; to: string; ports: string[] }[] {
    const groups = new Map<string, { from: string; to: string; ports: string[] }>();
    for (const f of flows) {
        const k = `${f.from}\u0000${f.to}`;
        const g = groups.get(k) ?? { from: f.from, to: f.to, ports: [] };
        const p = portText(f);
        if (!g.ports.includes(p)) {
            g.ports.push(p);
        }
        groups.set(k, g);
    }
    return [...groups.values()];
}

export function mermaidDiagram(cluster: ClusterSummary, namespaces: string[], releases: ReleaseSummary[], flows: Flow[]): string {
    const inCluster = [...new Set([...namespaces, ...releases.map((r) => r.namespace)])];
    const outside = [...new Set(flows.flatMap((f) => [f.from, f.to]))].filter((n) => !inCluster.includes(n));
    const node = (n: string) => (inCluster.includes(n) ? id("ns", n) : id("ext", n));
    const lines = ["flowchart LR", `    subgraph cluster[${label(`${cluster.kind} cluster ${cluster.name} (${cluster.cloud})`)}]`];
    for (const ns of inCluster) {
        lines.push(`        subgraph ${id("ns", ns)}[${label(`namespace ${ns}`)}]`);
        const here = releases.filter((r) => r.namespace === ns);
        if (here.length === 0) {
            lines.push(`            ${id("empty", ns)}[${label("no release")}]`);
        }
        for (const r of here) {
            lines.push(`            ${id("rel", r.name)}[${label(`${r.name}: ${r.chart.split("/").pop()} ${r.version}`)}]`);
        }
        lines.push("        end");
    }
    lines.push("    end");
    for (const ext of outside) {
        lines.push(`    ${id("ext", ext)}([${label(ext)}])`);
    }
    for (const g of groupFlows(flows).filter((x) => x.from !== x.to)) {
        lines.push(`    ${node(g.from)} -->|${label(g.ports.join(", "))}| ${node(g.to)}`);
    }
    return lines.join("\n");
}

/** Rows: source namespace; columns: destination; cells: allowed ports, or "-" when nothing is allowed. */
export function isolationMatrix(report: IsolationReport): { headers: string[]; rows: string[][] } {
    const names = [...new Set([...report.namespaces, ...report.flows.flatMap((f) => [f.from, f.to])])];
    const groups = groupFlows(report.flows);
    const cell = (from: string, to: string) => groups.find((g) => g.from === from && g.to === to)?.ports.join(", ") ?? "-";
    return { headers: ["from \\ to", ...names], rows: names.map((from) => [from, ...names.map((to) => cell(from, to))]) };
}

function markdownTable(headers: string[], rows: string[][]): string {
    const esc = (s: string) => s.replace(/\|/g, "\\|");
    return [`| ${headers.map(esc).join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join(
        "\n",
    );
}

function textTable(headers: string[], rows: string[][]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function teamRows(report: IsolationReport): string[][] {
    return report.teams.map((t) => [t.team, t.group, t.namespace, t.role]);
}

function kafkaRows(report: IsolationReport): string[][] {
    return report.kafka.map((k) => [k.team, k.user, k.topics.join(", ") || "none", k.acls.join("; ")]);
}

export function formatIsolationText(report: IsolationReport): string {
    const m = isolationMatrix(report);
    return [
        `Namespaces: ${report.namespaces.join(", ") || "none"}`,
        "",
        "Allowed flows (rows: from, columns: to):",
        m.rows.length > 0 ? textTable(m.headers, m.rows) : "none",
        "",
        "Team access:",
        report.teams.length > 0 ? textTable(["TEAM", "GROUP", "NAMESPACE", "ROLE"], teamRows(report)) : "none",
        "",
        "Kafka access (topics as partitions x replicas):",
        report.kafka.length > 0 ? textTable(["TEAM", "USER", "TOPICS", "ACLS"], kafkaRows(report)) : "none",
    ].join("\n");
}

/** The markdown sections on isolation: the matrix, team access and Kafka access (both the full plan and --isolation). */
function isolationSections(report: IsolationReport): string[] {
    const matrix = isolationMatrix(report);
    return [
        "### Isolation matrix",
        "",
        "Rows are sources, columns destinations; a cell lists the ports allowed, `-` means denied.",
        "",
        matrix.rows.length > 0 ? markdownTable(matrix.headers, matrix.rows) : "No platform namespaces.",
        "",
        "### Team access",
        "",
        report.teams.length > 0 ? markdownTable(["team", "group", "namespace", "role"], teamRows(report)) : "No team bindings.",
        "",
        "### Kafka access",
        "",
        report.kafka.length > 0
            ? markdownTable(["team", "user", "topics (partitions x replicas)", "ACLs"], kafkaRows(report))
            : "No team has Kafka access.",
        "",
    ];
}

/** The isolation view as markdown: the isolation sections of the full markdown plan. */
export function formatIsolationMarkdown(stack: string, report: IsolationReport): string {
    return [
        `## Isolation: \`${stack}\``,
        "",
        `Namespaces: ${report.namespaces.map((n) => `\`${n}\``).join(", ") || "none"}.`,
        "",
        ...isolationSections(report),
    ].join("\n");
}

function policySection(policy: PolicyRun): string {
    if (policy.violations.length === 0) {
        return `All policies pass. Applied: ${policy.applied.map((p) => `\`${p}\``).join(", ") || "none"}.`;
    }
    return markdownTable(
        ["policy", "resource", "violation"],
        policy.violations.map((v) => [v.policy, v.urn.split("::").slice(-2).join("::") || "(stack)", v.message]),
    );
}

export function formatMarkdown(stack: string, cluster: ClusterSummary, rows: PlanRow[], report: IsolationReport, policy: PolicyRun): string {
    const releases = releasesOf(rows);
    return [
        `## Offline plan: \`${stack}\``,
        "",
        `Desired state from Pulumi mocks (no credentials, cluster or Pulumi CLI): ${rows.length} resources, ${releases.length} Helm releases. Provider-computed values are not shown.`,
        "",
        "### Platform",
        "",
        "```mermaid",
        mermaidDiagram(cluster, report.namespaces, releases, report.flows),
        "```",
        "",
        ...isolationSections(report),
        "### Policy pack",
        "",
        policySection(policy),
        "",
        "### Resources",
        "",
        "<details><summary>All resources</summary>",
        "",
        markdownTable(
            ["type", "name", "parent", "namespace"],
            rows.map((r) => [r.type, r.name, r.parent.split("::").pop() ?? "", r.namespace]),
        ),
        "",
        "</details>",
        "",
    ].join("\n");
}
