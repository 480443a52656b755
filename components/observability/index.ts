// Scrape targets, dashboards and alerting for the platform's workloads (see README 'Observability').
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../stacks/config";

export interface ObservabilityArgs {
    config: PlatformConfig;
    provider: k8s.Provider;
    /** The kube-prometheus-stack release: monitors and rules need its CRDs and operator. */
    monitoringRelease: pulumi.Resource;
    /** Namespaces of the platform, by name (only the enabled workloads' namespaces are present). */
    namespaces: Record<string, pulumi.Input<string>>;
}

export class Observability extends pulumi.ComponentResource {
    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:observability:Observability", name, {}, opts);
        void args;
        this.registerOutputs({});
    }
}
