// Airflow's metadata database: where it runs (`dataops:airflow.database`), the managed instance's settings per profile
// and cloud, and their rules. The three clouds' database rules sit side by side here so they read as one policy.
import { z } from "zod";
import { WEEKDAYS } from "./clouds/azure";
import type { Problem } from "./problems";
import type { Cloud, Profile } from "./schema";

/** bundled: the chart's single-pod PostgreSQL; managed: a cloud database the program creates; external: metadataConnection. */
export const DATABASE_MODES = ["bundled", "managed", "external"] as const;
export type DatabaseMode = (typeof DATABASE_MODES)[number];

/** PostgreSQL majors that RDS, Cloud SQL and Flexible Server all offer and Airflow 3 supports. */
export const POSTGRES_MAJOR_VERSIONS = ["14", "15", "16", "17"] as const;
export const DEFAULT_POSTGRES_VERSION = "17";

/** Database and role the platform creates for Airflow. */
export const METADATA_DATABASE = { name: "airflow", username: "airflow" } as const;

/** Flexible Server only offers these storage sizes (GiB). */
export const AZURE_STORAGE_SIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

export const managedDatabaseSchema = z.strictObject({
    /** PostgreSQL major version; minor versions are applied by the cloud in the maintenance window. */
    engineVersion: z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(/^\d+$/, 'must be a PostgreSQL major version like "17"')).optional(),
    /** RDS instance class, Cloud SQL tier or Flexible Server SKU (defaults per cloud and profile: docs/database.md). */
    size: z.string().min(1).optional(),
    storageGi: z.number().int().min(20).max(32767).optional(),
    /** Days of automated backups and point-in-time recovery. */
    backupRetentionDays: z.number().int().min(7).max(35).optional(),
    /** Weekly window (UTC) for minor version upgrades and patches. */
    maintenanceWindow: z.strictObject({ dayOfWeek: z.enum(WEEKDAYS), startHour: z.number().int().min(0).max(23) }).optional(),
});

export type ManagedDatabaseInput = z.infer<typeof managedDatabaseSchema>;

/** Instance sizes per cloud and profile: dev the smallest that runs Airflow, prod general-purpose with room for both schedulers. */
export const DATABASE_SIZES: Record<Exclude<Cloud, "local">, Record<Profile, string>> = {
    aws: { dev: "db.t4g.medium", prod: "db.m7g.large" },
    gcp: { dev: "db-custom-1-3840", prod: "db-custom-2-8192" },
    azure: { dev: "Standard_B2s", prod: "Standard_D2ds_v5" },
};

export const DATABASE_DEFAULTS: Record<Profile, { storageGi: number; backupRetentionDays: number }> = {
    dev: { storageGi: 32, backupRetentionDays: 7 },
    prod: { storageGi: 128, backupRetentionDays: 14 },
};

/** A weekday as the clouds number it: Monday 1 to Saturday 6, Sunday 0 (RDS, Flexible Server) or 7 (Cloud SQL). */
export function weekdayNumber(day: (typeof WEEKDAYS)[number], sunday: 0 | 7): number {
    const i = WEEKDAYS.indexOf(day);
    return i === WEEKDAYS.length - 1 ? sunday : i + 1;
}

export const DEFAULT_DATABASE_WINDOW = { dayOfWeek: "Sunday", startHour: 3 } as const;

const SIZE_RULES: Record<Exclude<Cloud, "local">, { format: RegExp; what: string; example: string }> = {
    aws: { format: /^db\.[a-z0-9]+\.[a-z0-9]+$/, what: "an RDS instance class", example: "db.m7g.large" },
    gcp: { format: /^db-custom-\d+-\d+$/, what: "a Cloud SQL Enterprise tier (db-custom-<vCPUs>-<MiB>; shared-core tiers have no SLA)", example: "db-custom-2-8192" },
    azure: { format: /^Standard_[BDE]\d+[a-z]*_v\d+$|^Standard_B\d+[a-z]*$/, what: "a Flexible Server SKU (Burstable B, General Purpose D or Memory Optimized E)", example: "Standard_D2ds_v5" },
};

export type AzureSkuTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";

/** Flexible Server names the tier beside the SKU; the SKU's series decides it. */
export function azureSkuTier(sku: string): AzureSkuTier {
    return sku.startsWith("Standard_B") ? "Burstable" : sku.startsWith("Standard_E") ? "MemoryOptimized" : "GeneralPurpose";
}

/** Resolved settings of the managed database. */
export interface ManagedDatabaseSettings {
    engineVersion: string;
    size: string;
    storageGi: number;
    backupRetentionDays: number;
    maintenanceWindow: { dayOfWeek: (typeof WEEKDAYS)[number]; startHour: number };
    /** A standby in another zone (Multi-AZ, regional, zone-redundant): prod. */
    highAvailability: boolean;
    /** The cloud's own deletion protection (`dataops:cluster.deletionProtection`). */
    deletionProtection: boolean;
    /** Pulumi `protect`: prod. */
    protect: boolean;
}

interface AirflowDatabaseInput {
    enabled?: boolean;
    database?: DatabaseMode;
    metadataConnection?: string;
    metadataSecretName?: string;
    managedDatabase?: ManagedDatabaseInput;
}

/** Unset: external when a URL or Secret is given, managed for prod on a cloud, else bundled. */
export function databaseMode(cloud: Cloud | undefined, profile: Profile, airflow: AirflowDatabaseInput | undefined): DatabaseMode {
    if (airflow?.database) {
        return airflow.database;
    }
    if (airflow?.metadataConnection || airflow?.metadataSecretName) {
        return "external";
    }
    return profile === "prod" && cloud !== undefined && cloud !== "local" ? "managed" : "bundled";
}

