// Day-2 rules: how a stack is split into a cluster half and a platform half, what the previous deployment of the same
// stack allows to change (one Kubernetes minor at a time, no create-only field under the same cluster name), and
// documentation-range CIDRs copied from examples. Pure functions, unit-tested without mocks.
import { z } from "zod";
import { contains, parseCidr } from "./cidr";
import type { ProviderSettings } from "./clouds/context";
import type { Problem } from "./problems";
import type { Cloud, RawPlatformConfig } from "./schema";

export const DEPLOY_PARTS = ["all", "cluster", "platform"] as const;
export type DeployPart = (typeof DEPLOY_PARTS)[number];

/** A stack name as `pulumi stack ls` prints it: `stack`, `project/stack` or `org/project/stack`. */
export const STACK_REF = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

export const deploySchema = z.strictObject({
    /** all: one stack builds the cluster and the platform; cluster / platform: two stacks, the second reads the first. */
    part: z.enum(DEPLOY_PARTS).optional(),
    /** The cluster stack a platform stack installs on (its outputs: kubeconfig, clusterInfo, clusterName). */
    clusterStack: z.string().regex(STACK_REF, "must be a stack name like myorg/dataops/prod-aws-cluster").optional(),
    /**
     * Compare with the settings this stack's previous run exported (default true): refuses skipped minor versions and
     * create-only changes before anything is created. It reads the stack's own outputs through a StackReference.
     */
    checkPrevious: z.boolean().optional(),
});

export type DeployInput = z.infer<typeof deploySchema>;

/** The outputs a cluster stack exports for its platform stack. */
export const CLUSTER_STACK_OUTPUTS = ["kubeconfig", "clusterName", "clusterInfo"] as const;

export function deployProblems(config: Partial<RawPlatformConfig>, stack: string, prefix: string): Problem[] {
    const d = config.deploy;
    if (!d) {
        return [];
    }
    const problems: Problem[] = [];
    const part = d.part ?? "all";
    if (part !== "all" && config.cloud === "local") {
        problems.push({
            key: `${prefix}deploy.part`,
            value: part,
            message: "cannot split a local stack: the local cluster already exists, so there is no cluster half to deploy.",
            fix: `remove ${prefix}deploy.`,
        });
    }
    if (part === "platform" && d.clusterStack === undefined) {
        problems.push({
            key: `${prefix}deploy.clusterStack`,
            message: `is required when ${prefix}deploy.part is platform: it names the stack that created the cluster.`,
            fix: `pulumi config set --path ${prefix}deploy.clusterStack <org>/dataops/<cluster stack>`,
        });
    }
    if (part !== "platform" && d.clusterStack !== undefined) {
        problems.push({
            key: `${prefix}deploy.clusterStack`,
            value: d.clusterStack,
            message: `only applies when ${prefix}deploy.part is platform (it is ${part}).`,
            fix: `set ${prefix}deploy.part to platform, or remove ${prefix}deploy.clusterStack.`,
        });
    }
    if (d.clusterStack !== undefined && d.clusterStack.split("/").pop() === stack) {
        problems.push({
            key: `${prefix}deploy.clusterStack`,
            value: d.clusterStack,
            message: "names this stack; the platform stack must read a separate cluster stack.",
            fix: `deploy the cluster from a stack of its own (e.g. ${stack}-cluster with ${prefix}deploy.part cluster) and name it here.`,
        });
    }
    return problems;
}

/** RFC 5737 ranges: reserved for documentation, so a config that uses one copied an example. */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;

/** Warnings, not errors: the shipped examples use these ranges on purpose, so a stack copied from one is flagged. */
export function documentationRangeWarnings(config: Partial<RawPlatformConfig>, prefix: string): string[] {
    const listed: { key: string; text: string }[] = [];
    const cl = config.cluster ?? {};
    for (const field of ["networkCidr", "podCidr", "serviceCidr"] as const) {
        const text = cl[field];
        if (text !== undefined) {
            listed.push({ key: `${prefix}cluster.${field}`, text });
        }
    }
    (cl.authorizedCidrs ?? []).forEach((text, i) => listed.push({ key: `${prefix}cluster.authorizedCidrs[${i}]`, text }));
    (config.local?.apiServerCidrs ?? []).forEach((text, i) => listed.push({ key: `${prefix}local.apiServerCidrs[${i}]`, text }));
    (config.airflow?.databaseCidrs ?? []).forEach((text, i) => listed.push({ key: `${prefix}airflow.databaseCidrs[${i}]`, text }));
    const warnings: string[] = [];
    for (const { key, text } of listed) {
        const cidr = parseCidr(text);
        const range = cidr && DOCUMENTATION_RANGES.find((r) => contains(parseCidr(r)!, cidr));
        if (range) {
            warnings.push(
                `${key} = ${text} is inside ${range}, a documentation range (RFC 5737) that examples use; no real network has these ` +
                    "addresses. Replace it with your own range (VPN, office, CI runners).",
            );
        }
    }
    return warnings;
}

