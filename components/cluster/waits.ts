// Waits where a cloud is eventually consistent: a grant exists as soon as its API call returns, but the service that
// enforces it learns of it later. The first call that needs the grant then fails (Kubernetes 403, AccessDenied), so
// the program waits once, when the grant is created or changes, instead of asking the user to run again.
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

/**
 * How long each kind of grant takes to reach its enforcer, with a margin. Only the creation (or a change of the
 * triggers) waits; an unchanged `pulumi up` does not.
 */
export const PROPAGATION = {
    /** Azure RBAC role assignments reach the AKS API server's authorizer within about five minutes (Microsoft's figure). */
    azureRbac: "300s",
    /** EKS access entries and policy associations apply within seconds, IAM roles behind them a little later. */
    eksAccess: "30s",
    /** IAM roles used through Pod Identity are assumable only once IAM has replicated them. */
    awsIam: "15s",
    /** Google IAM bindings, Workload Identity ones included, typically apply in two minutes (up to seven). */
    gcpIam: "120s",
} as const;

export type PropagationKind = keyof typeof PROPAGATION;

/**
 * A wait of `kind` after `grants`; whatever needs the grants depends on the returned resource. `triggers` (principal
 * IDs, ARNs) make it wait again when a grant is replaced by one for another principal.
 */
export function propagationWait(
    name: string,
    kind: PropagationKind,
    grants: pulumi.Resource[],
    triggers: Record<string, pulumi.Input<string>>,
    parent: pulumi.Resource,
): time.Sleep {
    return new time.Sleep(name, { createDuration: PROPAGATION[kind], triggers }, { parent, dependsOn: grants });
}
