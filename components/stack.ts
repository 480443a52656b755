// Builds the whole stack for a validated config: the cluster target, then the platform on its provider.
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../stacks/config";
import { createCluster } from "./cluster";
import { DataPlatform, PlatformOutputs } from "./platform";

export interface StackOutputs extends PlatformOutputs {
    cloud: string;
    profile: string;
    clusterName: pulumi.Output<string>;
    kubeconfig?: pulumi.Output<string>;
    /** host:port of Airflow's managed metadata database (`dataops:airflow.database: managed`). */
    airflowDatabaseEndpoint?: pulumi.Output<string>;
}

export function buildStack(cfg: PlatformConfig): StackOutputs {
    const cluster = createCluster(cfg);
    const platform = new DataPlatform("platform", {
        config: cfg,
        cluster: cluster.info,
        provider: cluster.provider,
        clusterReady: cluster.ready,
    });
    const db = cluster.info.metadataDatabase;
    return {
        cloud: cfg.cloud,
        profile: cfg.profile,
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        airflowDatabaseEndpoint: db && pulumi.interpolate`${db.host}:${db.port}`,
        ...platform.outputs,
    };
}
