// Chooses the cluster target from `dataops:cloud`. Logical names are fixed ("cluster"), so renaming the cluster in
// config changes physical names, not Pulumi URNs.
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../stacks/config";
import { localArgsFrom, LocalCluster } from "./local";
import { ClusterTarget } from "./types";

export { ClusterTarget, ClusterInfo } from "./types";

export const CLUSTER_NAME = "cluster";

// Cloud targets are loaded on demand: a stack evaluates only its own cloud's SDK, which keeps preview startup short.
export function createCluster(cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    switch (cfg.cloud) {
        case "local":
            return new LocalCluster(CLUSTER_NAME, localArgsFrom(cfg), opts);
        case "aws":
            return (require("./eks") as typeof import("./eks")).createEks(CLUSTER_NAME, cfg, opts);
        case "gcp":
            return (require("./gke") as typeof import("./gke")).createGke(CLUSTER_NAME, cfg, opts);
        case "azure":
            return (require("./aks") as typeof import("./aks")).createAks(CLUSTER_NAME, cfg, opts);
    }
}
