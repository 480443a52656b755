// The platform's guarantees as CrossGuard policies. Plain objects (no PolicyPack here) so the tests run them offline on
// the resources the mocks harness records. Resources are matched by type token rather than SDK class, so the pack
// depends on @pulumi/policy and @pulumi/pulumi only, not on the four provider SDKs.
import {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    UnknownValueError,
} from "@pulumi/policy";

/** Stands for a value that is not known until the update (an output of a resource not yet created). */
export const UNKNOWN = Symbol("unknown until the update");

/**
 * A plain copy of a resource's properties with preview-time unknowns replaced by UNKNOWN. CrossGuard hands policies
 * a proxy that throws on any unknown value, which would abort a whole stack policy on a first preview; the checks
 * skip what they cannot know instead and judge everything else.
 */
export function knownProps(v: unknown): unknown {
    if (v === null || typeof v !== "object") {
        return v;
    }
    const out: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
    for (const k of Object.keys(v)) {
        let x: unknown;
        try {
            x = (v as Record<string, unknown>)[k];
        } catch (e) {
            if (e instanceof UnknownValueError) {
                (out as Record<string, unknown>)[k] = UNKNOWN;
                continue;
            }
            throw e;
        }
        (out as Record<string, unknown>)[k] = knownProps(x);
    }
    return out;
}

export const TYPES = {
    release: "kubernetes:helm.sh/v3:Release",
    namespace: "kubernetes:core/v1:Namespace",
    resourceQuota: "kubernetes:core/v1:ResourceQuota",
    limitRange: "kubernetes:core/v1:LimitRange",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    secret: "kubernetes:core/v1:Secret",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    eksCluster: "aws:eks/cluster:Cluster",
    gkeCluster: "gcp:container/cluster:Cluster",
    aksCluster: "azure-native:containerservice:ManagedCluster",
    kafka: "kubernetes:kafka.strimzi.io/v1:Kafka",
    kafkaNodePool: "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
} as const;

/** Same list as stacks/catalog.ts RESERVED_NAMESPACES (a test keeps them equal; the pack imports nothing from the program). */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease"];
export const MANAGED_LABEL = "dataops.io/managed";
export const TEAM_LABEL = "dataops.io/team";
/** The program's LABELS.jobs: namespaces where Spark jobs run, the only shared ones where a team may hold edit/admin. */
export const JOBS_LABEL = "dataops.io/jobs";
export const PSA_MODES = ["enforce", "warn", "audit"] as const;
export const PSA_LEVELS: readonly string[] = ["privileged", "baseline", "restricted"];
/** Built-in ClusterRoles a team may be bound to without further checks (the program's TEAM_ROLES). */
export const TEAM_ROLES: readonly string[] = ["view", "edit", "admin"];
/** Exact chart versions only: a range would let the next `pulumi up` install an unreviewed chart. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

// ---------------------------------------------------------------------------------------------------------------------
// Which stacks are prod

export type ProfileSetting = "auto" | "dev" | "prod";

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: the stack name is the only stack identity every backend gives a policy. */
export function stackOfUrn(urn: string): string {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m ? m[1] : "";
}

/** The program's rule (stacks/config.ts profileFor): prod for stacks whose name starts with "prod", unless configured. */
export function isProd(urn: string, setting: ProfileSetting | undefined): boolean {
    if (setting === "prod" || setting === "dev") {
        return setting === "prod";
    }
    return stackOfUrn(urn).toLowerCase().startsWith("prod");
}

/** Policy config of the prod-only policies: `profile` overrides the stack-name rule for stacks that set dataops:profile. */
const PROFILE_CONFIG: PolicyConfigSchema = {
    properties: {
        profile: {
            type: "string",
            enum: ["auto", "dev", "prod"],
            default: "auto",
            description: "auto: prod when the stack name starts with 'prod' (as the program decides); dev or prod force it.",
        },
    },
};

