// A team's Kafka settings (`dataops:teams[].kafka`): the shape of the section, and the rules that need more than one
// field (topic names under the team's prefix, replication against the broker count, retention bounds, topic configs,
// where credentials may be delivered). The components resolve the same settings through `resolveTopics`.
import { z } from "zod";
import { NAMESPACES } from "./catalog";
import type { Problem } from "./problems";
import { PROFILE_DEFAULTS } from "./profiles";
import type { Profile, RawPlatformConfig } from "./schema";
import { didYouMean } from "./suggest";

/** A topic name below the team prefix: DNS-subdomain style, so `<team>.<name>` is also a valid KafkaTopic name. */
export const TOPIC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kafka refuses longer topic names. */
export const MAX_TOPIC_NAME = 249;
export const TOPIC_LIMITS = { partitions: { min: 1, max: 1000 }, retentionHours: { min: 1, max: 8760 } } as const;
export const DEFAULT_PARTITIONS = 3;

/**
 * Topic-level configs a team may set (Kafka 4.x, https://kafka.apache.org/documentation/#topicconfigs). Left out on
 * purpose: replication throttles (Cruise Control sets them), tiered-storage keys (not configured) and unclean leader
 * election (it trades acknowledged data for availability); `retention.ms` is set through `retentionHours`.
 */
export const TOPIC_CONFIGS = [
    "cleanup.policy",
    "compression.gzip.level",
    "compression.lz4.level",
    "compression.type",
    "compression.zstd.level",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "index.interval.bytes",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "retention.bytes",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
] as const;
const PLATFORM_TOPIC_CONFIGS = [
    "retention.ms",
    "follower.replication.throttled.replicas",
    "leader.replication.throttled.replicas",
    "unclean.leader.election.enable",
    "remote.storage.enable",
    "remote.log.copy.disable",
    "remote.log.delete.on.disable",
    "local.retention.ms",
    "local.retention.bytes",
];

