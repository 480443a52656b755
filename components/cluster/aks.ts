// AKS target (dataops:cloud: azure); the component and its pure helpers live in ./aks/.
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../stacks/config";
import { AksCluster } from "./aks/cluster";
import { aksArgsFrom } from "./aks/settings";
import { ClusterTarget } from "./types";

export { AksCluster } from "./aks/cluster";
export { AksClusterArgs, aksArgsFrom } from "./aks/settings";

export function createAks(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    return new AksCluster(name, aksArgsFrom(cfg), opts);
}
