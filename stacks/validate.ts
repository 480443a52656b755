// Rules that span several fields or keys. Runs on the sections that passed their schema, so every problem is reported
// in one pass. Unknown-but-well-formed regions and versions are warnings, not errors.
import { accessEnabled, wellKnownEndpoints } from "./access";
import { NAMESPACES, RESERVED_NAMESPACES } from "./catalog";
import { AWS_REGION_FORMAT, AWS_REGIONS, EKS_VERSIONS, validateAws } from "./clouds/aws";
import { AKS_VERSIONS, AZURE_LOCATION_FORMAT, AZURE_LOCATIONS, validateAzure } from "./clouds/azure";
import { CloudValidationContext, CloudValidationResult, ProviderSettings } from "./clouds/context";
import { GCP_PROJECT_ID, GCP_REGION_FORMAT, GCP_REGIONS, GKE_VERSIONS, validateGcp } from "./clouds/gcp";
import { cidrProblem, overlaps, parseCidr } from "./cidr";
import { deployProblems, documentationRangeWarnings } from "./day2";
import { checkTeamKafka } from "./kafka";
import { poolProblems } from "./pools";
import { checkDatabase, databaseMode } from "./database";
import { Problem } from "./problems";
import { DEFAULT_NETWORK } from "./profiles";
import { Cloud, Profile, RawPlatformConfig } from "./schema";
import { didYouMean } from "./suggest";
import { elevatedAccessRefusal } from "./teams";

export interface CrossCheckInput {
    stack: string;
    profile: Profile;
    /** Only the sections that passed their schema are present. */
    config: Partial<RawPlatformConfig>;
    providers: ProviderSettings;
    /** `dataops:` */
    prefix: string;
}

interface CloudRules {
    regionKey: string;
    region: (p: ProviderSettings) => string | undefined;
    regionFormat: RegExp;
    regionExample: string;
    regions: readonly string[];
    versions: readonly string[];
    validate: (ctx: CloudValidationContext) => CloudValidationResult;
}

const CLOUD_RULES: Record<Exclude<Cloud, "local">, CloudRules> = {
    aws: {
        regionKey: "aws:region",
        region: (p) => p.awsRegion,
        regionFormat: AWS_REGION_FORMAT,
        regionExample: "eu-west-1",
        regions: AWS_REGIONS,
        versions: EKS_VERSIONS,
        validate: validateAws,
    },
    gcp: {
        regionKey: "gcp:region",
        region: (p) => p.gcpRegion,
        regionFormat: GCP_REGION_FORMAT,
        regionExample: "europe-west1",
        regions: GCP_REGIONS,
        versions: GKE_VERSIONS,
        validate: validateGcp,
    },
    azure: {
        regionKey: "azure-native:location",
        region: (p) => p.azureLocation,
        regionFormat: AZURE_LOCATION_FORMAT,
        regionExample: "westeurope",
        regions: AZURE_LOCATIONS,
        versions: AKS_VERSIONS,
        validate: validateAzure,
    },
};

/** Every namespace the platform creates and isolates for this config (platform ones plus team-owned ones). */
export function managedNamespaces(config: Partial<RawPlatformConfig>): string[] {
    const enabled = (s: { enabled?: boolean } | undefined) => s?.enabled !== false;
    const out: string[] = [];
    if (enabled(config.airflow)) out.push(NAMESPACES.airflow);
    if (enabled(config.kafka)) out.push(NAMESPACES.kafka);
    if (enabled(config.spark)) out.push(NAMESPACES.sparkOperator, config.spark?.jobNamespace ?? NAMESPACES.sparkJobs);
    if (enabled(config.prometheus) || enabled(config.grafana)) out.push(NAMESPACES.monitoring);
    if (enabled(config.prometheus)) out.push(NAMESPACES.nodeExporter);
    if (accessEnabled(config)) out.push(NAMESPACES.gateway, NAMESPACES.certManager);
    for (const t of config.teams ?? []) {
        out.push(...(t.ownNamespaces ?? []));
    }
    return out;
}

