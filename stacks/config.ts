// Reads every `dataops:*` key and the providers' region/project keys, validates them all at once and resolves profile
// defaults. `loadConfig` is pure (config map in, typed config out) so it is tested without Pulumi mocks.
import { z } from "zod";
import { CHARTS, NAMESPACES, PORTS, WorkloadKey } from "./catalog";
import { ProviderSettings } from "./clouds/context";
import { databaseMode, DatabaseMode, ManagedDatabaseSettings, managedDatabaseSettings } from "./database";
import { ConfigError, Problem } from "./problems";
import type { DeployPart } from "./day2";
import { resolvePools } from "./pools";
import { DEFAULT_KUBERNETES_VERSION, DEFAULT_NETWORK, defaultNodePools, PROFILE_DEFAULTS } from "./profiles";
import {
    Cloud,
    configSchema,
    NodePoolInput,
    Profile,
    RawPlatformConfig,
    STRUCTURED_KEYS,
    TeamInput,
    QuotaInput,
    LimitRangeInput,
    PodSecurityLevel,
    ProxiedUi,
} from "./schema";
import { isOfflineSecret, offlineSecretPaths, redact, restorePaths, samePath, secretStrings, topLevelKey, withoutPaths } from "./secrets";
import { didYouMean, suggest } from "./suggest";
import { accessEnabled, LETS_ENCRYPT, LOCAL_DOMAIN, OidcEndpoints, wellKnownEndpoints } from "./access";
import { crossChecks } from "./validate";

export const PROJECT = "dataops";

export interface NamespaceOverride {
    podSecurity?: PodSecurityLevel;
    quota?: QuotaInput;
    limits?: LimitRangeInput;
    internetEgress?: boolean;
}

/** The front door, resolved (components/access/). */
export interface AccessSettings {
    enabled: boolean;
    domain: string;
    exposure: "internal" | "public";
    allowedCidrs: string[];
    expose: ProxiedUi[];
    tls: { mode: "acme" | "secret" | "selfSigned"; email?: string; acmeServer: string; dnsZone?: string; secretName?: string };
    sso?: SsoSettings;
}

export interface SsoSettings {
    issuerUrl: string;
    clientId: string;
    /** Secret material: only ever passed on through pulumi.secret. */
    clientSecret: string;
    groupsClaim: string;
    adminGroups: string[];
    editorGroups: string[];
    viewerGroups: string[];
    /** Undefined when neither given nor derivable from the issuer (validation then refuses a Grafana sign-in). */
    endpoints?: OidcEndpoints;
}

export interface WorkloadSettings {
    enabled: boolean;
    chartVersion: string;
}

export interface PlatformConfig {
    project: string;
    stack: string;
    cloud: Cloud;
    profile: Profile;
    providers: ProviderSettings;
    local: { kubeconfig?: string; context?: string; storageClass?: string; apiServerCidrs: string[]; controlPlaneMetrics: boolean };
    cluster: {
        name: string;
        kubernetesVersion: string;
        endpointAccess: "public" | "private";
        authorizedCidrs: string[];
        networkCidr: string;
        podCidr: string;
        serviceCidr: string;
        nodePools: NodePoolInput[];
        deletionProtection: boolean;
    };
    airflow: WorkloadSettings & {
        executor: "KubernetesExecutor" | "CeleryExecutor";
        database: DatabaseMode;
        /** Set when `database` is managed: the instance the cluster target creates. */
        managedDatabase?: ManagedDatabaseSettings;
        metadataSecretName?: string;
        /** External database URL (secret material: only ever passed on through pulumi.secret). */
        metadataConnection?: string;
        /** Undefined: the cluster target's network ranges. */
        databaseCidrs?: string[];
        databasePort: number;
        defaultUser: boolean;
        dags?: { gitRepo: string; branch: string; subPath: string; sshKeySecretName?: string };
        replicas: number;
    };
    kafka: WorkloadSettings & { clusterName: string; version: string; metadataVersion: string; brokers: number; storageGi: number };
    spark: WorkloadSettings & { jobNamespace: string };
    prometheus: WorkloadSettings & { retention: string; storageGi: number; replicas: number; alertmanagerReplicas: number };
    grafana: WorkloadSettings & { persistence: boolean; storageGi: number };
    teams: TeamInput[];
    namespaces: Record<string, NamespaceOverride>;
    alerting: NonNullable<RawPlatformConfig["alerting"]>;
    access: AccessSettings;
    aws: NonNullable<RawPlatformConfig["aws"]>;
    gcp: NonNullable<RawPlatformConfig["gcp"]>;
    azure: NonNullable<RawPlatformConfig["azure"]>;
    releaseTimeoutSeconds: number;
    /** One stack for cluster and platform (all), or the cluster / platform half of a split pair. */
    deploy: { part: DeployPart; clusterStack?: string; checkPrevious: boolean };
}

