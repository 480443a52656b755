// Airflow's metadata database on Azure: PostgreSQL Flexible Server, zone-redundant HA in prod, integrated into the
// cluster's VNet (a delegated subnet and a private DNS zone, no public access), its data encrypted with a key in the
// stack's Key Vault through a user-assigned identity, automated backups with point-in-time recovery, TLS only.
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PORTS } from "../../../stacks/catalog";
import { parseCidr, subnet } from "../../../stacks/cidr";
import { azureSkuTier, METADATA_DATABASE, ManagedDatabaseSettings, weekdayNumber } from "../../../stacks/database";
import type { MetadataDatabase } from "../types";
import { roleDefinitionId } from "./settings";

/** The delegated subnet: the VNet's last /28 (the node subnet is its first half), the smallest Flexible Server accepts. */
export function databaseSubnetCidr(networkCidr: string): string {
    const p = parseCidr(networkCidr);
    if (!p) {
        throw new Error(`${networkCidr} is not a CIDR`);
    }
    return subnet(networkCidr, 28, 2 ** (28 - p.prefix) - 1);
}

/** Server settings that depend only on config; pure so tests read them without mocks. */
export function flexibleServerSettings(s: ManagedDatabaseSettings) {
    return {
        version: s.engineVersion,
        sku: { name: s.size, tier: azureSkuTier(s.size) },
        storage: { storageSizeGB: s.storageGi, autoGrow: "Enabled", type: "Premium_LRS" },
        backup: { backupRetentionDays: s.backupRetentionDays, geoRedundantBackup: "Disabled" },
        highAvailability: s.highAvailability ? { mode: "ZoneRedundant" } : { mode: "Disabled" },
        maintenanceWindow: { customWindow: "Enabled", dayOfWeek: weekdayNumber(s.maintenanceWindow.dayOfWeek, 0), startHour: s.maintenanceWindow.startHour, startMinute: 0 },
        authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
    };
}

export interface FlexibleServerArgs {
    clusterName: string;
    location: string;
    resourceGroupName: pulumi.Input<string>;
    settings: ManagedDatabaseSettings;
    vnet: { id: pulumi.Input<string>; name: pulumi.Input<string>; networkCidr: string };
    /** The stack's Key Vault (prod, `dataops:azure.etcdKms`); undefined: service-managed encryption. */
    vault?: { id: pulumi.Input<string>; name: pulumi.Input<string> };
    subscriptionId: pulumi.Input<string>;
    /** Server names are global DNS names: a stack-unique one is derived from this. */
    serverName: pulumi.Input<string>;
    /** Changes to the VNet's subnets are serialised: Azure refuses concurrent ones. */
    after: pulumi.Resource[];
    tags: Record<string, string>;
}

export class FlexibleServerMetadataDatabase extends pulumi.ComponentResource {
    readonly database: MetadataDatabase;
    readonly server: dbforpostgresql.Server;

    constructor(name: string, args: FlexibleServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:cluster:FlexibleServerDatabase", name, {}, opts);
        const parent = { parent: this };
        const s = args.settings;
        const rg = { resourceGroupName: args.resourceGroupName };
        const tags = args.tags;
        const subnetCidr = databaseSubnetCidr(args.vnet.networkCidr);

        const dbSubnet = new network.Subnet(
            `${name}-subnet`,
            {
                ...rg,
                virtualNetworkName: args.vnet.name,
                subnetName: "airflow-db",
                addressPrefix: subnetCidr,
                delegations: [{ name: "flexibleServers", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
                defaultOutboundAccess: false,
            },
            { ...parent, dependsOn: args.after },
        );
        const zone = new privatedns.PrivateZone(
            `${name}-dns`,
            { ...rg, location: "global", privateZoneName: `${args.clusterName}.private.postgres.database.azure.com`, tags },
            parent,
        );
        const link = new privatedns.VirtualNetworkLink(
            `${name}-dns-link`,
            { ...rg, location: "global", privateZoneName: zone.name, virtualNetworkLinkName: `${args.clusterName}-vnet`, virtualNetwork: { id: args.vnet.id }, registrationEnabled: false, tags },
            { parent: zone },
        );

        const before: pulumi.Resource[] = [link];
        let encryption: Pick<dbforpostgresql.ServerArgs, "dataEncryption" | "identity"> = {};
        if (args.vault) {
            const identity = new managedidentity.UserAssignedIdentity(
                `${name}-identity`,
                { ...rg, location: args.location, tags, resourceName: `${args.clusterName}-airflow-db` },
                parent,
            );
            const key = new keyvault.Key(
                `${name}-key`,
                { ...rg, vaultName: args.vault.name, keyName: "airflow-db", properties: { kty: "RSA", keySize: 2048, keyOps: ["wrapKey", "unwrapKey"] } },
                { ...parent, protect: s.protect },
            );
            before.push(
                new authorization.RoleAssignment(
                    `${name}-key-access`,
                    {
                        principalId: identity.principalId,
                        principalType: "ServicePrincipal",
                        roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, "keyVaultCryptoServiceEncryptionUser")),
                        scope: args.vault.id,
                        description: "Airflow's metadata database wraps its data key with the stack's Key Vault key.",
                    },
                    { parent: identity },
                ),
            );
            encryption = {
                dataEncryption: { type: "AzureKeyVault", primaryKeyURI: key.keyUriWithVersion, primaryUserAssignedIdentityId: identity.id },
                identity: { type: "UserAssigned", userAssignedIdentities: identity.id.apply((id) => ({ [id]: {} })) },
            };
        }

        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, parent);
        // Secret in state whatever the provider's schema says.
        const secret = pulumi.secret(password.result);
        this.server = new dbforpostgresql.Server(
            `${name}-server`,
            {
                ...rg,
                location: args.location,
                serverName: args.serverName,
                ...flexibleServerSettings(s),
                network: { delegatedSubnetResourceId: dbSubnet.id, privateDnsZoneArmResourceId: zone.id, publicNetworkAccess: "Disabled" },
                administratorLogin: METADATA_DATABASE.username,
                administratorLoginPassword: secret,
                ...encryption,
                tags,
            },
            { ...parent, protect: s.protect, dependsOn: before },
        );
        const serverName = this.server.name;
        const database = new dbforpostgresql.Database(
            `${name}-database`,
            { ...rg, serverName, databaseName: METADATA_DATABASE.name, charset: "UTF8", collation: "en_US.utf8" },
            parent,
        );
        // On by default; set explicitly so it cannot drift off.
        const tls = new dbforpostgresql.Configuration(
            `${name}-require-tls`,
            { ...rg, serverName, configurationName: "require_secure_transport", value: "on", source: "user-override" },
            parent,
        );
        if (s.deletionProtection) {
            new authorization.ManagementLockByScope(
                `${name}-lock`,
                { scope: this.server.id, level: "CanNotDelete", lockName: "airflow-metadata", notes: "Airflow's metadata database: remove this lock on purpose before deleting it." },
                { parent: this.server },
            );
        }

        this.database = {
            service: "flexibleServer",
            host: this.server.fullyQualifiedDomainName,
            port: PORTS.airflowPostgres,
            database: METADATA_DATABASE.name,
            username: METADATA_DATABASE.username,
            password: secret,
            // The primary and its zone-redundant standby both take addresses in the delegated subnet, and nothing else does.
            cidrs: [subnetCidr],
            ready: [this.server, database, tls],
        };
        this.registerOutputs({ fqdn: this.server.fullyQualifiedDomainName });
    }
}