export function crossChecks(input: CrossCheckInput): CloudValidationResult {
    const { config, providers, prefix, profile } = input;
    const problems: Problem[] = [];
    const warnings: string[] = [];
    const cloud = config.cloud;

    if (cloud && cloud !== "local") {
        const rules = CLOUD_RULES[cloud];
        checkProviderSettings(cloud, rules, providers, problems, warnings);
        const version = config.cluster?.kubernetesVersion;
        if (version && !rules.versions.includes(version)) {
            warnings.push(
                `${prefix}cluster.kubernetesVersion "${version}" is not a version ${cloud} is known to offer ` +
                    `(${rules.versions.join(", ")}); the cloud will reject it if it does not exist.`,
            );
        }
    }
    if (cloud === "local" && config.cluster) {
        const ignored = Object.keys(config.cluster).filter((k) => config.cluster?.[k as keyof typeof config.cluster] !== undefined);
        if (ignored.length > 0) {
            warnings.push(`${prefix}cluster.${ignored.join(", ")} ${ignored.length === 1 ? "is" : "are"} ignored on the local cloud: the cluster already exists.`);
        }
    }
    for (const other of ["aws", "gcp", "azure"] as const) {
        if (config[other] && cloud && cloud !== other) {
            warnings.push(`${prefix}${other} is set but ${prefix}cloud is ${cloud}; it is ignored.`);
        }
    }

    checkNetwork(input, problems);
    checkEndpoint(input, problems);
    checkNodePools(input, problems);
    checkWorkloads(input, problems, warnings);
    checkTeamsAndNamespaces(input, problems);
    problems.push(...deployProblems(config, input.stack, prefix));
    warnings.push(...documentationRangeWarnings(config, prefix));
    problems.push(...checkTeamKafka(input));
    checkAccess(input, problems, warnings);

    if (cloud && cloud !== "local") {
        // The cloud's rules see what survived the schema; a section they cannot read was already reported.
        try {
            const r = CLOUD_RULES[cloud].validate({ stack: input.stack, profile, config: config as RawPlatformConfig, providers });
            // A key the general rules already faulted is not reported twice in other words.
            const faulted = new Set(problems.map((p) => p.key));
            problems.push(...r.problems.filter((p) => !faulted.has(p.key)));
            warnings.push(...r.warnings);
        } catch (e) {
            if (problems.length === 0) {
                throw e;
            }
        }
    }
    return { problems: unique(problems, (p) => `${p.key}\n${p.message}`), warnings: unique(warnings, (w) => w) };
}

function unique<T>(items: T[], key: (t: T) => string): T[] {
    const seen = new Set<string>();
    return items.filter((t) => !seen.has(key(t)) && Boolean(seen.add(key(t))));
}

function checkProviderSettings(
    cloud: Exclude<Cloud, "local">,
    rules: CloudRules,
    providers: ProviderSettings,
    problems: Problem[],
    warnings: string[],
): void {
    const region = rules.region(providers);
    if (region === undefined || region === "") {
        problems.push({
            key: rules.regionKey,
            message: `is required when dataops:cloud is ${cloud}.`,
            fix: `pulumi config set ${rules.regionKey} ${rules.regionExample}`,
        });
    } else if (!rules.regionFormat.test(region)) {
        problems.push({
            key: rules.regionKey,
            value: region,
            message: `is not a well-formed ${cloud} region.${didYouMean(region, rules.regions)}`,
            fix: `use a region like ${rules.regionExample}.`,
        });
    } else if (!rules.regions.includes(region)) {
        warnings.push(`${rules.regionKey} "${region}" is not a region this program knows; check that ${cloud} offers it.`);
    }
    if (cloud === "gcp") {
        const project = providers.gcpProject;
        if (project === undefined || project === "") {
            problems.push({
                key: "gcp:project",
                message: "is required when dataops:cloud is gcp: it is the project the cluster is created in.",
                fix: "pulumi config set gcp:project <your-project-id>",
            });
        } else if (!GCP_PROJECT_ID.test(project)) {
            problems.push({
                key: "gcp:project",
                value: project,
                message:
                    "is not a valid project ID (6-30 characters: lowercase letters, digits and hyphens, starting with a letter; " +
                    "the project ID, not its display name or number).",
                fix: "copy the ID from `gcloud projects list` and run pulumi config set gcp:project <id>",
            });
        }
    }
}

