// Aks target (dataops:cloud: azure).
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../stacks/config";
import { ClusterTarget } from "./types";

export function createAks(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    void name;
    void opts;
    throw new pulumi.RunError(`dataops:cloud ${cfg.cloud} is not implemented yet.`);
}
