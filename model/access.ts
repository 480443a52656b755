// RBAC as the API server's authorizer evaluates it (rbac.authorization.k8s.io/v1): a request is allowed when some
// ClusterRoleBinding, or a RoleBinding in the request's namespace, binds a role with a matching rule to the subject or
// one of its groups. Aggregated ClusterRoles are expanded from every ClusterRole their selectors match, including the
// built-in roles (bootstrap-roles.ts) that every cluster has.
import { BOOTSTRAP_CLUSTER_ROLES } from "./bootstrap-roles";
import { LabelSelector, matches } from "./selectors";
import type { K8sObject } from "./types";

export interface PolicyRule {
    apiGroups?: string[];
    resources?: string[];
    verbs: string[];
    resourceNames?: string[];
    nonResourceURLs?: string[];
}

/** Who makes the request: a user with groups, or a service account (which gets its implicit groups). */
export type Subject =
    | { kind: "User"; name: string; groups?: string[] }
    | { kind: "Group"; name: string }
    | { kind: "ServiceAccount"; namespace: string; name: string };

export const AUTHENTICATED = "system:authenticated";

/** The user name and groups the API server sees for a subject. */
function identity(s: Subject): { user?: string; groups: string[]; sa?: { namespace: string; name: string } } {
    switch (s.kind) {
        case "User":
            return { user: s.name, groups: [...(s.groups ?? []), AUTHENTICATED] };
        case "Group":
            return { groups: [s.name, AUTHENTICATED] };
        case "ServiceAccount":
            return {
                user: `system:serviceaccount:${s.namespace}:${s.name}`,
                groups: ["system:serviceaccounts", `system:serviceaccounts:${s.namespace}`, AUTHENTICATED],
                sa: s,
            };
    }
}