function checkNetwork(input: CrossCheckInput, problems: Problem[]): void {
    const { config, prefix } = input;
    const cl = config.cluster ?? {};
    const ranges: { key: string; text: string }[] = [];
    const single = (field: "networkCidr" | "podCidr" | "serviceCidr") => {
        const given = cl[field];
        const text = given ?? DEFAULT_NETWORK[field];
        const key = `${prefix}cluster.${field}`;
        if (given !== undefined) {
            const why = cidrProblem(given);
            if (why) {
                problems.push({ key, value: given, message: `${why}.` });
                return;
            }
        }
        ranges.push({ key: given === undefined ? `${key} (default ${text})` : key, text });
    };
    if (config.cloud !== "local") {
        single("networkCidr");
        single("podCidr");
        single("serviceCidr");
    }
    for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
            const a = parseCidr(ranges[i].text)!;
            const b = parseCidr(ranges[j].text)!;
            if (overlaps(a, b)) {
                problems.push({
                    key: ranges[j].key,
                    value: ranges[j].text,
                    message: `overlaps ${ranges[i].key} = ${ranges[i].text}; node, pod and service ranges must be disjoint.`,
                    fix: "pick non-overlapping private ranges, e.g. 10.10.0.0/16, 10.244.0.0/14 and 10.96.0.0/16.",
                });
            }
        }
    }
    const lists: [string, string[] | undefined][] = [
        [`${prefix}cluster.authorizedCidrs`, cl.authorizedCidrs],
        [`${prefix}local.apiServerCidrs`, config.local?.apiServerCidrs],
        [`${prefix}airflow.databaseCidrs`, config.airflow?.databaseCidrs],
        [`${prefix}access.allowedCidrs`, config.access?.allowedCidrs],
    ];
    for (const [key, list] of lists) {
        (list ?? []).forEach((c, i) => {
            const why = cidrProblem(c);
            if (why) {
                problems.push({ key: `${key}[${i}]`, value: c, message: `${why}.` });
            }
        });
    }
}

function checkEndpoint(input: CrossCheckInput, problems: Problem[]): void {
    const { config, prefix, profile } = input;
    if (!config.cloud || config.cloud === "local" || profile !== "prod") {
        return;
    }
    const cl = config.cluster ?? {};
    if (cl.endpointAccess !== "public") {
        return;
    }
    const cidrs = cl.authorizedCidrs ?? [];
    if (cidrs.length === 0) {
        problems.push({
            key: `${prefix}cluster.endpointAccess`,
            value: "public",
            message: "a public API endpoint in the prod profile needs dataops:cluster.authorizedCidrs (none are set).",
            fix: "list the CIDRs allowed to reach the API in dataops:cluster.authorizedCidrs, or set endpointAccess to private.",
        });
    }
    cidrs.forEach((c, i) => {
        if (c === "0.0.0.0/0") {
            problems.push({
                key: `${prefix}cluster.authorizedCidrs[${i}]`,
                value: c,
                message: "opens the prod API endpoint to the whole internet.",
                fix: "list your office/VPN/CI ranges instead.",
            });
        }
    });
}