export const kafkaTopicSchema = z.strictObject({
    /** Created as `<team>.<name>`. */
    name: z.string(),
    partitions: z.number().int().optional(),
    /** Replication factor; default: the cluster's (1 in dev, 3 in prod). */
    replicas: z.number().int().optional(),
    /** Default: the broker's 168 hours. */
    retentionHours: z.number().optional(),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const teamKafkaSchema = z.strictObject({
    topics: z.array(kafkaTopicSchema).optional(),
    /**
     * Platform namespaces (besides the team's own) that also get the team's client Secret and may reach Kafka, such as
     * the Spark job namespace or airflow. Anyone who can read Secrets there can use the team's Kafka identity.
     */
    clientNamespaces: z.array(z.string()).optional(),
});

export type KafkaTopicInput = z.infer<typeof kafkaTopicSchema>;
export type TeamKafkaInput = z.infer<typeof teamKafkaSchema>;

/** A team's topic with defaults applied, as the KafkaTopic is created. */
export interface ResolvedTopic {
    team: string;
    /** Full topic name, `<team>.<name>`. */
    name: string;
    partitions: number;
    replicas: number;
    config: Record<string, string | number | boolean>;
}

/** The prefix of every topic, consumer group and transactional id a team owns. */
export function teamPrefix(team: string): string {
    return `${team}.`;
}

/** Default replication factor of new topics: the cluster's `default.replication.factor`. */
export function defaultReplicas(profile: Profile): number {
    return profile === "prod" ? 3 : 1;
}

export function resolveTopics(team: string, kafka: TeamKafkaInput | undefined, profile: Profile): ResolvedTopic[] {
    return (kafka?.topics ?? []).map((t) => ({
        team,
        name: `${teamPrefix(team)}${t.name}`,
        partitions: t.partitions ?? DEFAULT_PARTITIONS,
        replicas: t.replicas ?? defaultReplicas(profile),
        config: { ...(t.retentionHours !== undefined ? { "retention.ms": t.retentionHours * 3_600_000 } : {}), ...t.config },
    }));
}

export interface KafkaCheckInput {
    profile: Profile;
    config: Partial<RawPlatformConfig>;
    prefix: string;
}

/** Every problem of the teams' Kafka sections; runs with the other cross-field rules, before any resource. */
export function checkTeamKafka(input: KafkaCheckInput): Problem[] {
    const { config, prefix, profile } = input;
    const problems: Problem[] = [];
    const kafkaOn = config.kafka?.enabled !== false;
    const brokers = config.kafka?.brokers ?? PROFILE_DEFAULTS[profile].kafka.brokers;
    const owners = new Map<string, string>();
    for (const t of config.teams ?? []) {
        for (const ns of t.ownNamespaces ?? []) {
            owners.set(ns, t.name);
        }
    }
    const shared = sharedClientNamespaces(config);
    (config.teams ?? []).forEach((team, i) => {
        const kafka = team.kafka;
        // Fields that broke the schema were dropped; the rules below check only what is left.
        if (!kafka || typeof team.name !== "string") {
            return;
        }
        const key = `${prefix}teams[${i}].kafka`;
        if (!kafkaOn) {
            problems.push({
                key,
                message: `is set but ${prefix}kafka.enabled is false: there is no cluster for the team's topics and user.`,
                fix: `remove ${key}, or enable Kafka.`,
            });
            return;
        }
        const seen = new Map<string, number>();
        (kafka.topics ?? []).forEach((topic, j) => {
            if (typeof topic !== "object" || topic === null || typeof topic.name !== "string") {
                return;
            }
            problems.push(...topicProblems(`${key}.topics[${j}]`, team.name, topic, brokers, profile));
            const first = seen.get(topic.name);
            if (first !== undefined) {
                problems.push({
                    key: `${key}.topics[${j}].name`,
                    value: topic.name,
                    message: `duplicates ${key}.topics[${first}].name; each topic is listed once.`,
                    fix: "merge the two entries or rename one.",
                });
            } else {
                seen.set(topic.name, j);
            }
        });
        (kafka.clientNamespaces ?? []).forEach((ns, j) => {
            const owner = owners.get(ns);
            if (owner === team.name) {
                return;
            }
            if (owner !== undefined) {
                problems.push({
                    key: `${key}.clientNamespaces[${j}]`,
                    value: ns,
                    message: `is owned by team "${owner}": team ${team.name}'s Kafka credentials there would be readable by that team.`,
                    fix: `run team ${team.name}'s clients in its own namespaces (${(team.ownNamespaces ?? []).join(", ") || "add ownNamespaces"}).`,
                });
            } else if (!shared.includes(ns)) {
                problems.push({
                    key: `${key}.clientNamespaces[${j}]`,
                    value: ns,
                    message: `is not a namespace where the platform runs Kafka clients.${didYouMean(ns, shared)}`,
                    fix: `use ${shared.length > 0 ? shared.join(" or ") : "the team's ownNamespaces"}; the team's own namespaces get its credentials anyway.`,
                });
            }
        });
    });
    return problems;
}

/** Platform namespaces where a team may designate its Kafka clients to run. */
function sharedClientNamespaces(config: Partial<RawPlatformConfig>): string[] {
    const out: string[] = [];
    if (config.airflow?.enabled !== false) {
        out.push(NAMESPACES.airflow);
    }
    if (config.spark?.enabled !== false) {
        out.push(config.spark?.jobNamespace ?? NAMESPACES.sparkJobs);
    }
    return out;
}

function topicProblems(key: string, team: string, topic: KafkaTopicInput, brokers: number, profile: Profile): Problem[] {
    const out: Problem[] = [];
    const full = `${teamPrefix(team)}${topic.name}`;
    if (topic.name.startsWith(teamPrefix(team))) {
        out.push({
            key: `${key}.name`,
            value: topic.name,
            message: `already starts with the team prefix "${teamPrefix(team)}"; the topic would be "${full}".`,
            fix: `write only the part after the prefix: ${topic.name.slice(teamPrefix(team).length)}.`,
        });
    } else if (!TOPIC_NAME.test(topic.name)) {
        out.push({
            key: `${key}.name`,
            value: topic.name,
            message: "must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit.",
            fix: `rename it, e.g. ${topic.name.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "events"}; it is created as ${teamPrefix(team)}<name>.`,
        });
    } else if (full.length > MAX_TOPIC_NAME) {
        out.push({
            key: `${key}.name`,
            value: topic.name,
            message: `makes the topic name ${full.length} characters long; Kafka allows at most ${MAX_TOPIC_NAME}.`,
            fix: "shorten it.",
        });
    }
    const { partitions, retentionHours } = TOPIC_LIMITS;
    if (topic.partitions !== undefined && (topic.partitions < partitions.min || topic.partitions > partitions.max)) {
        out.push({
            key: `${key}.partitions`,
            value: topic.partitions,
            message: `must be between ${partitions.min} and ${partitions.max}.`,
            fix: `set it to the number of consumers you want to run in parallel (default ${DEFAULT_PARTITIONS}); partitions can be added later, never removed.`,
        });
    }
    const replicas = topic.replicas ?? defaultReplicas(profile);
    if (topic.replicas !== undefined && topic.replicas < 1) {
        out.push({ key: `${key}.replicas`, value: topic.replicas, message: "must be at least 1.", fix: `remove it to use the cluster default (${defaultReplicas(profile)}).` });
    } else if (topic.replicas !== undefined && replicas > brokers) {
        out.push({
            key: `${key}.replicas`,
            value: topic.replicas,
            message: `is more than the ${brokers} broker${brokers === 1 ? "" : "s"} of the cluster (dataops:kafka.brokers); each replica needs its own broker.`,
            fix: `set it to at most ${brokers}, or raise dataops:kafka.brokers.`,
        });
    } else if (topic.replicas !== undefined && profile === "prod" && replicas < 3) {
        out.push({
            key: `${key}.replicas`,
            value: topic.replicas,
            message: "must be at least 3 in the prod profile, so the topic keeps its data and accepts writes when a broker is down.",
            fix: "set it to 3 or more, or remove it to use the cluster default (3).",
        });
    }
    if (topic.retentionHours !== undefined && !(topic.retentionHours >= retentionHours.min && topic.retentionHours <= retentionHours.max)) {
        out.push({
            key: `${key}.retentionHours`,
            value: topic.retentionHours,
            message: `must be between ${retentionHours.min} and ${retentionHours.max} hours (365 days).`,
            fix: "pick a retention in that range, or bound the topic by size with config.retention.bytes.",
        });
    }
    for (const [name, value] of Object.entries(topic.config ?? {})) {
        const at = `${key}.config["${name}"]`;
        if (name === "retention.ms") {
            out.push({ key: at, value, message: "is set through retentionHours.", fix: `remove it and set ${key}.retentionHours instead.` });
        } else if (PLATFORM_TOPIC_CONFIGS.includes(name)) {
            out.push({ key: at, value, message: "is managed by the platform, not per topic.", fix: "remove it." });
        } else if (!(TOPIC_CONFIGS as readonly string[]).includes(name)) {
            out.push({
                key: at,
                value,
                message: `is not a Kafka topic configuration.${didYouMean(name, TOPIC_CONFIGS)}`,
                fix: "use a topic-level config from https://kafka.apache.org/documentation/#topicconfigs, e.g. cleanup.policy or retention.bytes.",
            });
        } else if (name === "min.insync.replicas") {
            const isr = Number(value);
            if (!Number.isInteger(isr) || isr < 1 || isr > replicas || (isr === replicas && replicas > 1)) {
                out.push({
                    key: at,
                    value,
                    message: `must be a whole number from 1 to ${Math.max(1, replicas - 1)} for ${replicas} replica${replicas === 1 ? "" : "s"}: otherwise producers with acks=all are refused as soon as one replica is down.`,
                    fix: `remove it (the cluster default is ${profile === "prod" ? 2 : 1}) or lower it below replicas.`,
                });
            }
        }
    }
    return out;
}