export interface LoadedConfig {
    config: PlatformConfig;
    warnings: string[];
}

const PROVIDER_KEYS: Record<string, keyof ProviderSettings> = {
    "aws:region": "awsRegion",
    "gcp:project": "gcpProject",
    "gcp:region": "gcpRegion",
    "azure-native:location": "azureLocation",
    "aws:profile": "awsProfile",
    "aws:assumeRoles": "awsAssumeRoles",
    "aws:assumeRole": "awsAssumeRoles",
    "gcp:impersonateServiceAccount": "gcpImpersonateServiceAccount",
    "azure-native:tenantId": "azureTenantId",
};

/** Kafka release and metadata version for the pinned Strimzi operator (CHARTS.kafka); change them together. */
export const KAFKA_DEFAULTS = { version: "4.3.1", metadataVersion: "4.3-IV0", clusterName: "dataops" } as const;

/** `<project>-<stack>` as a DNS label of at most 40 characters (cloud cluster names are shorter than 63). */
export function defaultClusterName(project: string, stack: string): string {
    return `${project}-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40).replace(/-+$/, "");
}

export function profileFor(stack: string, setting: string | undefined): Profile {
    if (setting === "dev" || setting === "prod") {
        return setting;
    }
    return stack.toLowerCase().startsWith("prod") ? "prod" : "dev";
}

/**
 * Validates and resolves a stack's configuration. `raw` is Pulumi's config map (`project:key` to string; objects and
 * lists as JSON). Throws one ConfigError listing every problem; returns warnings for well-formed but unknown values.
 */
/** Config fields that hold credentials, by top-level key: they must be set as secrets (`pulumi config set --secret`). */
export const CREDENTIAL_FIELDS: Record<string, readonly string[]> = {
    airflow: ["metadataConnection"],
    alerting: ["slackWebhookUrl", "pagerDutyRoutingKey"],
    access: ["sso.clientSecret"],
};

/** The stack file as text, for the mistakes only the file shows (keys outside `config:`). */
export interface StackFileText {
    name: string;
    text: string;
}

/**
 * `isSecret` tells whether a full key was set as a secret; with it, a credential in plain config is refused (a plain
 * value sits readable in Pulumi.<stack>.yaml and in the repository), and no value of a secret key appears in a problem
 * or warning.
 */
export function loadConfig(
    raw: Record<string, string>,
    stack: string,
    project: string = PROJECT,
    isSecret?: (fullKey: string) => boolean,
    stackFile?: StackFileText,
): LoadedConfig {
    const problems: Problem[] = [];
    const offlineWarnings: string[] = [];
    const values: Record<string, unknown> = {};
    const providers: ProviderSettings = {};
    const shape = configSchema.shape;
    const prefix = `${project}:`;

    for (const [fullKey, text] of Object.entries(raw)) {
        if (fullKey in PROVIDER_KEYS) {
            providers[PROVIDER_KEYS[fullKey]] = text;
            continue;
        }
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length);
        const [head] = key.split(".");
        if (key in shape && isOfflineSecret(text)) {
            if (!STRUCTURED_KEYS.has(key)) {
                problems.push({
                    key: fullKey,
                    message: "is encrypted, but it decides how the whole stack is read, so it cannot be a secret.",
                    fix: `pulumi config set ${fullKey} <value> (without --secret)`,
                });
            } else {
                offlineWarnings.push(`${fullKey} is encrypted as a whole and was not checked offline (it is treated as unset here). ${OFFLINE_HINT}`);
            }
            continue;
        }
        if (!(key in shape) && key !== head && head in shape) {
            problems.push({
                key: fullKey,
                value: text,
                message: `is a field of ${prefix}${head}, but was set as a key of its own (config set without --path).`,
                fix: `pulumi config rm ${fullKey} && pulumi config set --path ${fullKey} <value>`,
            });
            continue;
        }
        if (!(key in shape)) {
            problems.push({
                key: fullKey,
                value: text,
                message: `is not a ${project} setting.${didYouMean(key, Object.keys(shape))}`,
                fix: `remove it or rename it to one of: ${Object.keys(shape).join(", ")}.`,
            });
            continue;
        }
        if (STRUCTURED_KEYS.has(key)) {
            try {
                values[key] = JSON.parse(text);
            } catch {
                problems.push({
                    key: fullKey,
                    value: text,
                    message: "must be a YAML mapping or list in the stack file, not a plain string.",
                    fix: `set it with \`pulumi config set --path ${key}${isList(key) ? "[0]" : ""}.<field> <value>\`.`,
                });
            }
        } else {
            values[key] = text;
        }
    }

    const misplaced = stackFile ? misplacedKeys(stackFile.text) : [];
    for (const key of misplaced) {
        problems.push({
            key,
            message: `is at the root of ${stackFile!.name}, outside \`config:\`, so Pulumi does not pass it to the program.`,
            fix: `indent it under \`config:\` in ${stackFile!.name}, or set it with \`pulumi config set ${key} <value>\`.`,
        });
    }

    // Each top-level key is parsed on its own so one bad section does not hide the problems of the others.
    const parsed: Partial<RawPlatformConfig> = {};
    for (const [key, schema] of Object.entries(shape) as [keyof RawPlatformConfig, z.ZodType][]) {
        if (!(key in values)) {
            if (key === "cloud" && !misplaced.includes(`${prefix}cloud`) && !isOfflineSecret(raw[`${prefix}cloud`])) {
                problems.push({
                    key: `${prefix}cloud`,
                    message: "is required: it chooses where the platform runs (local, aws, gcp or azure).",
                    fix: `pulumi config set ${prefix}cloud local`,
                });
            }
            continue;
        }
        // Encrypted values the offline plan could not decrypt are set and secret; their content is not checked.
        const secretPaths = offlineSecretPaths(values[key]);
        const input = secretPaths.length > 0 ? withoutPaths(values[key], secretPaths) : values[key];
        for (const p of secretPaths) {
            offlineWarnings.push(`${prefix}${key}${formatPath(p)} is encrypted: it is set and is a secret, but its value was not checked offline. ${OFFLINE_HINT}`);
        }
        const result = schema.safeParse(input);
        const issues = result.success ? [] : result.error.issues.filter((i) => !secretPaths.some((p) => samePath(p, i.path)));
        if (issues.length === 0) {
            (parsed as Record<string, unknown>)[key] = restorePaths(result.success ? result.data : input, values[key], secretPaths);
        } else {
            problems.push(...zodProblems(`${prefix}${key}`, schema, input, issues));
            const salvaged = salvage(input, issues);
            if (salvaged !== undefined) {
                (parsed as Record<string, unknown>)[key] = restorePaths(salvaged, values[key], secretPaths);
            }
        }
    }

    if (isSecret) {
        for (const [key, fields] of Object.entries(CREDENTIAL_FIELDS)) {
            const section = (parsed as Record<string, Record<string, unknown> | undefined>)[key];
            for (const field of fields) {
                if (valueAt(section, field.split(".")) !== undefined && !isSecret(`${prefix}${key}`)) {
                    problems.push({
                        key: `${prefix}${key}.${field}`,
                        message: "is a credential but was set in plain text, so it is readable in the stack file.",
                        fix: `pulumi config set --secret --path '${prefix}${key}.${field}' <value>`,
                    });
                }
            }
        }
    }

    const profileSetting = parsed.profile;
    const profile = profileFor(stack, profileSetting);
    const checks = crossChecks({ stack, profile, config: parsed as RawPlatformConfig, providers, prefix });
    problems.push(...checks.problems);

    // No secret value in any message: every string of a key Pulumi marks secret, and every credential field's value.
    const secrets = [
        ...Object.keys(raw).filter((k) => isSecret?.(k)).flatMap((k) => secretStrings(raw[k])),
        ...Object.entries(CREDENTIAL_FIELDS).flatMap(([key, fields]) =>
            fields.map((f) => (values[key] as Record<string, unknown> | undefined)?.[f]).filter((v): v is string => typeof v === "string").flatMap((v) => secretStrings(v)),
        ),
    ].sort((a, b) => b.length - a.length);
    const credentialKeys = Object.entries(CREDENTIAL_FIELDS).flatMap(([key, fields]) => fields.map((f) => `${prefix}${key}.${f}`));
    const safe = redact(problems, [...offlineWarnings, ...checks.warnings], secrets, (k) => Boolean(isSecret?.(k) || isSecret?.(topLevelKey(k))) || credentialKeys.includes(k));
    if (safe.problems.length > 0) {
        throw new ConfigError(stack, safe.problems);
    }
    return { config: resolve(parsed as RawPlatformConfig, stack, project, profile, providers), warnings: safe.warnings };
}