function checkNodePools(input: CrossCheckInput, problems: Problem[]): void {
    const { config, prefix } = input;
    const seen = new Map<string, number>();
    if (config.cloud) {
        problems.push(...poolProblems(config.cluster?.nodePools ?? [], config.cloud, input.profile, `${prefix}cluster.nodePools`));
    }
    (config.cluster?.nodePools ?? []).forEach((p, i) => {
        const key = `${prefix}cluster.nodePools[${i}]`;
        if (p.maxNodes < 1) {
            problems.push({ key: `${key}.maxNodes`, value: p.maxNodes, message: "must be at least 1.", fix: "set maxNodes to 1 or more." });
        }
        if (p.maxNodes >= 1 && p.minNodes > p.maxNodes) {
            problems.push({
                key: `${key}.minNodes`,
                value: p.minNodes,
                message: `is greater than maxNodes (${p.maxNodes}) of pool "${p.name}".`,
                fix: "set minNodes <= maxNodes.",
            });
        }
        const first = seen.get(p.name);
        if (first !== undefined) {
            problems.push({
                key: `${key}.name`,
                value: p.name,
                message: `duplicates the name of ${prefix}cluster.nodePools[${first}]; pool names must be unique.`,
                fix: "rename one of the pools.",
            });
        } else {
            seen.set(p.name, i);
        }
    });
}

function checkWorkloads(input: CrossCheckInput, problems: Problem[], warnings: string[]): void {
    const { config, prefix, profile } = input;
    const workloads = ["airflow", "kafka", "spark", "prometheus", "grafana"] as const;
    if (workloads.every((w) => config[w]?.enabled === false)) {
        warnings.push(
            `every workload is disabled (${workloads.map((w) => `${prefix}${w}.enabled`).join(", ")} are false): ` +
                "the stack creates the cluster and nothing on it. Set enabled: true on the workloads you need.",
        );
    }
    const brokers = config.kafka?.brokers;
    if (profile === "prod" && config.kafka?.enabled !== false && brokers !== undefined && brokers < 3) {
        problems.push({
            key: `${prefix}kafka.brokers`,
            value: brokers,
            message: "must be at least 3 in the prod profile (replication factor 3 with min.insync.replicas 2).",
            fix: "set it to 3 or more, or use the dev profile.",
        });
    }
    const jobNs = config.spark?.jobNamespace;
    if (jobNs && (platformNamespaceNames().includes(jobNs) || RESERVED_NAMESPACES.includes(jobNs))) {
        problems.push({
            key: `${prefix}spark.jobNamespace`,
            value: jobNs,
            message: "is already used by the platform or by Kubernetes; Spark jobs need a namespace of their own.",
            fix: `choose another name, e.g. ${NAMESPACES.sparkJobs}.`,
        });
    }
    const airflow = config.airflow;
    if (airflow?.dags && /^(ssh:\/\/|git@)/.test(airflow.dags.gitRepo ?? "") && !airflow.dags.sshKeySecretName) {
        problems.push({
            key: `${prefix}airflow.dags.sshKeySecretName`,
            message: `is required for the ssh repository ${airflow.dags.gitRepo}: git-sync has no other way to authenticate.`,
            fix: "create a Secret in the airflow namespace with key gitSshKey and name it here, or use an https:// repository.",
        });
    }
    const external = databaseMode(config.cloud, profile, airflow) === "external";
    if ((airflow?.databaseCidrs || airflow?.databasePort) && !external) {
        warnings.push(`${prefix}airflow.databaseCidrs/databasePort only apply with an external database (${prefix}airflow.metadataConnection); they are ignored.`);
    }
    if (airflow?.metadataSecretName && !airflow.metadataConnection && airflow.enabled !== false) {
        warnings.push(
            `${prefix}airflow.metadataSecretName "${airflow.metadataSecretName}" must exist in namespace airflow before Airflow installs, ` +
                `which a first pulumi up cannot arrange; set ${prefix}airflow.metadataConnection (as a secret) to have Pulumi create it.`,
        );
    }
    checkDatabase({ cloud: config.cloud, profile, airflow, gcpExistingNetwork: config.gcp?.network, prefix }, problems, warnings);
}

