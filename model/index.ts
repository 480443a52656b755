// The rendered model of a stack: run the program under mocks, render every Helm release it registers with real helm,
// and put the rendered objects together with the program's own objects.
import * as path from "path";
import { CRD_KINDS } from "../components/workloads/crds";
import { ACCESS_CHARTS, CHARTS, CLUSTER_CHARTS } from "../stacks/catalog";
import { loadConfig } from "../stacks/config";
import { PROJECT, RecordedResource, Run, runIndex, stackFileConfig } from "../tests/harness";
import { chartCacheDir, ChartNotFound, chartName } from "./charts";
import { directObjects } from "./direct";
import { findHelm, HelmBinary } from "./helm";
import { ReleaseInput, renderRelease, RenderResult } from "./render";
import type { ModelObject, PlatformModel } from "./types";

export type { K8sObject, ModelObject, PlatformModel, RenderedRelease } from "./types";

export const ROOT = path.resolve(__dirname, "..");

export interface BuiltModel extends PlatformModel {
    releases: RenderResult[];
    /** Stand-ins and unverified charts, to print wherever the model is shown. */
    warnings: string[];
    run: Run;
    helm: HelmBinary;
}

/** The `--api-versions` helm is told about: the CRDs of every operator workload the stack installs. */
export function crdApiVersions(releaseNames: readonly string[]): string[] {
    const kinds = (Object.keys(CRD_KINDS) as (keyof typeof CRD_KINDS)[])
        .filter((w) => releaseNames.includes(CHARTS[w].releaseName))
        .flatMap((w) => CRD_KINDS[w]);
    return [...new Set(kinds.flatMap((k) => [k.split("/").slice(0, 2).join("/"), k]))].sort();
}

/**
 * Charts the offline chart store may not hold: the cluster add-ons (Karpenter) and the front door's (docs/front-door.md).
 * They are rendered when the cache has them; otherwise the model names them in a warning instead of failing, and their
 * objects are missing from it (their custom resources are program objects, checked against their CRDs all the same).
 */
export const OPTIONAL_CHARTS: ReadonlySet<string> = new Set([...Object.values(CLUSTER_CHARTS), ...Object.values(ACCESS_CHARTS)].map((c) => chartName(c)));

function releaseInput(r: RecordedResource): ReleaseInput {
    return { ...(r.inputs as ReleaseInput) };
}

/** Builds the model from a finished mocked run of the program (config as the CLI would pass it). */
export async function modelFromRun(
    stack: string,
    run: Run,
    config: Record<string, string>,
    secretKeys: readonly string[] = [],
    root: string = ROOT,
): Promise<BuiltModel> {
    if (run.error) {
        throw run.error;
    }
    const cfg = loadConfig(config, stack, PROJECT, (k) => secretKeys.includes(k)).config;
    const helm = findHelm(root);
    const chartDir = chartCacheDir(root);
    const recorded = run.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const inputs = recorded.map(releaseInput);
    const apiVersions = crdApiVersions(inputs.map((i) => i.name));
    const skipped: string[] = [];
    const rendered = await Promise.all(
        inputs.map((input) =>
            renderRelease(input, { helm, chartDir, kubeVersion: cfg.cluster.kubernetesVersion, apiVersions }).catch((e: unknown) => {
                if (e instanceof ChartNotFound && OPTIONAL_CHARTS.has(chartName(input))) {
                    skipped.push(`${input.name}: not rendered: chart ${chartName(input)} ${input.version} is not in the chart cache (npm run charts -- --optional)`);
                    return undefined;
                }
                throw e;
            }),
        ),
    );
    const releases = rendered.filter((r): r is RenderResult => r !== undefined);
    const objects: ModelObject[] = [
        ...releases.flatMap((rel) => rel.objects.map((object) => ({ object, origin: { release: rel.release } }))),
        ...directObjects(run.resources).map((d) => ({ object: d.object, origin: { program: d.resource } })),
    ];
    return {
        stack,
        kubeVersion: cfg.cluster.kubernetesVersion,
        releases,
        objects,
        warnings: [...new Set([...releases.flatMap((r) => r.warnings), ...skipped.sort()])],
        run,
        helm,
    };
}

/** Runs a shipped stack (plus config overrides) and builds its model. */
export async function buildModel(stack: string, overrides: Record<string, string> = {}, root: string = ROOT): Promise<BuiltModel> {
    const { config, secretKeys } = stackFileConfig(stack, root);
    const all = { ...config, ...overrides };
    const run = await runIndex(stack, all, secretKeys, root);
    return modelFromRun(stack, run, all, secretKeys, root);
}

const cache = new Map<string, Promise<BuiltModel>>();

/** buildModel once per stack and process (tests share it; overrides are not cached). */
export function stackModel(stack: string): Promise<BuiltModel> {
    if (!cache.has(stack)) {
        cache.set(stack, buildModel(stack));
    }
    return cache.get(stack)!;
}