const OFFLINE_HINT =
    "With the stack's passphrase in PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) the offline plan decrypts and checks it; pulumi preview always does.";

/** Keys such as `dataops:cloud:` written at the root of a stack file instead of under `config:`. */
export function misplacedKeys(text: string): string[] {
    return [...text.matchAll(/^([A-Za-z0-9_-]+:[A-Za-z0-9_.-]+):/gm)].map((m) => m[1]);
}

function resolve(c: RawPlatformConfig, stack: string, project: string, profile: Profile, providers: ProviderSettings): PlatformConfig {
    const d = PROFILE_DEFAULTS[profile];
    const cl = c.cluster ?? {};
    const workload = <K extends WorkloadKey>(k: K, s: { enabled?: boolean; chartVersion?: string } | undefined): WorkloadSettings => ({
        enabled: s?.enabled ?? true,
        chartVersion: s?.chartVersion ?? CHARTS[k].version,
    });
    const dags = c.airflow?.dags;
    const database = databaseMode(c.cloud, profile, c.airflow);
    const deletionProtection = cl.deletionProtection ?? d.deletionProtection;
    return {
        project,
        stack,
        cloud: c.cloud,
        profile,
        providers,
        local: { ...c.local, apiServerCidrs: c.local?.apiServerCidrs ?? [], controlPlaneMetrics: c.local?.controlPlaneMetrics ?? true },
        cluster: {
            name: cl.name ?? defaultClusterName(project, stack),
            kubernetesVersion: cl.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
            endpointAccess: cl.endpointAccess ?? d.endpointAccess,
            authorizedCidrs: cl.authorizedCidrs ?? [],
            networkCidr: cl.networkCidr ?? DEFAULT_NETWORK.networkCidr,
            podCidr: cl.podCidr ?? DEFAULT_NETWORK.podCidr,
            serviceCidr: cl.serviceCidr ?? DEFAULT_NETWORK.serviceCidr,
            nodePools: resolvePools(cl.nodePools ?? defaultNodePools(c.cloud, profile), profile),
            deletionProtection: cl.deletionProtection ?? d.deletionProtection,
        },
        airflow: {
            ...workload("airflow", c.airflow),
            executor: c.airflow?.executor ?? "KubernetesExecutor",
            database,
            ...(database === "managed" && c.cloud !== "local"
                ? { managedDatabase: managedDatabaseSettings(c.cloud, profile, c.airflow?.managedDatabase, deletionProtection) }
                : {}),
            metadataSecretName: c.airflow?.metadataSecretName,
            metadataConnection: c.airflow?.metadataConnection,
            databaseCidrs: c.airflow?.databaseCidrs,
            databasePort: c.airflow?.databasePort ?? PORTS.airflowPostgres,
            // With SSO sign-in is the IdP's: a local admin could not sign in (break-glass: docs/front-door.md).
            defaultUser: c.airflow?.defaultUser ?? (d.airflow.defaultUser && !(accessEnabled(c) && c.access?.sso)),
            dags: dags && {
                gitRepo: dags.gitRepo,
                branch: dags.branch ?? "main",
                subPath: dags.subPath ?? "",
                sshKeySecretName: dags.sshKeySecretName,
            },
            replicas: c.airflow?.replicas ?? d.airflow.replicas,
        },
        kafka: {
            ...workload("kafka", c.kafka),
            clusterName: c.kafka?.clusterName ?? KAFKA_DEFAULTS.clusterName,
            version: c.kafka?.version ?? KAFKA_DEFAULTS.version,
            metadataVersion: c.kafka?.metadataVersion ?? KAFKA_DEFAULTS.metadataVersion,
            brokers: c.kafka?.brokers ?? d.kafka.brokers,
            storageGi: c.kafka?.storageGi ?? d.kafka.storageGi,
        },
        spark: { ...workload("spark", c.spark), jobNamespace: c.spark?.jobNamespace ?? NAMESPACES.sparkJobs },
        prometheus: {
            ...workload("prometheus", c.prometheus),
            retention: c.prometheus?.retention ?? d.prometheus.retention,
            storageGi: c.prometheus?.storageGi ?? d.prometheus.storageGi,
            replicas: c.prometheus?.replicas ?? d.prometheus.replicas,
            alertmanagerReplicas: d.prometheus.alertmanagerReplicas,
        },
        grafana: {
            ...workload("grafana", c.grafana),
            persistence: c.grafana?.persistence ?? d.grafana.persistence,
            storageGi: c.grafana?.storageGi ?? d.grafana.storageGi,
        },
        teams: c.teams ?? [],
        namespaces: c.namespaces ?? {},
        alerting: c.alerting ?? {},
        access: resolveAccess(c),
        aws: c.aws ?? {},
        gcp: c.gcp ?? {},
        azure: c.azure ?? {},
        releaseTimeoutSeconds: d.releaseTimeoutSeconds,
        deploy: { part: c.deploy?.part ?? "all", clusterStack: c.deploy?.clusterStack, checkPrevious: c.deploy?.checkPrevious ?? true },
    };
}