function platformNamespaceNames(): string[] {
    return [
        NAMESPACES.airflow,
        NAMESPACES.kafka,
        NAMESPACES.sparkOperator,
        NAMESPACES.monitoring,
        NAMESPACES.nodeExporter,
        NAMESPACES.gateway,
        NAMESPACES.certManager,
    ];
}

/** What `dataops:access.tls.dnsZone` names on each cloud. */
export const DNS_ZONE_FORMATS: Record<"aws" | "gcp" | "azure", { pattern: RegExp; example: string; what: string }> = {
    aws: { pattern: /^Z[A-Z0-9]{1,31}$/, example: "Z0123456789ABCDEFGHIJ", what: "a Route 53 hosted zone ID" },
    gcp: { pattern: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, example: "data-example-com", what: "a Cloud DNS managed zone name" },
    azure: {
        pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/dnszones\/[^/]+$/i,
        example: "/subscriptions/<id>/resourceGroups/dns/providers/Microsoft.Network/dnszones/data.example.com",
        what: "an Azure DNS zone resource ID",
    },
};

function checkAccess(input: CrossCheckInput, problems: Problem[], warnings: string[]): void {
    const { config, prefix, profile } = input;
    const a = config.access;
    const cloud = config.cloud;
    const key = `${prefix}access`;
    // On a cloud, any access setting without a domain is a front door asked for but not addressable.
    if (!a || !cloud || a.enabled === false) {
        return;
    }
    if (cloud !== "local" && !a.domain) {
        problems.push({
            key: `${key}.domain`,
            message: `is required for the front door on ${cloud}: the UIs are served at airflow.<domain> and grafana.<domain>.`,
            fix: `pulumi config set --path '${key}.domain' data.example.com (a zone you control), or set ${key}.enabled to false.`,
        });
    }
    if (a.sso && config.airflow?.defaultUser === true) {
        problems.push({
            key: `${prefix}airflow.defaultUser`,
            value: true,
            message: `with ${key}.sso Airflow signs users in through the identity provider only, so a local admin user could not sign in.`,
            fix: `remove ${prefix}airflow.defaultUser (break-glass access is described in docs/front-door.md), or remove ${key}.sso.`,
        });
    }
    const cidrs = a.allowedCidrs ?? [];
    if (a.exposure === "public" && cloud !== "local") {
        if (cidrs.length === 0) {
            const p = {
                key: `${key}.exposure`,
                value: "public",
                message: `a public load balancer needs ${key}.allowedCidrs (none are set), or it admits the whole internet.`,
                fix: `list the client ranges in ${key}.allowedCidrs, or set ${key}.exposure to internal.`,
            };
            if (profile === "prod") {
                problems.push(p);
            } else {
                warnings.push(`${p.key} is public without ${key}.allowedCidrs: the UIs' sign-in pages are open to the whole internet.`);
            }
        }
        cidrs.forEach((c, i) => {
            if (c === "0.0.0.0/0") {
                if (profile === "prod") {
                    problems.push({ key: `${key}.allowedCidrs[${i}]`, value: c, message: "opens the prod UIs to the whole internet.", fix: "list your office/VPN ranges instead." });
                } else {
                    warnings.push(`${key}.allowedCidrs[${i}] is 0.0.0.0/0: the public load balancer admits the whole internet.`);
                }
            }
        });
    }
    if (a.exposure === "public" && cloud === "local") {
        warnings.push(`${key}.exposure is ignored on the local cloud: the gateway listens on the host's ports 80 and 443.`);
    }
    checkTls(input, problems, warnings);
    const sso = a.sso;
    if ((a.expose ?? []).length > 0 && !sso) {
        problems.push({
            key: `${key}.expose`,
            value: a.expose,
            message: `needs ${key}.sso: these UIs have no sign-in of their own, so they are only exposed behind the OIDC proxy.`,
            fix: `configure ${key}.sso, or reach them with kubectl port-forward.`,
        });
    }
    if (sso) {
        const endpoints = [sso.authorizationUrl, sso.tokenUrl, sso.userinfoUrl];
        const givenCount = endpoints.filter((e) => e !== undefined).length;
        if (givenCount > 0 && givenCount < 3) {
            problems.push({
                key: `${key}.sso`,
                message: "authorizationUrl, tokenUrl and userinfoUrl go together: set all three or none.",
                fix: "copy the three endpoints from your issuer's /.well-known/openid-configuration.",
            });
        } else if (givenCount === 0 && config.grafana?.enabled !== false && !wellKnownEndpoints(sso.issuerUrl ?? "")) {
            problems.push({
                key: `${key}.sso.tokenUrl`,
                message: `is required for Grafana's sign-in with the issuer ${sso.issuerUrl}: Grafana does not read the discovery document, and only Entra ID, Google, Keycloak and Okta endpoints are derived.`,
                fix: `set ${key}.sso.authorizationUrl, tokenUrl and userinfoUrl from ${sso.issuerUrl}/.well-known/openid-configuration.`,
            });
        }
        const teamGroups = (config.teams ?? []).some((t) => t.role !== undefined && t.groups.length > 0);
        if (![sso.adminGroups, sso.editorGroups, sso.viewerGroups].some((g) => (g ?? []).length > 0) && !teamGroups) {
            warnings.push(`${key}.sso maps no groups to roles (adminGroups, editorGroups, viewerGroups, or dataops:teams[].groups): nobody can sign in to the UIs.`);
        }
    }
}