function prodOnly(args: { urn: string; getConfig<T extends object>(): T; notApplicable(reason?: string): never }): void {
    if (!isProd(args.urn, args.getConfig<{ profile?: ProfileSetting }>().profile)) {
        args.notApplicable("applies to prod stacks only");
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Small readers over untyped props

function at(obj: unknown, path: string): unknown {
    let o: any = obj;
    for (const part of path.split(".")) {
        if (o === null || typeof o !== "object") {
            return undefined;
        }
        o = o[part];
    }
    return o;
}

function strings(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function isEmptySelector(sel: unknown): boolean {
    if (sel === undefined || sel === null) {
        return true;
    }
    const s = sel as { matchLabels?: object; matchExpressions?: unknown[] };
    return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/** Kafka config values may be numbers or strings. */
function num(v: unknown): number | undefined {
    if (typeof v === "number") {
        return v;
    }
    if (typeof v === "string" && /^\d+$/.test(v.trim())) {
        return Number(v);
    }
    return undefined;
}

function restrictedCidrs(cidrs: string[]): boolean {
    return cidrs.length > 0 && !cidrs.some((c) => OPEN_CIDRS.includes(c.trim()));
}

function resourcePolicy(
    name: string,
    description: string,
    type: string | RegExp,
    check: (props: any, args: ResourceValidationArgs) => string[],
    extra: Partial<ResourceValidationPolicy> = {},
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        ...extra,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (typeof type === "string" ? args.type !== type : !type.test(args.type)) {
                args.notApplicable(`applies to ${type} only`);
            }
            for (const problem of check(args.props, args)) {
                report(problem);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------------
// Helm releases

export function releaseVersionProblems(props: any): string[] {
    const v = props.version;
    return typeof v === "string" && EXACT_VERSION.test(v)
        ? []
        : [`chart ${String(props.chart)} must be pinned to an exact version (have ${v === undefined ? "none" : JSON.stringify(v)})`];
}

export function releaseAtomicProblems(props: any): string[] {
    const out: string[] = [];
    if (props.atomic !== true) {
        out.push("atomic must be true, so a failed install or upgrade rolls back instead of leaving a half-applied release");
    }
    if (!(typeof props.timeout === "number" && props.timeout > 0)) {
        out.push("timeout must be set (seconds > 0), so a stuck rollout fails the update instead of hanging it");
    }
    return out;
}

/** Cluster add-ons a target installs where upstream expects them (as stacks/catalog.ts CLUSTER_CHARTS; a test keeps them equal). */
export const CLUSTER_ADD_ONS: Readonly<Record<string, { chart: string; namespace: string }>> = {
    karpenter: { chart: "oci://public.ecr.aws/karpenter/karpenter", namespace: "kube-system" },
};

export function releaseNamespaceProblems(props: any): string[] {
    const ns = typeof props.namespace === "string" && props.namespace !== "" ? props.namespace : "default";
    const addOn = CLUSTER_ADD_ONS[String(props.name)];
    if (addOn && addOn.chart === props.chart && addOn.namespace === ns) {
        return [];
    }
    return RESERVED_NAMESPACES.includes(ns) ? [`release must be installed in a platform namespace, not "${ns}"`] : [];
}

export const helmReleasePinned = resourcePolicy(
    "helm-release-pinned",
    "Every Helm release names an exact chart version.",
    TYPES.release,
    releaseVersionProblems,
);

export const helmReleaseAtomic = resourcePolicy(
    "helm-release-atomic",
    "Every Helm release is atomic and has a timeout.",
    TYPES.release,
    releaseAtomicProblems,
);

export const helmReleaseNamespace = resourcePolicy(
    "helm-release-namespace",
    "No Helm release goes to default or a system namespace.",
    TYPES.release,
    releaseNamespaceProblems,
);

// ---------------------------------------------------------------------------------------------------------------------
// Namespace isolation

/** The minimal view of a resource the stack checks need (a PolicyResource, or a hand-built record in tests). */
export interface StackItem {
    type: string;
    urn: string;
    props: Record<string, any>;
    provider?: { urn: string };
}

function sameCluster(a: StackItem, b: StackItem): boolean {
    return (a.provider?.urn ?? "") === (b.provider?.urn ?? "");
}

/** Objects of a type in a namespace; one whose namespace is not known yet may be in it, so it counts. */
function inNamespace(items: StackItem[], type: string, ns: string, like: StackItem): StackItem[] {
    return items.filter((r) => {
        const where = at(r.props, "metadata.namespace");
        return r.type === type && (where === ns || where === UNKNOWN) && sameCluster(r, like);
    });
}

export function isDefaultDeny(np: StackItem): boolean {
    const spec = (np.props.spec ?? {}) as { podSelector?: unknown; policyTypes?: unknown; ingress?: unknown[]; egress?: unknown[] };
    const types = strings(spec.policyTypes);
    return (
        isEmptySelector(spec.podSelector) &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        (spec.ingress ?? []).length === 0 &&
        (spec.egress ?? []).length === 0
    );
}

/** Problems per managed namespace URN. */
export function namespaceIsolationProblems(items: StackItem[]): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const ns of items.filter((r) => r.type === TYPES.namespace)) {
        const labels = (at(ns.props, "metadata.labels") ?? {}) as Record<string, unknown>;
        const name = at(ns.props, "metadata.name");
        if (labels[MANAGED_LABEL] !== "true" || name === UNKNOWN) {
            continue;
        }
        const report = (message: string) => out.push({ urn: ns.urn, message: `namespace ${String(name ?? "?")}: ${message}` });
        if (typeof name !== "string" || name === "") {
            report("needs an explicit metadata.name so its quota, limits and policies can be matched to it");
            continue;
        }
        for (const mode of PSA_MODES) {
            const level = labels[`pod-security.kubernetes.io/${mode}`];
            if (typeof level !== "string" || !PSA_LEVELS.includes(level)) {
                report(`label pod-security.kubernetes.io/${mode} must be one of ${PSA_LEVELS.join(", ")}`);
            }
            const version = labels[`pod-security.kubernetes.io/${mode}-version`];
            if (typeof version !== "string" || version === "") {
                report(`label pod-security.kubernetes.io/${mode}-version must be set`);
            }
        }
        if (inNamespace(items, TYPES.resourceQuota, name, ns).length === 0) {
            report("has no ResourceQuota");
        }
        if (inNamespace(items, TYPES.limitRange, name, ns).length === 0) {
            report("has no LimitRange");
        }
        if (!inNamespace(items, TYPES.networkPolicy, name, ns).some(isDefaultDeny)) {
            report("has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
        }
    }
    return out;
}

function stackPolicy(
    name: string,
    description: string,
    check: (items: StackItem[], args: StackValidationArgs) => { urn: string; message: string }[],
    extra: Partial<StackValidationPolicy> = {},
): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        ...extra,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const items = (args.resources as PolicyResource[]).map((r) => ({ type: r.type, urn: r.urn, provider: r.provider, props: knownProps(r.props) as Record<string, any> }));
            for (const p of check(items, args)) {
                report(p.message, p.urn);
            }
        },
    };
}

export const namespaceIsolation = stackPolicy(
    "namespace-isolation",
    "Every platform namespace has Pod Security labels, a ResourceQuota, a LimitRange and a default-deny NetworkPolicy.",
    namespaceIsolationProblems,
);

// ---------------------------------------------------------------------------------------------------------------------
// Team access

function hasWildcard(rules: unknown): boolean {
    if (!Array.isArray(rules)) {
        return false;
    }
    return rules.some((rule) =>
        ["verbs", "resources", "apiGroups", "nonResourceURLs"].some((k) => strings((rule as any)?.[k]).includes("*")),
    );
}

export function teamBindingProblems(items: StackItem[]): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const b of items.filter((r) => r.type === TYPES.roleBinding || r.type === TYPES.clusterRoleBinding)) {
        const team = ((at(b.props, "metadata.labels") ?? {}) as Record<string, unknown>)[TEAM_LABEL];
        if (typeof team !== "string") {
            continue;
        }
        if (at(b.props, "roleRef.kind") === UNKNOWN || at(b.props, "roleRef.name") === UNKNOWN) {
            continue;
        }
        const kind = String(at(b.props, "roleRef.kind") ?? "");
        const role = String(at(b.props, "roleRef.name") ?? "");
        const report = (message: string) => out.push({ urn: b.urn, message: `team ${team}: ${message}` });
        if (b.type === TYPES.clusterRoleBinding) {
            report("team access is per namespace: use a RoleBinding, not a ClusterRoleBinding");
        }
        if (role === "cluster-admin") {
            report("must not be bound to cluster-admin");
            continue;
        }
        if (kind === "ClusterRole" && TEAM_ROLES.includes(role)) {
            continue;
        }
        const ns = at(b.props, "metadata.namespace");
        const defined = items.find(
            (r) =>
                sameCluster(r, b) &&
                at(r.props, "metadata.name") === role &&
                ((kind === "ClusterRole" && r.type === TYPES.clusterRole) ||
                    (kind === "Role" && r.type === TYPES.role && at(r.props, "metadata.namespace") === ns)),
        );
        if (!defined) {
            report(`${kind} ${role} is neither a built-in ${TEAM_ROLES.join("/")} ClusterRole nor defined in this stack`);
        } else if (hasWildcard(defined.props.rules) || defined.props.aggregationRule !== undefined) {
            report(`${kind} ${role} grants wildcard (or aggregated, so unreviewable) permissions`);
        }
    }
    return out;
}