function resolveAccess(c: RawPlatformConfig): AccessSettings {
    const a = c.access ?? {};
    const local = c.cloud === "local";
    const sso = a.sso;
    // Team groups double as UI roles: edit/admin teams edit, view teams view; UI admins are named explicitly.
    const teamGroups = (roles: string[]) => [...new Set((c.teams ?? []).filter((t) => roles.includes(t.role)).flatMap((t) => t.groups))];
    const given = sso && sso.authorizationUrl && sso.tokenUrl && sso.userinfoUrl;
    return {
        enabled: accessEnabled(c),
        domain: a.domain ?? (local ? LOCAL_DOMAIN : ""),
        exposure: a.exposure ?? "internal",
        allowedCidrs: a.allowedCidrs ?? [],
        expose: a.expose ?? [],
        tls: {
            mode: a.tls?.mode ?? (local ? "selfSigned" : "acme"),
            email: a.tls?.email,
            acmeServer: a.tls?.acmeServer ?? LETS_ENCRYPT,
            dnsZone: a.tls?.dnsZone,
            secretName: a.tls?.secretName,
        },
        sso: sso && {
            issuerUrl: sso.issuerUrl.replace(/\/+$/, ""),
            clientId: sso.clientId,
            clientSecret: sso.clientSecret,
            groupsClaim: sso.groupsClaim ?? "groups",
            adminGroups: sso.adminGroups ?? [],
            editorGroups: sso.editorGroups ?? teamGroups(["edit", "admin"]),
            viewerGroups: sso.viewerGroups ?? teamGroups(["view"]),
            endpoints: given
                ? { authorizationUrl: sso.authorizationUrl!, tokenUrl: sso.tokenUrl!, userinfoUrl: sso.userinfoUrl! }
                : wellKnownEndpoints(sso.issuerUrl),
        },
    };
}