function checkTls(input: CrossCheckInput, problems: Problem[], warnings: string[]): void {
    const { config, prefix, profile } = input;
    const cloud = config.cloud!;
    const tls = config.access?.tls ?? {};
    const key = `${prefix}access.tls`;
    const mode = tls.mode ?? (cloud === "local" ? "selfSigned" : "acme");
    if (mode === "acme") {
        if (cloud === "local") {
            problems.push({
                key: `${key}.mode`,
                value: "acme",
                message: "needs a cloud DNS zone for DNS-01 challenges, which the local cloud does not have.",
                fix: "use selfSigned (the local default) or secret.",
            });
            return;
        }
        if (!tls.email) {
            problems.push({ key: `${key}.email`, message: "is required for ACME: the CA sends expiry notices there.", fix: `pulumi config set --path '${key}.email' platform@example.com` });
        }
        if (cloud === "azure" && (config.azure?.workloadIdentity === false || config.azure?.oidcIssuer === false)) {
            problems.push({
                key: `${key}.mode`,
                value: "acme",
                message: "needs workload identity on AKS (dataops:azure.workloadIdentity and oidcIssuer): cert-manager signs in to Azure DNS with it.",
                fix: `turn workload identity on, or use ${key}.mode secret.`,
            });
        }
        const format = DNS_ZONE_FORMATS[cloud];
        if (!tls.dnsZone) {
            problems.push({
                key: `${key}.dnsZone`,
                message: `is required for ACME DNS-01 on ${cloud}: ${format.what} that holds the domain.`,
                fix: `pulumi config set --path '${key}.dnsZone' ${format.example}, or use ${key}.mode secret with your own certificate.`,
            });
        } else if (!format.pattern.test(tls.dnsZone)) {
            problems.push({ key: `${key}.dnsZone`, value: tls.dnsZone, message: `must be ${format.what} on ${cloud}.`, fix: `use a value like ${format.example}.` });
        }
    } else if (tls.dnsZone) {
        warnings.push(`${key}.dnsZone only applies to ${key}.mode acme; it is ignored.`);
    }
    if (mode === "secret" && !tls.secretName) {
        problems.push({
            key: `${key}.secretName`,
            message: "is required when tls.mode is secret: the kubernetes.io/tls Secret in namespace gateway that covers *.<domain>.",
            fix: `pulumi config set --path '${key}.secretName' ui-tls`,
        });
    }
    if (mode === "selfSigned" && profile === "prod") {
        warnings.push(`${key}.mode selfSigned in the prod profile: browsers will not trust the UIs' certificate.`);
    }
}

