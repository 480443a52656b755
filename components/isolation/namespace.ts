// A namespace with everything that isolates it: PSA labels, quota, limit range, NetworkPolicies and a default service
// account that mounts no token. Every namespace the platform creates is one of these.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { commonLabels } from "../../stacks/catalog";
import { FlowRule, limitRangeSpec, NamespacePlan, namespaceLabels, networkPolicies, quotaSpec } from "./plan";

export interface IsolatedNamespaceArgs {
    plan: NamespacePlan;
    /** All platform flows; the ones that start or end here become this namespace's allow policies. */
    flows: FlowRule[];
    apiServer: { cidrs: pulumi.Input<string>[]; ports: number[] };
    provider: k8s.Provider;
}

export class IsolatedNamespace extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: IsolatedNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:isolation:IsolatedNamespace", name, {}, opts);
        const { plan, provider } = args;
        const child = { parent: this, provider };
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: plan.name, labels: namespaceLabels(plan) } },
            child,
        );
        const ns = this.namespace.metadata.name;
        const inNs = (objName: string) => ({ name: objName, namespace: ns, labels: commonLabels() });
        new k8s.core.v1.ResourceQuota(`${name}-quota`, { metadata: inNs("platform-quota"), spec: quotaSpec(plan.quota) }, child);
        new k8s.core.v1.LimitRange(`${name}-limits`, { metadata: inNs("platform-limits"), spec: limitRangeSpec(plan.limits) }, child);
        for (const policy of networkPolicies(plan, args.flows, args.apiServer)) {
            new k8s.networking.v1.NetworkPolicy(`${name}-${policy.name}`, { metadata: inNs(policy.name), spec: policy.spec }, child);
        }
        new k8s.core.v1.ServiceAccountPatch(
            `${name}-default-sa`,
            { metadata: { name: "default", namespace: ns }, automountServiceAccountToken: false },
            child,
        );
        this.name = ns;
        this.registerOutputs({ name: this.name });
    }
}
