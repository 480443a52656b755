// Targets an existing local cluster (kind, minikube, k3d) through the user's kubeconfig; creates nothing in it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../stacks/config";
import { ClusterInfo, ClusterTarget } from "./types";
import { PORTS, ZONE_LABEL } from "../../stacks/catalog";

export interface LocalClusterArgs {
    /** Kubeconfig path or contents; undefined uses $KUBECONFIG or ~/.kube/config. */
    kubeconfig?: string;
    /** Context in that kubeconfig; undefined uses the current context. */
    context?: string;
    /** StorageClass for platform volumes; undefined uses the cluster's default (kind/k3d: local-path, minikube: standard). */
    storageClass?: string;
    /** Where pods reach the API server; empty allows the API ports to any address (local clusters only). */
    apiServerCidrs: string[];
    /** Whether controller-manager, scheduler and etcd metrics can be scraped from pods. */
    controlPlaneMetrics: boolean;
}

/** Local clusters publish the API on 6443 behind the kubernetes Service on 443; policies need both. */
export const LOCAL_API_PORTS = [PORTS.apiServer, PORTS.apiServerLocal];

export function localClusterInfo(args: LocalClusterArgs): ClusterInfo {
    const apiCidrs = args.apiServerCidrs.length > 0 ? args.apiServerCidrs : ["0.0.0.0/0"];
    return {
        cloud: "local",
        // A control plane whose metrics stay on localhost is as hidden from Prometheus as a managed one.
        managedControlPlane: !args.controlPlaneMetrics,
        storageClass: args.storageClass,
        // A local cluster's node network is its container network, which is unknown here: the API range stands in.
        networkCidrs: apiCidrs,
        apiServer: { cidrs: apiCidrs, ports: LOCAL_API_PORTS },
        zoneTopologyKey: ZONE_LABEL,
        networkPolicyEnforced: true,
        kubeProxy: true,
    };
}

export function localArgsFrom(cfg: PlatformConfig): LocalClusterArgs {
    return { ...cfg.local };
}

export class LocalCluster extends pulumi.ComponentResource implements ClusterTarget {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig = undefined;
    readonly info: ClusterInfo;
    readonly ready: pulumi.Resource[] = [];

    constructor(name: string, args: LocalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:cluster:Local", name, {}, opts);
        this.info = localClusterInfo(args);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: args.kubeconfig, context: args.context },
            { parent: this },
        );
        this.clusterName = pulumi.output(args.context ?? "current-context");
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