export function subjectName(s: Subject): string {
    return s.kind === "ServiceAccount" ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

interface BindingSubject {
    kind: string;
    name: string;
    namespace?: string;
}

function bindingMatches(b: K8sObject, s: Subject): boolean {
    const id = identity(s);
    return ((b.subjects ?? []) as BindingSubject[]).some((x) => {
        if (x.kind === "User") return x.name === id.user;
        if (x.kind === "Group") return id.groups.includes(x.name);
        if (x.kind === "ServiceAccount") {
            const ns = x.namespace ?? (b.kind === "RoleBinding" ? b.metadata.namespace : undefined);
            return id.sa !== undefined && id.sa.name === x.name && id.sa.namespace === ns;
        }
        return false;
    });
}

/** ClusterRoles of the model, built-in ones the model does not redefine added. */
function clusterRoles(objects: K8sObject[]): Map<string, K8sObject> {
    const out = new Map<string, K8sObject>();
    for (const r of BOOTSTRAP_CLUSTER_ROLES) out.set(r.metadata.name, r);
    for (const r of objects.filter((o) => o.kind === "ClusterRole")) out.set(r.metadata.name, r);
    return out;
}

/** A ClusterRole's effective rules: its own, or for an aggregated role the rules of every role it selects. */
function clusterRoleRules(roles: Map<string, K8sObject>, name: string, seen: Set<string> = new Set()): PolicyRule[] {
    const role = roles.get(name);
    if (!role || seen.has(name)) return [];
    seen.add(name);
    const selectors: LabelSelector[] = role.aggregationRule?.clusterRoleSelectors ?? [];
    if (selectors.length === 0) return (role.rules ?? []) as PolicyRule[];
    const out: PolicyRule[] = [];
    for (const other of roles.values()) {
        if (other.metadata.name !== name && selectors.some((sel) => matches(sel, other.metadata.labels))) {
            out.push(...clusterRoleRules(roles, other.metadata.name, seen));
        }
    }
    return out;
}

function roleRules(objects: K8sObject[], roles: Map<string, K8sObject>, binding: K8sObject): PolicyRule[] {
    const ref = binding.roleRef ?? {};
    if (ref.kind === "ClusterRole") return clusterRoleRules(roles, ref.name);
    const role = objects.find((o) => o.kind === "Role" && o.metadata.name === ref.name && o.metadata.namespace === binding.metadata.namespace);
    return (role?.rules ?? []) as PolicyRule[];
}

/** rbac/v1 RuleAllows: verb, group, resource (with `*`, `res/*`, `*\/sub` wildcards) and resource name. */
export function ruleAllows(r: PolicyRule, verb: string, apiGroup: string, resource: string, name?: string): boolean {
    if (!r.verbs.includes("*") && !r.verbs.includes(verb)) return false;
    if (!(r.apiGroups ?? []).some((g) => g === "*" || g === apiGroup)) return false;
    const [res, sub] = resource.split("/");
    const resOk = (r.resources ?? []).some((x) => x === "*" || x === resource || (sub !== undefined && (x === `${res}/*` || x === `*/${sub}`)));
    if (!resOk) return false;
    const names = r.resourceNames ?? [];
    return names.length === 0 || (name !== undefined && names.includes(name));
}

export interface Grant {
    binding: string;
    role: string;
    /** Namespace the grant applies in; undefined = cluster-wide. */
    namespace?: string;
    rules: PolicyRule[];
}

/** Every grant a subject holds: cluster-wide through ClusterRoleBindings, per namespace through RoleBindings. */
export function grants(objects: K8sObject[], subject: Subject): Grant[] {
    const roles = clusterRoles(objects);
    const out: Grant[] = [];
    for (const b of objects.filter((o) => (o.kind === "ClusterRoleBinding" || o.kind === "RoleBinding") && bindingMatches(o, subject))) {
        out.push({
            binding: `${b.kind}/${b.kind === "RoleBinding" ? `${b.metadata.namespace}/` : ""}${b.metadata.name}`,
            role: `${b.roleRef?.kind}/${b.roleRef?.name}`,
            namespace: b.kind === "RoleBinding" ? b.metadata.namespace : undefined,
            rules: roleRules(objects, roles, b),
        });
    }
    return out;
}

/** Whether `subject` may `verb` `resource` (group `apiGroup`, "" for core) in `namespace` (omit for cluster scope). */
export function can(objects: K8sObject[], subject: Subject, verb: string, apiGroup: string, resource: string, namespace?: string, name?: string): boolean {
    return grants(objects, subject).some(
        (g) => (g.namespace === undefined || g.namespace === namespace) && g.rules.some((r) => ruleAllows(r, verb, apiGroup, resource, name)),
    );
}

/** Every subject named in any binding (the candidates for who-can questions). */
export function boundSubjects(objects: K8sObject[]): Subject[] {
    const seen = new Map<string, Subject>();
    for (const b of objects.filter((o) => o.kind === "ClusterRoleBinding" || o.kind === "RoleBinding")) {
        for (const x of (b.subjects ?? []) as BindingSubject[]) {
            const s: Subject | undefined =
                x.kind === "ServiceAccount"
                    ? { kind: "ServiceAccount", namespace: x.namespace ?? b.metadata.namespace ?? "default", name: x.name }
                    : x.kind === "User"
                      ? { kind: "User", name: x.name }
                      : x.kind === "Group"
                        ? { kind: "Group", name: x.name }
                        : undefined;
            if (s) seen.set(subjectName(s), s);
        }
    }
    return [...seen.values()].sort((a, b) => subjectName(a).localeCompare(subjectName(b)));
}

/** Subjects (from the model's bindings) that may do something, in a namespace or (namespace omitted) cluster-wide. */
export function whoCan(objects: K8sObject[], verb: string, apiGroup: string, resource: string, namespace?: string): Subject[] {
    return boundSubjects(objects).filter((s) =>
        namespace === undefined
            ? grants(objects, s).some((g) => g.namespace === undefined && g.rules.some((r) => ruleAllows(r, verb, apiGroup, resource)))
            : can(objects, s, verb, apiGroup, resource, namespace),
    );
}

/** Subjects that can read Secrets in every namespace (get, list or watch through a ClusterRoleBinding). */
export function clusterSecretReaders(objects: K8sObject[]): Subject[] {
    const readers = new Map<string, Subject>();
    for (const verb of ["get", "list", "watch"]) {
        for (const s of whoCan(objects, verb, "", "secrets")) readers.set(subjectName(s), s);
    }
    return [...readers.values()];
}

/** Powers that let a subject exceed its own rules: creating pods (runs as any SA), impersonation, escalate and bind. */
export const ESCALATIONS: { what: string; verb: string; apiGroup: string; resource: string }[] = [
    { what: "create pods", verb: "create", apiGroup: "", resource: "pods" },
    { what: "impersonate users", verb: "impersonate", apiGroup: "", resource: "users" },
    { what: "impersonate groups", verb: "impersonate", apiGroup: "", resource: "groups" },
    { what: "impersonate service accounts", verb: "impersonate", apiGroup: "", resource: "serviceaccounts" },
    { what: "escalate roles", verb: "escalate", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles" },
    { what: "bind roles", verb: "bind", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles" },
];

export interface PermissionRow {
    namespace: string;
    apiGroup: string;
    resource: string;
    verbs: string[];
}

/** What a subject can do, per namespace ("*" for cluster-wide grants), one row per group and resource. */
export function permissions(objects: K8sObject[], subject: Subject): PermissionRow[] {
    const acc = new Map<string, Set<string>>();
    for (const g of grants(objects, subject)) {
        for (const r of g.rules) {
            for (const group of r.apiGroups ?? []) {
                for (const res of r.resources ?? []) {
                    const key = `${g.namespace ?? "*"}\u0000${group}\u0000${res}`;
                    const set = acc.get(key) ?? new Set<string>();
                    r.verbs.forEach((v) => set.add(v));
                    acc.set(key, set);
                }
            }
        }
    }
    return [...acc.entries()]
        .map(([k, v]) => {
            const [namespace, apiGroup, resource] = k.split("\u0000");
            return { namespace, apiGroup, resource, verbs: [...v].sort() };
        })
        .sort((a, b) => `${a.namespace}/${a.apiGroup}/${a.resource}`.localeCompare(`${b.namespace}/${b.apiGroup}/${b.resource}`));
}