export const teamBindingLeastPrivilege = stackPolicy(
    "team-binding-least-privilege",
    "No team is bound to cluster-admin, a wildcard role, or anything cluster-wide.",
    teamBindingProblems,
);

/**
 * A team holds more than the built-in `view` only in a namespace it owns (labelled with its name) or in a job
 * namespace: `edit` elsewhere runs pods under the operators' service accounts and reads their Secrets.
 */
export function teamScopeProblems(items: StackItem[]): { urn: string; message: string }[] {
    const out: { urn: string; message: string }[] = [];
    for (const b of items.filter((r) => r.type === TYPES.roleBinding)) {
        const team = ((at(b.props, "metadata.labels") ?? {}) as Record<string, unknown>)[TEAM_LABEL];
        const ns = at(b.props, "metadata.namespace");
        const kind = at(b.props, "roleRef.kind");
        const role = at(b.props, "roleRef.name");
        if (typeof team !== "string" || [ns, kind, role].includes(UNKNOWN) || (kind === "ClusterRole" && role === "view")) {
            continue;
        }
        const namespace = items.find((r) => r.type === TYPES.namespace && sameCluster(r, b) && at(r.props, "metadata.name") === ns);
        const labels = (at(namespace?.props, "metadata.labels") ?? {}) as Record<string, unknown>;
        if (labels[TEAM_LABEL] === team || labels[JOBS_LABEL] === "true") {
            continue;
        }
        out.push({
            urn: b.urn,
            message:
                `team ${team}: ${String(kind)} ${String(role)} in namespace ${String(ns)}, which is neither the team's own (${TEAM_LABEL}=${team}) ` +
                `nor a job namespace (${JOBS_LABEL}=true); teams get view at most in platform and operator namespaces`,
        });
    }
    return out;
}

