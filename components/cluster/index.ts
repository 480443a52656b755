// Chooses the cluster target from `dataops:cloud`. Logical names are fixed ("cluster"), so renaming the cluster in
// config changes physical names, not Pulumi URNs.
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../stacks/config";
import { createAks } from "./aks";
import { createEks } from "./eks";
import { createGke } from "./gke";
import { localArgsFrom, LocalCluster } from "./local";
import { ClusterTarget } from "./types";

export { ClusterTarget, ClusterInfo } from "./types";

export const CLUSTER_NAME = "cluster";

export function createCluster(cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    switch (cfg.cloud) {
        case "local":
            return new LocalCluster(CLUSTER_NAME, localArgsFrom(cfg), opts);
        case "aws":
            return createEks(CLUSTER_NAME, cfg, opts);
        case "gcp":
            return createGke(CLUSTER_NAME, cfg, opts);
        case "azure":
            return createAks(CLUSTER_NAME, cfg, opts);
    }
}
