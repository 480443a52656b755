// The Pulumi program for a validated config: one stack with the cluster and the platform (the default), or one half
// of a split pair (dataops:deploy.part): a cluster stack that exports what its platform stack needs, and a platform
// stack that installs on it through a StackReference. Cluster-owning runs first compare with the settings the previous
// run of the same stack exported, so a skipped minor version or a create-only change stops before anything changes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../stacks/config";
import { clusterChangeProblems, ClusterSettings, locationSetting } from "../stacks/day2";
import { ConfigError } from "../stacks/problems";
import { createCluster } from "./cluster";
import { clusterLocation, gkeArgsFrom } from "./cluster/gke/plan";
import type { ClusterInfo } from "./cluster/types";
import { DataPlatform } from "./platform";
import { buildStack, StackOutputs } from "./stack";

export interface ClusterStackOutputs {
    cloud: string;
    profile: string;
    clusterName: pulumi.Output<string>;
    kubeconfig?: pulumi.Output<string>;
    /** What the platform needs to know about the cluster (resolved to plain values in the stack's outputs). */
    clusterInfo: ClusterInfo;
    clusterSettings: ClusterSettings;
}

/** The settings a cluster is created with, as the stack exports them for the next run (and the platform stack). */
export function clusterSettings(cfg: PlatformConfig): ClusterSettings {
    const zone = cfg.cloud === "gcp" && cfg.profile === "dev" ? clusterLocation(gkeArgsFrom(cfg)) : undefined;
    return {
        cloud: cfg.cloud,
        name: cfg.cluster.name,
        kubernetesVersion: cfg.cluster.kubernetesVersion,
        location: locationSetting(cfg.cloud, cfg.providers, zone),
        networkCidr: cfg.cluster.networkCidr,
        podCidr: cfg.cluster.podCidr,
        serviceCidr: cfg.cluster.serviceCidr,
    };
}

/** The fully qualified name of the running stack, for reading its own previous outputs. */
export function ownStackName(): string {
    return `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** Throws a ConfigError when this run would change what the cloud cannot change in place (the previous run's outputs). */
export async function checkPreviousRun(cfg: PlatformConfig): Promise<void> {
    if (cfg.cloud === "local" || !cfg.deploy.checkPrevious) {
        return;
    }
    const self = new pulumi.StackReference("previous-run", { name: ownStackName() });
    const previous = (await self.getOutputDetails("clusterSettings")).value as ClusterSettings | undefined;
    const problems = clusterChangeProblems(previous, clusterSettings(cfg), `${cfg.project}:`);
    if (problems.length > 0) {
        throw new ConfigError(cfg.stack, problems);
    }
}

export async function buildProgram(cfg: PlatformConfig): Promise<StackOutputs | ClusterStackOutputs> {
    if (cfg.deploy.part === "platform") {
        return buildPlatformStack(cfg);
    }
    await checkPreviousRun(cfg);
    if (cfg.deploy.part === "cluster") {
        const cluster = createCluster(cfg);
        return {
            cloud: cfg.cloud,
            profile: cfg.profile,
            clusterName: cluster.clusterName,
            kubeconfig: cluster.kubeconfig,
            clusterInfo: cluster.info,
            clusterSettings: clusterSettings(cfg),
        };
    }
    return { ...buildStack(cfg), clusterSettings: clusterSettings(cfg) };
}

/** Settings both halves must agree on: the platform's network policies use the service range, for one. */
const SHARED_SETTINGS = ["cloud", "name", "serviceCidr"] as const;

/** The platform half: reads the cluster stack's outputs and installs the platform through its kubeconfig. */
export async function buildPlatformStack(cfg: PlatformConfig): Promise<StackOutputs> {
    const name = cfg.deploy.clusterStack ?? "";
    const ref = new pulumi.StackReference("cluster-stack", { name });
    const info = (await ref.getOutputDetails("clusterInfo")).value as ClusterInfo | undefined;
    const theirs = (await ref.getOutputDetails("clusterSettings")).value as ClusterSettings | undefined;
    if (!info || !theirs) {
        throw new pulumi.RunError(
            `Stack ${name} (${cfg.project}:deploy.clusterStack) has no clusterInfo output: run \`pulumi up\` on it first, with ${cfg.project}:deploy.part cluster.`,
        );
    }
    const ours = clusterSettings(cfg);
    const differ = SHARED_SETTINGS.filter((k) => theirs[k] !== ours[k]);
    if (differ.length > 0) {
        throw new pulumi.RunError(
            `Stack ${name} built its cluster with ${differ.map((k) => `${k} ${theirs[k]}`).join(", ")}, but this stack's config says ` +
                `${differ.map((k) => `${k} ${ours[k]}`).join(", ")}: give both stacks the same ${cfg.project}:cloud and ${cfg.project}:cluster settings.`,
        );
    }
    // Keyed by the cluster's name, not its kubeconfig: a rotated CA updates the provider instead of replacing it.
    const provider = new k8s.Provider("cluster-k8s", { kubeconfig: ref.requireOutput("kubeconfig"), clusterIdentifier: ref.requireOutput("clusterName") });
    const platform = new DataPlatform("platform", { config: cfg, cluster: info, provider, clusterReady: [] });
    return { cloud: cfg.cloud, profile: cfg.profile, clusterName: ref.requireOutput("clusterName") as pulumi.Output<string>, ...platform.outputs };
}
