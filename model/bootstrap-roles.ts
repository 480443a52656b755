// The built-in user-facing ClusterRoles every cluster has, as data: cluster-admin, the aggregated admin/edit/view and
// the system:aggregate-to-{admin,edit,view} roles whose rules they collect.
//
// Source: github.com/kubernetes/kubernetes, plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml
// at commit 025f2834a128798cef30018a5e6a6ae82b5ad885, the current version the offline source index holds (it has the
// authentication.k8s.io selfsubjectreviews and discovery.k8s.io endpointslices rules of recent releases). The tag
// v1.34.0 itself could not be checked out offline (the repository exceeds the mirror's size limit): re-check this file
// against that tag when network is available. Transcribed rule for rule; nothing added.
import type { K8sObject } from "./types";

const RBAC = "rbac.authorization.k8s.io/v1";
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };
const BOOTSTRAP = { "kubernetes.io/bootstrapping": "rbac-defaults" };

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

const role = (name: string, labels: Record<string, string>, rules: Rule[] | null, aggregateLabel?: string): K8sObject => ({
    apiVersion: RBAC,
    kind: "ClusterRole",
    metadata: { name, labels: { ...BOOTSTRAP, ...labels }, annotations: AUTOUPDATE },
    ...(aggregateLabel ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateLabel]: "true" } }] } } : {}),
    rules,
});

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

export const BOOTSTRAP_CLUSTER_ROLES: K8sObject[] = [
    role("admin", {}, null, "rbac.authorization.k8s.io/aggregate-to-admin"),
    role("cluster-admin", {}, [
        { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
        { nonResourceURLs: ["*"], verbs: ["*"] },
    ]),
    role("edit", { "rbac.authorization.k8s.io/aggregate-to-admin": "true" }, null, "rbac.authorization.k8s.io/aggregate-to-edit"),
    role("system:aggregate-to-admin", { "rbac.authorization.k8s.io/aggregate-to-admin": "true" }, [
        { apiGroups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"] },
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings", "roles"], verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] },
    ]),
    role("system:aggregate-to-edit", { "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, [
        { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], verbs: READ },
        { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
        { apiGroups: [""], resources: ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs: WRITE },
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        {
            apiGroups: [""],
            resources: ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"],
            verbs: WRITE,
        },
        { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
        {
            apiGroups: ["apps"],
            resources: ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"],
            verbs: WRITE,
        },
        { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
        { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: WRITE },
        {
            apiGroups: ["extensions"],
            resources: ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"],
            verbs: WRITE,
        },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] },
    ]),
    role("system:aggregate-to-view", { "rbac.authorization.k8s.io/aggregate-to-view": "true" }, [
        {
            apiGroups: [""],
            resources: ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"],
            verbs: READ,
        },
        {
            apiGroups: [""],
            resources: ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"],
            verbs: READ,
        },
        { apiGroups: [""], resources: ["namespaces"], verbs: READ },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
        {
            apiGroups: ["apps"],
            resources: [
                "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets",
                "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status",
            ],
            verbs: READ,
        },
        { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], verbs: READ },
        { apiGroups: ["batch"], resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], verbs: READ },
        {
            apiGroups: ["extensions"],
            resources: [
                "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status",
                "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale",
            ],
            verbs: READ,
        },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"], verbs: READ },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingresses/status", "networkpolicies"], verbs: READ },
    ]),
    role("view", { "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, null, "rbac.authorization.k8s.io/aggregate-to-view"),
];