export const teamAccessScope = stackPolicy(
    "team-access-scope",
    "Teams hold edit or admin only in namespaces they own or in job namespaces; view at most elsewhere.",
    teamScopeProblems,
);

// ---------------------------------------------------------------------------------------------------------------------
// Clusters (prod)

export function endpointProblems(type: string, props: any): string[] {
    switch (type) {
        case TYPES.eksCluster: {
            if (at(props, "vpcConfig.endpointPublicAccess") === false) {
                return [];
            }
            return restrictedCidrs(strings(at(props, "vpcConfig.publicAccessCidrs")))
                ? []
                : ["the public API endpoint must be off (vpcConfig.endpointPublicAccess false) or limited by vpcConfig.publicAccessCidrs without 0.0.0.0/0"];
        }
        case TYPES.gkeCluster: {
            if (at(props, "privateClusterConfig.enablePrivateEndpoint") === true) {
                return [];
            }
            if (
                at(props, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled") === false &&
                at(props, "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic") !== true
            ) {
                return [];
            }
            const blocks = (at(props, "masterAuthorizedNetworksConfig.cidrBlocks") ?? []) as { cidrBlock?: string }[];
            const cidrs = Array.isArray(blocks) ? blocks.map((b) => String(b?.cidrBlock ?? "")) : [];
            return restrictedCidrs(cidrs) && at(props, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled") !== true
                ? []
                : ["the control plane must be private (privateClusterConfig.enablePrivateEndpoint) or limited by masterAuthorizedNetworksConfig.cidrBlocks without 0.0.0.0/0 and without gcpPublicCidrsAccessEnabled"];
        }
        case TYPES.aksCluster: {
            if (at(props, "apiServerAccessProfile.enablePrivateCluster") === true) {
                return [];
            }
            return restrictedCidrs(strings(at(props, "apiServerAccessProfile.authorizedIPRanges")))
                ? []
                : ["the API server must be private (apiServerAccessProfile.enablePrivateCluster) or limited by apiServerAccessProfile.authorizedIPRanges without 0.0.0.0/0"];
        }
        default:
            return [];
    }
}

export function secretsEncryptionProblems(type: string, props: any): string[] {
    switch (type) {
        case TYPES.eksCluster: {
            const configs = (Array.isArray(props.encryptionConfig) ? props.encryptionConfig : [props.encryptionConfig]) as unknown[];
            const ok = configs.some((c) => strings(at(c, "resources")).includes("secrets") && typeof at(c, "provider.keyArn") === "string" && at(c, "provider.keyArn") !== "");
            return ok ? [] : ["Secrets must be envelope-encrypted with a customer KMS key (encryptionConfig.resources [secrets], provider.keyArn)"];
        }
        case TYPES.gkeCluster: {
            const ok = at(props, "databaseEncryption.state") === "ENCRYPTED" && typeof at(props, "databaseEncryption.keyName") === "string" && at(props, "databaseEncryption.keyName") !== "";
            return ok ? [] : ["Secrets must be encrypted at the application layer with a Cloud KMS key (databaseEncryption.state ENCRYPTED, keyName)"];
        }
        case TYPES.aksCluster: {
            const ok = at(props, "securityProfile.azureKeyVaultKms.enabled") === true && typeof at(props, "securityProfile.azureKeyVaultKms.keyId") === "string" && at(props, "securityProfile.azureKeyVaultKms.keyId") !== "";
            return ok ? [] : ["Secrets must be encrypted with a Key Vault key (securityProfile.azureKeyVaultKms.enabled, keyId)"];
        }
        default:
            return [];
    }
}

const CLUSTER_TYPES = new RegExp(`^(${[TYPES.eksCluster, TYPES.gkeCluster, TYPES.aksCluster].map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})$`);

export const clusterEndpointRestricted = resourcePolicy(
    "cluster-endpoint-restricted",
    "In prod, the cluster's API endpoint is private or limited to authorized CIDRs.",
    CLUSTER_TYPES,
    (props, args) => {
        prodOnly(args);
        return endpointProblems(args.type, props);
    },
    { configSchema: PROFILE_CONFIG },
);

export const secretsEncryption = resourcePolicy(
    "secrets-encryption",
    "In prod, Kubernetes Secrets are encrypted at rest with a customer-managed key.",
    CLUSTER_TYPES,
    (props, args) => {
        prodOnly(args);
        return secretsEncryptionProblems(args.type, props);
    },
    { configSchema: PROFILE_CONFIG },
);

// ---------------------------------------------------------------------------------------------------------------------
// Kafka (prod)

export const KAFKA_MINIMUMS = { replicationFactor: 3, minInsyncReplicas: 2 } as const;

export function kafkaReplicationProblems(kafka: StackItem, items: StackItem[]): string[] {
    const out: string[] = [];
    const config = (at(kafka.props, "spec.kafka.config") ?? {}) as Record<string, unknown>;
    const rf = num(config["default.replication.factor"]);
    const isr = num(config["min.insync.replicas"]);
    if (rf === undefined || rf < KAFKA_MINIMUMS.replicationFactor) {
        out.push(`default.replication.factor must be at least ${KAFKA_MINIMUMS.replicationFactor} (have ${rf ?? "the broker default 1"})`);
    }
    if (isr === undefined || isr < KAFKA_MINIMUMS.minInsyncReplicas || (rf !== undefined && isr >= rf)) {
        out.push(`min.insync.replicas must be at least ${KAFKA_MINIMUMS.minInsyncReplicas} and below the replication factor (have ${isr ?? "the broker default 1"})`);
    }
    for (const [key, min] of [
        ["offsets.topic.replication.factor", KAFKA_MINIMUMS.replicationFactor],
        ["transaction.state.log.replication.factor", KAFKA_MINIMUMS.replicationFactor],
        ["transaction.state.log.min.isr", KAFKA_MINIMUMS.minInsyncReplicas],
    ] as const) {
        const v = num(config[key]);
        if (config[key] !== undefined && (v === undefined || v < min)) {
            out.push(`${key} must be at least ${min} (have ${JSON.stringify(config[key])})`);
        }
    }
    const name = at(kafka.props, "metadata.name");
    const ns = at(kafka.props, "metadata.namespace");
    const pools = items.filter(
        (r) =>
            r.type === TYPES.kafkaNodePool &&
            sameCluster(r, kafka) &&
            at(r.props, "metadata.namespace") === ns &&
            (at(r.props, "metadata.labels") as Record<string, unknown> | undefined)?.["strimzi.io/cluster"] === name &&
            strings(at(r.props, "spec.roles")).includes("broker"),
    );
    const brokers = pools.length > 0 ? pools.reduce((n, p) => n + (num(at(p.props, "spec.replicas")) ?? 0), 0) : num(at(kafka.props, "spec.kafka.replicas"));
    if (rf !== undefined && (brokers ?? 0) < rf) {
        out.push(`${brokers ?? 0} broker(s) cannot hold replication factor ${rf}`);
    }
    return out;
}

export const kafkaReplication = stackPolicy(
    "kafka-replication",
    "In prod, Kafka replicates every topic to at least 3 brokers and acknowledges writes from at least 2.",
    (items, args) => {
        const kafkas = items.filter((r) => r.type === TYPES.kafka);
        if (kafkas.length === 0) {
            args.notApplicable("no Kafka cluster in this stack");
        }
        if (!isProd(kafkas[0].urn, args.getConfig<{ profile?: ProfileSetting }>().profile)) {
            args.notApplicable("applies to prod stacks only");
        }
        return kafkas.flatMap((k) => kafkaReplicationProblems(k, items).map((message) => ({ urn: k.urn, message: `Kafka ${String(at(k.props, "metadata.name"))}: ${message}` })));
    },
    { configSchema: PROFILE_CONFIG },
);

// ---------------------------------------------------------------------------------------------------------------------
// Plaintext secrets
//
// CrossGuard hands policies every input with its secret marking removed (pulumi-policy#241), so "is this a Pulumi secret"
// cannot be asked. The rule enforced instead: secret material lives only in Kubernetes Secrets (whose data the provider
// always stores as secret) and everything else references them (existingSecret, secretKeyRef, *_file).

const SECRET_KEY = /(password|passwd|passphrase|secret|secretkey|token|apikey|apitoken|privatekey|accesskey|clientsecret|webhookurl|routingkey|connectionstring|fernetkey|authkey)$/;
const REFERENCE_KEY = /^(existing|use|create|enable|auto|mount|from)|(name|names|ref|file|path|field|selector|enabled|type|length|mode|template|version|configsecret)$/;
const TEMPLATE_VALUE = /^(\$\{[^}]+\}|\$\([^)]+\)|\{\{.+\}\})$/;
const SECRET_VALUES: [string, RegExp][] = [
    ["a private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/],
    ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
    ["a Slack webhook URL", /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/],
    ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/],
    ["a password in a URL", /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@${}]+@/i],
];