/**
 * What the cluster was created with, exported as the stack output `clusterSettings` so the next run can compare:
 * fields the clouds cannot change in place, and the Kubernetes minor.
 */
export interface ClusterSettings {
    cloud: Cloud;
    name: string;
    kubernetesVersion: string;
    /** `<provider key>=<value>`: the region, location or zone the cluster lives in. */
    location: string;
    networkCidr: string;
    podCidr: string;
    serviceCidr: string;
}

/** Fields a cloud rejects changing on an existing cluster (AWS ignores podCidr: the VPC CNI takes node subnet IPs). */
export function createOnlyFields(cloud: Cloud): (keyof ClusterSettings)[] {
    if (cloud === "local") {
        return [];
    }
    return cloud === "aws" ? ["location", "networkCidr", "serviceCidr"] : ["location", "networkCidr", "podCidr", "serviceCidr"];
}

export function locationSetting(cloud: Cloud, providers: ProviderSettings, gcpZone?: string): string {
    switch (cloud) {
        case "aws":
            return `aws:region=${providers.awsRegion ?? ""}`;
        case "gcp":
            return gcpZone ? `dataops:gcp.zone=${gcpZone}` : `gcp:region=${providers.gcpRegion ?? ""}`;
        case "azure":
            return `azure-native:location=${providers.azureLocation ?? ""}`;
        case "local":
            return "local";
    }
}

function minor(version: string): number | undefined {
    const m = /^1\.(\d+)$/.exec(version);
    return m ? Number(m[1]) : undefined;
}

/**
 * Compares this run's cluster settings with those the previous run of the same stack exported. A create-only field
 * may only change together with the cluster name (a new cluster is then built beside the old one); the Kubernetes
 * minor moves up by at most one and never down.
 */
export function clusterChangeProblems(previous: ClusterSettings | undefined, next: ClusterSettings, prefix: string): Problem[] {
    if (!previous || previous.cloud !== next.cloud) {
        return [];
    }
    const problems: Problem[] = [];
    if (previous.name === next.name) {
        for (const field of createOnlyFields(next.cloud)) {
            if (previous[field] === next[field]) {
                continue;
            }
            const [key, value] = field === "location" ? next.location.split("=") : [`${prefix}cluster.${field}`, next[field]];
            const before = field === "location" ? previous.location.split("=")[1] : previous[field];
            problems.push({
                key,
                value,
                message:
                    `was ${before} when cluster ${previous.name} was created; ${next.cloud} cannot change it on an existing cluster, ` +
                    "and a replacement under the same name fails because the old cluster still holds the name.",
                fix: `set it back to ${before}, or build a new cluster beside the old one by also setting ${prefix}cluster.name (e.g. ${previous.name}-2): docs/day2.md 'Replacing the cluster'.`,
            });
        }
    }
    const was = minor(previous.kubernetesVersion);
    const now = minor(next.kubernetesVersion);
    if (previous.name === next.name && was !== undefined && now !== undefined) {
        if (now > was + 1) {
            problems.push({
                key: `${prefix}cluster.kubernetesVersion`,
                value: next.kubernetesVersion,
                message: `skips minor versions: the cluster runs 1.${was}, and control planes and nodes upgrade one minor at a time.`,
                fix: `set it to 1.${was + 1}, run pulumi up, then continue one minor per run up to ${next.kubernetesVersion}.`,
            });
        } else if (now < was) {
            problems.push({
                key: `${prefix}cluster.kubernetesVersion`,
                value: next.kubernetesVersion,
                message: `is lower than 1.${was}, the version the cluster runs; managed Kubernetes cannot be downgraded.`,
                fix: `set it back to 1.${was}.`,
            });
        }
    }
    return problems;
}
