// Kafka tenancy as plain data: one KafkaUser per team with ACLs on exactly its prefix, its topics, and the namespaces
// where its client credentials are delivered (and which may therefore reach the TLS listener).
import { teamPrefix, resolveTopics, ResolvedTopic } from "../../../stacks/kafka";
import type { Profile, TeamInput } from "../../../stacks/schema";

/** SCRAM-SHA-512 on the TLS listener (docs/kafka.md says why not mutual TLS). */
export const SASL_MECHANISM = "SCRAM-SHA-512";

export interface Acl {
    resource: { type: "topic" | "group" | "transactionalId"; name: string; patternType: "prefix" };
    operations: string[];
}

export interface TeamTenancy {
    team: string;
    /** KafkaUser name, which is also the SCRAM user name and the ACL principal `User:<name>`. */
    user: string;
    acls: Acl[];
    topics: ResolvedTopic[];
    /** The team's own namespaces plus the platform namespaces it designated; each gets its client Secret. */
    clientNamespaces: string[];
}

export function kafkaUserName(team: string): string {
    return `team-${team}`;
}

/**
 * The Secret in `kafka` the team's KafkaUser reads its password from. Strimzi writes its own Secret named like the
 * user (`team-<team>`), so this one has a prefix no user name has.
 */
export function passwordSecretName(team: string): string {
    return `kafka-password-${team}`;
}

/** Name of the team's client Secret in each of its client namespaces (one name everywhere, unique per team). */
export function clientSecretName(team: string): string {
    return `kafka-${team}`;
}

/**
 * A team may read and write its own topics, commit offsets for its own consumer groups and run transactions under its
 * own ids, all under `<team>.`. It cannot create, delete or reconfigure topics: those come from config, validated.
 * Idempotent producers need no cluster permission since Kafka 3.0 (KIP-679: Write on a topic suffices).
 */
export function teamAcls(team: string): Acl[] {
    const name = teamPrefix(team);
    return [
        { resource: { type: "topic", name, patternType: "prefix" }, operations: ["Describe", "DescribeConfigs", "Read", "Write"] },
        { resource: { type: "group", name, patternType: "prefix" }, operations: ["Describe", "Read"] },
        { resource: { type: "transactionalId", name, patternType: "prefix" }, operations: ["Describe", "Write"] },
    ];
}

/** Every team with a `kafka` section gets a user; teams without one have no Kafka access at all. */
export function teamTenancies(teams: readonly TeamInput[], profile: Profile): TeamTenancy[] {
    return teams
        .filter((t) => t.kafka !== undefined)
        .map((t) => ({
            team: t.name,
            user: kafkaUserName(t.name),
            acls: teamAcls(t.name),
            topics: resolveTopics(t.name, t.kafka, profile),
            clientNamespaces: teamClientNamespaces(t),
        }));
}

function teamClientNamespaces(t: TeamInput): string[] {
    return [...new Set([...(t.ownNamespaces ?? []), ...(t.kafka?.clientNamespaces ?? [])])];
}

/** Namespaces whose pods may reach the Kafka listener: wherever some team's credentials are delivered. */
export function kafkaClientNamespaces(teams: readonly TeamInput[]): string[] {
    return [...new Set(teams.filter((t) => t.kafka !== undefined).flatMap(teamClientNamespaces))];
}

export function kafkaUserSpec(t: TeamTenancy, passwordSecret: string): Record<string, unknown> {
    return {
        authentication: { type: "scram-sha-512", password: { valueFrom: { secretKeyRef: { name: passwordSecret, key: "password" } } } },
        authorization: { type: "simple", acls: t.acls.map((a) => ({ type: "allow", resource: a.resource, operations: a.operations })) },
    };
}

export function kafkaTopicSpec(t: ResolvedTopic): Record<string, unknown> {
    return {
        partitions: t.partitions,
        replicas: t.replicas,
        ...(Object.keys(t.config).length > 0 ? { config: t.config } : {}),
    };
}
