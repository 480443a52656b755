// The chart cache rendering reads from: $DATAOPS_CHARTS, else .charts/ in the project (gitignored). `npm run charts`
// fills it with `helm pull` of the pinned versions; every archive is checked against the content digest the project
// records before it is rendered.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ACCESS_CHARTS, CHARTS, ChartRef, CLUSTER_CHARTS, WorkloadKey } from "../stacks/catalog";
import { ArchiveEntry, readTgz } from "./archive";

export const DEFAULT_CHART_CACHE = ".charts";

/**
 * Content digests (see contentDigest) of the pinned charts, recorded from archives packaged from the upstream git tags
 * (`helm package` of the chart directory with its dependencies). A digest over file contents, not archive bytes, so
 * the same chart packaged by another `helm package` run (timestamps, gzip headers, dependencies as .tgz) matches.
 */
export const CHART_DIGESTS: Record<string, string> = {
    "airflow@1.18.0": "f4d8680ea71c1cdb3bdd10130ab1cfc0a8bd91f7a8dc979852f2fd6ee435a746",
    "grafana@12.11.1": "bf1ba4d882ea24ff67fff0d212c88b0ea8ef57ab6ee3dde81c68c126bd44643e",
    "kube-prometheus-stack@88.5.3": "5647244c9476313d9ab0c2cf81ba21c92e7fb06cd747cd326f1c46aa3b53b083",
    "spark-operator@2.5.2": "aebd32e34b10d2551ebb05da19599a5bf64e892c08a93a421278671bd6c79aa3",
    "strimzi-kafka-operator@1.2.0": "c10babf8cc482002ed41743d4f46068da9affdd66e8c25ae7a8d120b6fba1501",
};

/**
 * Versions that stand in for a pinned chart the cache cannot hold. Airflow 1.22.0 could not be obtained for this
 * project's offline machines; 1.18.0's templates ignore the keys added in 1.19-1.22, so what it renders is close but
 * not the same, and every rendering that uses it says so.
 */
export const STAND_INS: Record<string, { version: string; why: string }> = {
    "airflow@1.22.0": { version: "1.18.0", why: "airflow 1.22.0 is not in the chart cache; 1.18.0 stands in (its templates ignore keys added in 1.19-1.22)" },
};

export class ChartNotFound extends Error {}

export function chartCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
    return path.resolve(root, env.DATAOPS_CHARTS || DEFAULT_CHART_CACHE);
}

/** The chart's own name: the last segment of an OCI reference, or the name in its repository. */
export function chartName(ref: Pick<ChartRef, "chart">): string {
    return ref.chart.split("/").pop()!;
}

export function archiveName(ref: Pick<ChartRef, "chart">, version: string): string {
    return `${chartName(ref)}-${version}.tgz`;
}

/** `helm pull` arguments that put a chart version into the cache. */
export function pullArgs(ref: ChartRef, version: string, dir: string): string[] {
    const source = ref.repo ? [ref.chart, "--repo", ref.repo] : [ref.chart];
    return ["pull", ...source, "--version", version, "--destination", dir];
}

export interface ResolvedChart {
    file: string;
    /** The version in the archive: the pinned one, or a stand-in's. */
    version: string;
    standIn?: string;
}

/** The archive to render for a chart version, or ChartNotFound saying how to get it. */
export function resolveChart(ref: ChartRef, version: string, dir: string): ResolvedChart {
    const file = path.join(dir, archiveName(ref, version));
    if (fs.existsSync(file)) {
        return { file, version };
    }
    const standIn = STAND_INS[`${chartName(ref)}@${version}`];
    if (standIn && fs.existsSync(path.join(dir, archiveName(ref, standIn.version)))) {
        return { file: path.join(dir, archiveName(ref, standIn.version)), version: standIn.version, standIn: standIn.why };
    }
    throw new ChartNotFound(
        `chart ${chartName(ref)} ${version} is not in the chart cache ${dir} (looked for ${archiveName(ref, version)}): ` +
            `run \`npm run charts\` (helm pull from ${ref.repo ?? ref.chart}, needs network), or point DATAOPS_CHARTS at a folder holding it`,
    );
}

/** Subchart archives (`<chart>/charts/<dep>.tgz`) count as their files, so vendored and packed dependencies agree. */
function expand(entries: ArchiveEntry[]): ArchiveEntry[] {
    return entries.flatMap((e) => {
        const nested = /^([^/]+\/charts)\/[^/]+\.tgz$/.exec(e.path);
        return nested ? expand(readTgz(e.data)).map((n) => ({ path: `${nested[1]}/${n.path}`, data: n.data })) : [e];
    });
}

/** sha256 over the sorted list of `<sha256 of file>  <path>` lines of a chart archive's files. */
export function contentDigest(tgz: Buffer): string {
    const lines = expand(readTgz(tgz))
        .map((e) => `${crypto.createHash("sha256").update(e.data).digest("hex")}  ${e.path}`)
        .sort();
    return crypto.createHash("sha256").update(lines.join("\n")).digest("hex");
}

const verified = new Map<string, string>();

/** Checks an archive against the recorded digest; throws on a mismatch, returns a warning when none is recorded. */
export function verifyChart(file: string, name: string, version: string): string | undefined {
    const key = `${name}@${version}`;
    const expected = CHART_DIGESTS[key];
    const actual = verified.get(file) ?? contentDigest(fs.readFileSync(file));
    verified.set(file, actual);
    if (expected === undefined) {
        return `no content digest recorded for ${key}; ${file} is unverified (its digest is ${actual}: review the chart, then record it in model/charts.ts)`;
    }
    if (actual !== expected) {
        throw new Error(`${file} has content digest ${actual}, but the project records ${expected} for ${key}: delete it and run \`npm run charts\` again`);
    }
    return undefined;
}

/** Every chart and version a set of stacks pins (catalog defaults plus `dataops:<workload>.chartVersion` overrides). */
export function pinnedCharts(versions: Partial<Record<WorkloadKey, string>>[] = []): { ref: ChartRef; version: string }[] {
    const seen = new Map<string, { ref: ChartRef; version: string }>();
    for (const [key, ref] of Object.entries(CHARTS) as [WorkloadKey, ChartRef][]) {
        for (const version of [ref.version, ...versions.map((v) => v[key]).filter((v): v is string => !!v)]) {
            seen.set(`${key}@${version}`, { ref, version });
        }
    }
    return [...seen.values()];
}

/**
 * Charts rendered when the cache holds them and otherwise named in a warning (model/index.ts): Karpenter and the front
 * door's, which the offline chart store CI uses does not hold. `npm run charts -- --optional` pulls them.
 */
export function optionalCharts(): { ref: ChartRef; version: string }[] {
    return [...Object.values(CLUSTER_CHARTS), ...Object.values(ACCESS_CHARTS)].map((ref) => ({ ref, version: ref.version }));
}