/**
 * Drops the fields that broke the schema and keeps the rest, so cross-field rules still run on it (a bad
 * kubernetesVersion must not hide a node pool with minNodes > maxNodes). List entries keep their index so later
 * problems name the right entry; cross-field rules treat every field of a salvaged section as possibly absent.
 */
function salvage(input: unknown, issues: z.core.$ZodIssue[]): unknown {
    const value: unknown = structuredClone(input);
    for (const issue of issues) {
        const path = [...(issue.path as (string | number)[])];
        if (issue.code === "unrecognized_keys") {
            const parent = valueAt(value, path) as Record<string, unknown> | undefined;
            issue.keys.forEach((k) => parent && delete parent[k]);
            continue;
        }
        if (path.length === 0) {
            return undefined;
        }
        const last = path.pop()!;
        const parent = valueAt(value, path);
        if (parent && typeof parent === "object" && !Array.isArray(parent)) {
            delete (parent as Record<string | number, unknown>)[last];
        }
    }
    return value;
}

/** Turns zod issues into Problems that name the full key, the value given and the allowed values. */
function zodProblems(root: string, schema: z.ZodType, input: unknown, issues: z.core.$ZodIssue[]): Problem[] {
    const out: Problem[] = [];
    for (const issue of issues) {
        const path = issue.path as (string | number)[];
        const value = valueAt(input, path);
        const key = root + formatPath(path);
        switch (issue.code) {
            case "unrecognized_keys":
                for (const k of issue.keys) {
                    const known = knownKeysAt(schema, path);
                    out.push({
                        key: `${key}.${k}`,
                        value: (value as Record<string, unknown>)[k],
                        message: `is not a known field.${didYouMean(k, known)}`,
                        fix: `use one of: ${known.join(", ")}.`,
                    });
                }
                break;
            case "invalid_value": {
                const allowed = issue.values.map(String);
                const near = suggest(value, allowed);
                out.push({
                    key,
                    value,
                    message: `must be one of ${allowed.join(", ")}.${didYouMean(value, allowed)}`,
                    fix: near === undefined ? undefined : `set ${key} to ${near}.`,
                });
                break;
            }
            case "invalid_type":
                if (issue.expected === "int" && typeof value === "number" && Number.isFinite(value)) {
                    out.push({ key, value, message: "must be a whole number.", fix: `set it to ${Math.floor(value)} or ${Math.ceil(value)}.` });
                    break;
                }
                out.push(
                    value === undefined
                        ? { key, message: "is required." }
                        : { key, value, message: `must be ${article(issue.expected === "int" ? "whole number" : issue.expected)}${typeHint(issue.expected, value)}.` },
                );
                break;
            case "too_small":
                out.push({ key, value, message: sizeMessage("at least", issue.origin, issue.minimum) });
                break;
            case "too_big":
                out.push({ key, value, message: sizeMessage("at most", issue.origin, issue.maximum) });
                break;
            default:
                out.push({ key, value, message: issue.message.endsWith(".") ? issue.message : `${issue.message}.` });
        }
    }
    return out;
}

