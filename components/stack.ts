// Builds the whole stack for a validated config: the cluster target, then the platform on its provider.
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../stacks/config";
import { createCluster } from "./cluster";
import { DataPlatform } from "./platform";

export interface StackOutputs {
    cloud: string;
    profile: string;
    clusterName: pulumi.Output<string>;
    kubeconfig?: pulumi.Output<string>;
    namespaces: pulumi.Output<string[]>;
    kafkaBootstrapServers?: pulumi.Output<string>;
    kafkaBootstrapServersTls?: pulumi.Output<string>;
    airflowUrl?: pulumi.Output<string>;
    grafanaUrl?: pulumi.Output<string>;
    grafanaAdminSecret?: pulumi.Output<string>;
    prometheusUrl?: pulumi.Output<string>;
}

export function buildStack(cfg: PlatformConfig): StackOutputs {
    const cluster = createCluster(cfg);
    const platform = new DataPlatform("platform", {
        config: cfg,
        cluster: cluster.info,
        provider: cluster.provider,
        clusterReady: cluster.ready,
    });
    return {
        cloud: cfg.cloud,
        profile: cfg.profile,
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        ...platform.outputs,
    };
}
