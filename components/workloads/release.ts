// The Helm release settings every workload shares: pinned, atomic, cleaned up on failure, bounded in time and history.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartRef } from "../../stacks/catalog";

/** Revisions Helm keeps per release: enough to roll back, small enough to keep release Secrets small. */
export const MAX_HISTORY = 5;

export interface ReleaseSpec {
    chart: ChartRef;
    version: string;
    namespace: pulumi.Input<string>;
    values: pulumi.Input<Record<string, unknown>>;
    timeoutSeconds: number;
    /** CRDs are applied by Pulumi (server-side) instead of Helm, which never upgrades them. */
    skipCrds?: boolean;
    /** Wait for the chart's Jobs to complete (default); off where something else awaits them. */
    waitForJobs?: boolean;
}

export function releaseArgs(spec: ReleaseSpec): k8s.helm.v3.ReleaseArgs {
    return {
        name: spec.chart.releaseName,
        chart: spec.chart.chart,
        version: spec.version,
        ...(spec.chart.repo ? { repositoryOpts: { repo: spec.chart.repo } } : {}),
        namespace: spec.namespace,
        createNamespace: false,
        atomic: true,
        cleanupOnFail: true,
        timeout: spec.timeoutSeconds,
        maxHistory: MAX_HISTORY,
        waitForJobs: spec.waitForJobs ?? true,
        skipCrds: spec.skipCrds ?? false,
        values: spec.values,
    };
}