function isList(key: string): boolean {
    const schema = configSchema.shape[key as keyof typeof configSchema.shape] as z.ZodType;
    return (schema instanceof z.ZodOptional ? schema.unwrap() : schema) instanceof z.ZodArray;
}

function article(expected: string): string {
    return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function typeHint(expected: string, value: unknown): string {
    if ((expected === "number" || expected === "int" || expected === "boolean") && typeof value === "string") {
        return ` (write it unquoted in YAML, e.g. ${expected === "boolean" ? "true" : "3"})`;
    }
    if (expected === "string" && typeof value === "number") {
        // YAML reads 1.30 as the number 1.3.
        return ` (quote it in YAML: unquoted, it was read as the number ${value})`;
    }
    return `, not ${Array.isArray(value) ? "a list" : typeof value}`;
}

function sizeMessage(bound: string, origin: string, limit: unknown): string {
    if (origin === "array") {
        return `needs ${bound} ${String(limit)} entr${limit === 1 ? "y" : "ies"}.`;
    }
    if (origin === "string") {
        return `must have ${bound} ${String(limit)} characters.`;
    }
    return `must be ${bound} ${String(limit)}.`;
}

export function formatPath(path: readonly (string | number | symbol)[]): string {
    return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
    let v: unknown = input;
    for (const p of path) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<string | number, unknown>)[p];
    }
    return v;
}

/** The field names the schema allows at `path`, for "did you mean" on misspelt keys. */
function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
    let s: z.ZodType = schema;
    const unwrap = (t: z.ZodType): z.ZodType => (t instanceof z.ZodOptional ? unwrap(t.unwrap() as z.ZodType) : t);
    for (const p of path) {
        s = unwrap(s);
        if (s instanceof z.ZodArray) {
            s = s.element as z.ZodType;
        } else if (s instanceof z.ZodRecord) {
            s = s.valueType as z.ZodType;
        } else if (s instanceof z.ZodObject) {
            s = s.shape[p as string] as z.ZodType;
        }
    }
    s = unwrap(s);
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