export function managedDatabaseSettings(
    cloud: Exclude<Cloud, "local">,
    profile: Profile,
    input: ManagedDatabaseInput | undefined,
    deletionProtection: boolean,
): ManagedDatabaseSettings {
    const d = DATABASE_DEFAULTS[profile];
    return {
        engineVersion: input?.engineVersion ?? DEFAULT_POSTGRES_VERSION,
        size: input?.size ?? DATABASE_SIZES[cloud][profile],
        storageGi: input?.storageGi ?? d.storageGi,
        backupRetentionDays: input?.backupRetentionDays ?? d.backupRetentionDays,
        maintenanceWindow: input?.maintenanceWindow ?? { ...DEFAULT_DATABASE_WINDOW },
        highAvailability: profile === "prod",
        deletionProtection,
        protect: profile === "prod",
    };
}

export interface DatabaseCheckInput {
    cloud: Cloud | undefined;
    profile: Profile;
    airflow: AirflowDatabaseInput | undefined;
    /** `dataops:gcp.network`: an existing network whose private services access the program does not own. */
    gcpExistingNetwork?: string;
    prefix: string;
}

export function checkDatabase(input: DatabaseCheckInput, problems: Problem[], warnings: string[]): void {
    const { cloud, profile, airflow, prefix } = input;
    if (airflow?.enabled === false) {
        return;
    }
    const key = `${prefix}airflow.database`;
    const mode = databaseMode(cloud, profile, airflow);
    const given = airflow?.database;
    const external = Boolean(airflow?.metadataConnection || airflow?.metadataSecretName);
    if (mode === "managed" && cloud === "local") {
        problems.push({
            key,
            value: "managed",
            message: "is not available on the local cloud: there is no cloud account to create a database in.",
            fix: `use bundled (the chart's PostgreSQL), or external with ${prefix}airflow.metadataConnection set as a secret.`,
        });
    }
    if (given === "external" && !external) {
        problems.push({
            key,
            value: "external",
            message: `needs ${prefix}airflow.metadataConnection (or an existing ${prefix}airflow.metadataSecretName): nothing says where the database is.`,
            fix: `pulumi config set --secret --path ${prefix}airflow.metadataConnection postgresql://airflow:<password>@<host>:5432/airflow`,
        });
    }
    if (given !== undefined && given !== "external" && external) {
        problems.push({
            key,
            value: given,
            message: `contradicts ${prefix}airflow.${airflow?.metadataConnection ? "metadataConnection" : "metadataSecretName"}, which names an external database.`,
            fix: `set ${key} to external, or remove the external database settings.`,
        });
    }
    if (mode !== "managed") {
        if (airflow?.managedDatabase) {
            warnings.push(`${prefix}airflow.managedDatabase only applies when ${key} is managed (it is ${mode}); it is ignored.`);
        }
        if (mode === "bundled" && profile === "prod") {
            warnings.push(
                `${key} is bundled in the prod profile: the chart's PostgreSQL is a single pod without backups. ` +
                    (cloud === "local" || cloud === undefined
                        ? `Set an external database URL as a secret: pulumi config set --secret --path ${prefix}airflow.metadataConnection <url>.`
                        : `Use managed (the prod default on ${cloud}) or external.`),
            );
        }
        return;
    }
    if (cloud === undefined || cloud === "local") {
        return;
    }
    const m = airflow?.managedDatabase ?? {};
    if (m.engineVersion !== undefined && !(POSTGRES_MAJOR_VERSIONS as readonly string[]).includes(m.engineVersion)) {
        problems.push({
            key: `${prefix}airflow.managedDatabase.engineVersion`,
            value: m.engineVersion,
            message: `is not a PostgreSQL major version that RDS, Cloud SQL and Flexible Server all offer and Airflow 3 supports (${POSTGRES_MAJOR_VERSIONS.join(", ")}).`,
            fix: `use ${DEFAULT_POSTGRES_VERSION}, or the version the database runs today (major upgrades: docs/database.md).`,
        });
    }
    const size = m.size ?? DATABASE_SIZES[cloud][profile];
    const rule = SIZE_RULES[cloud];
    if (m.size !== undefined && !rule.format.test(m.size)) {
        problems.push({ key: `${prefix}airflow.managedDatabase.size`, value: m.size, message: `is not ${rule.what}.`, fix: `use a size like ${rule.example}.` });
    } else if (cloud === "azure" && profile === "prod" && azureSkuTier(size) === "Burstable") {
        problems.push({
            key: `${prefix}airflow.managedDatabase.size`,
            value: size,
            message: "is a Burstable SKU, which Flexible Server cannot make zone-redundant (prod runs a standby in another zone).",
            fix: `use a General Purpose or Memory Optimized SKU such as ${DATABASE_SIZES.azure.prod}.`,
        });
    }
    if (cloud === "azure" && m.storageGi !== undefined && !(AZURE_STORAGE_SIZES as readonly number[]).includes(m.storageGi)) {
        const near = AZURE_STORAGE_SIZES.find((s) => s >= m.storageGi!) ?? AZURE_STORAGE_SIZES[AZURE_STORAGE_SIZES.length - 1];
        problems.push({
            key: `${prefix}airflow.managedDatabase.storageGi`,
            value: m.storageGi,
            message: `is not a size Flexible Server offers (${AZURE_STORAGE_SIZES.join(", ")}).`,
            fix: `use ${near}.`,
        });
    }
    if (cloud === "gcp" && input.gcpExistingNetwork !== undefined) {
        warnings.push(
            `${prefix}gcp.network is an existing network: the managed database uses its private services access, which must already be ` +
                "configured there (a network has one servicenetworking connection, owned by whoever created it); see docs/database.md.",
        );
    }
}