function normalizeKey(key: string): string {
    return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

export function isSecretKey(key: string): boolean {
    const k = normalizeKey(key);
    return SECRET_KEY.test(k) && !REFERENCE_KEY.test(k);
}

function literal(v: unknown): v is string {
    return typeof v === "string" && v.trim() !== "" && !TEMPLATE_VALUE.test(v.trim());
}

/**
 * Inputs that hold a private key by design, where the provider that consumes them keeps them secret: the tls provider
 * signs certificates with the key it is given (the value comes from a tls.PrivateKey, whose outputs are secret).
 */
const SIGNING_KEY_INPUTS: Record<string, readonly string[]> = {
    "tls:index/selfSignedCert:SelfSignedCert": ["privateKeyPem"],
    "tls:index/locallySignedCert:LocallySignedCert": ["caPrivateKeyPem"],
    "tls:index/certRequest:CertRequest": ["privateKeyPem"],
};

/**
 * Credentials a cloud database can only take as an input (no reference to a Kubernetes Secret exists): the program
 * fills them from @pulumi/random as Pulumi secrets, so they are secret in state (tests/database.test.ts checks it).
 */
export const DATABASE_CREDENTIAL_FIELDS: Record<string, readonly string[]> = {
    "aws:rds/instance:Instance": ["password"],
    "gcp:sql/user:User": ["password"],
    "azure-native:dbforpostgresql:Server": ["administratorLoginPassword"],
};

/** Paths (never values) of secret-looking literals in a resource's inputs, each with why it looks secret. */
export function plaintextSecretPaths(props: unknown, type: string): string[] {
    const out: string[] = [];
    const walk = (v: unknown, path: string, key: string) => {
        if (
            (type === TYPES.secret && (path === "data" || path === "stringData")) ||
            SIGNING_KEY_INPUTS[type]?.includes(path) ||
            DATABASE_CREDENTIAL_FIELDS[type]?.includes(path)
        ) {
            return;
        }
        if (typeof v === "string") {
            if (literal(v) && key !== "" && isSecretKey(key)) {
                out.push(`${path} (secret-looking key)`);
                return;
            }
            const hit = SECRET_VALUES.find(([, re]) => re.test(v));
            if (hit) {
                out.push(`${path} (${hit[0]})`);
            }
            return;
        }
        if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, `${path}[${i}]`, ""));
            return;
        }
        if (v !== null && typeof v === "object") {
            const o = v as Record<string, unknown>;
            // Environment entries: {name: DB_PASSWORD, value: "..."} holds the secret in `value`.
            if (typeof o.name === "string" && isSecretKey(o.name) && literal(o.value)) {
                out.push(`${path}.value (secret-looking variable ${o.name})`);
            }
            for (const [k, x] of Object.entries(o)) {
                if (k === "value" && typeof o.name === "string" && isSecretKey(o.name)) {
                    continue;
                }
                walk(x, path ? `${path}.${k}` : k, k);
            }
        }
    };
    walk(props, "", "");
    return out;
}

export const noPlaintextSecrets = resourcePolicy(
    "no-plaintext-secrets",
    "No secret-looking value in any input outside a Kubernetes Secret's data; reference Secrets instead.",
    /^/, // every resource type
    (props, args) =>
        plaintextSecretPaths(knownProps(props), args.type).map((p) => `plaintext secret at ${p}: keep it in a Kubernetes Secret and reference it`),
);

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    helmReleasePinned,
    helmReleaseAtomic,
    helmReleaseNamespace,
    namespaceIsolation,
    teamBindingLeastPrivilege,
    teamAccessScope,
    clusterEndpointRestricted,
    secretsEncryption,
    kafkaReplication,
    noPlaintextSecrets,
];