function checkTeamsAndNamespaces(input: CrossCheckInput, problems: Problem[]): void {
    const { config, prefix } = input;
    const teams = config.teams ?? [];
    const platform = managedNamespaces({ ...config, teams: [] });
    const owner = new Map<string, string>();
    const names = new Map<string, number>();
    teams.forEach((t, i) => {
        const key = `${prefix}teams[${i}]`;
        const firstIndex = names.get(t.name);
        if (firstIndex !== undefined) {
            problems.push({
                key: `${key}.name`,
                value: t.name,
                message: `duplicates ${prefix}teams[${firstIndex}].name; team names must be unique.`,
                fix: "merge the two entries or rename one.",
            });
        } else {
            names.set(t.name, i);
        }
        (t.ownNamespaces ?? []).forEach((ns, j) => {
            const nsKey = `${key}.ownNamespaces[${j}]`;
            if (platform.includes(ns) || RESERVED_NAMESPACES.includes(ns)) {
                problems.push({
                    key: nsKey,
                    value: ns,
                    message: "is a platform or Kubernetes namespace; a team can only own namespaces of its own.",
                    fix: `use a team-specific name such as ${t.name}-jobs.`,
                });
            } else if (owner.has(ns)) {
                problems.push({ key: nsKey, value: ns, message: `is already owned by team "${owner.get(ns)}".`, fix: "give each team its own namespaces." });
            } else {
                owner.set(ns, t.name);
            }
        });
        if (t.awsPrincipals && t.awsPrincipals.length > 0 && config.cloud && config.cloud !== "aws") {
            problems.push({
                key: `${key}.awsPrincipals`,
                value: t.awsPrincipals,
                message: `only applies when dataops:cloud is aws (it is ${config.cloud}).`,
                fix: "remove awsPrincipals; on this cloud, groups come from the identity provider directly.",
            });
        }
    });
    const managed = [...platform, ...owner.keys()];
    teams.forEach((t, i) => {
        (t.namespaces ?? []).forEach((ns, j) => {
            if (!managed.includes(ns)) {
                problems.push({
                    key: `${prefix}teams[${i}].namespaces[${j}]`,
                    value: ns,
                    message: `is not a namespace the platform manages.${didYouMean(ns, managed)}`,
                    fix: `use one of: ${managed.join(", ")}; or list it in ownNamespaces to have it created.`,
                });
                return;
            }
            const jobNamespace = config.spark?.enabled === false ? "" : (config.spark?.jobNamespace ?? NAMESPACES.sparkJobs);
            const refusal = t.role && elevatedAccessRefusal({ team: t.name, namespace: ns, role: t.role }, jobNamespace, owner);
            if (refusal) {
                problems.push({
                    key: `${prefix}teams[${i}].namespaces[${j}]`,
                    value: ns,
                    message: refusal,
                    fix: `remove "${ns}" from ${prefix}teams[${i}].namespaces, or give that team role view; edit and admin are for ${jobNamespace ? `${jobNamespace} and ` : ""}the team's ownNamespaces.`,
                });
            }
        });
    });
    for (const ns of Object.keys(config.namespaces ?? {})) {
        if (!managed.includes(ns)) {
            problems.push({
                key: `${prefix}namespaces.${ns}`,
                message: `is not a namespace the platform manages.${didYouMean(ns, managed)}`,
                fix: `overrides apply to: ${managed.join(", ")}.`,
            });
        }
    }
}
