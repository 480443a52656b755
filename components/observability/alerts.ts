// Alert rules as data: every threshold and severity is here, thresholds overridable by `dataops:alerting.thresholds`.
// Rules are grouped by the namespace of the workload they watch, so they live (and disappear) with it.
import { NAMESPACES, SERVICES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";

export type Thresholds = Required<NonNullable<PlatformConfig["alerting"]["thresholds"]>>;
export type Severity = "critical" | "warning";

/** Defaults for every threshold the rules use (units are in the names). */
export const DEFAULT_THRESHOLDS: Thresholds = {
    kafkaConsumerLag: 10000,
    kafkaDiskFreePercent: 15,
    airflowHeartbeatMissingMinutes: 5,
    airflowTaskFailurePercent: 10,
    airflowDagImportErrors: 0,
    sparkApplicationFailures: 0,
    quotaUsagePercent: 90,
};

export function resolveThresholds(cfg: PlatformConfig): Thresholds {
    return { ...DEFAULT_THRESHOLDS, ...cfg.alerting.thresholds };
}

export interface AlertRule {
    alert: string;
    expr: string;
    /** How long the condition must hold before the alert fires. */
    for: string;
    severity: Severity;
    summary: string;
    /** The expression keeps each series' own namespace label (otherwise the rule is labelled with its group's). */
    perNamespace?: boolean;
}

export interface RuleGroup {
    /** Namespace of the PrometheusRule (the watched workload's). */
    namespace: string;
    name: string;
    rules: AlertRule[];
}

const rule = (alert: string, severity: Severity, duration: string, expr: string, summary: string, perNamespace = false): AlertRule => ({
    alert,
    expr,
    for: duration,
    severity,
    summary,
    ...(perNamespace ? { perNamespace } : {}),
});

function kafkaRules(t: Thresholds): AlertRule[] {
    const ns = `namespace="${NAMESPACES.kafka}"`;
    const dataVolumes = `${ns}, persistentvolumeclaim=~"data-.*"`;
    return [
        rule(
            "KafkaUnderReplicatedPartitions",
            "warning",
            "10m",
            `sum(kafka_server_replicamanager_underreplicatedpartitions{${ns}}) > 0`,
            "Kafka has under-replicated partitions: a broker is down or falling behind.",
        ),
        rule(
            "KafkaOfflinePartitions",
            "critical",
            "5m",
            `sum(kafka_controller_kafkacontroller_offlinepartitionscount{${ns}}) > 0`,
            "Kafka partitions have no leader: producers and consumers of them are blocked.",
        ),
        rule(
            "KafkaNoActiveController",
            "critical",
            "5m",
            `sum(kafka_controller_kafkacontroller_activecontrollercount{${ns}}) != 1 or absent(kafka_controller_kafkacontroller_activecontrollercount{${ns}})`,
            "Kafka does not have exactly one active KRaft controller.",
        ),
        rule(
            "KafkaConsumerLagHigh",
            "warning",
            "15m",
            `max by (consumergroup, topic) (kafka_consumergroup_lag_sum{${ns}}) > ${t.kafkaConsumerLag}`,
            `Consumer group {{ $labels.consumergroup }} lags more than ${t.kafkaConsumerLag} messages on {{ $labels.topic }}.`,
        ),
        rule(
            "KafkaBrokerDiskFilling",
            "warning",
            "10m",
            `100 * kubelet_volume_stats_available_bytes{${dataVolumes}} / kubelet_volume_stats_capacity_bytes{${dataVolumes}} < ${t.kafkaDiskFreePercent}`,
            `Kafka volume {{ $labels.persistentvolumeclaim }} has less than ${t.kafkaDiskFreePercent}% free space.`,
        ),
    ];
}

/**
 * Rules for Kafka's tenants, present once some team has Kafka access: failed logins (a wrong or rotated password, or
 * someone guessing) per listener, and under-replicated partitions per team, from the topic prefix.
 */
function kafkaTenantRules(teams: readonly string[]): AlertRule[] {
    const ns = `namespace="${NAMESPACES.kafka}"`;
    // Team topics are `<team>.<name>`; team names are DNS labels, so only the dot needs escaping.
    const topics = `topic=~"(${teams.join("|")})\\\\..+"`;
    return [
        rule(
            "KafkaAuthenticationFailures",
            "warning",
            "10m",
            `sum by (listener) (increase(kafka_server_socket_server_metrics_failed_authentication_total{${ns}}[10m])) > 0`,
            "Clients keep failing to authenticate on Kafka listener {{ $labels.listener }}: a wrong or outdated password, or someone guessing.",
        ),
        rule(
            "KafkaTeamTopicsUnderReplicated",
            "warning",
            "10m",
            `sum by (team) (label_replace(kafka_topic_partition_under_replicated_partition{${ns}, ${topics}}, "team", "$1", "topic", "([^.]+)\\\\..+")) > 0`,
            "Topics of team {{ $labels.team }} have under-replicated partitions: their data has fewer copies than configured.",
        ),
    ];
}

function airflowRules(t: Thresholds): AlertRule[] {
    const ns = `namespace="${NAMESPACES.airflow}"`;
    const window = `${t.airflowHeartbeatMissingMinutes}m`;
    // statsd-exporter creates a counter on its first event: a missing one counts as zero, so "all failed" still fires.
    const failures = `(sum(increase(airflow_ti_failures{${ns}}[1h])) or vector(0))`;
    const successes = `(sum(increase(airflow_ti_successes{${ns}}[1h])) or vector(0))`;
    return [
        rule(
            "AirflowSchedulerHeartbeatMissing",
            "critical",
            "1m",
            `sum(rate(airflow_scheduler_heartbeat{${ns}}[${window}])) == 0 or absent(airflow_scheduler_heartbeat{${ns}})`,
            `No Airflow scheduler heartbeat for ${t.airflowHeartbeatMissingMinutes} minutes: no task is being scheduled.`,
        ),
        rule(
            "AirflowTaskFailureRateHigh",
            "warning",
            "5m",
            `100 * ${failures} / (${failures} + ${successes}) > ${t.airflowTaskFailurePercent}`,
            `More than ${t.airflowTaskFailurePercent}% of Airflow task instances failed in the last hour.`,
        ),
        rule(
            "AirflowDagImportErrors",
            "warning",
            "10m",
            `max(airflow_dag_processing_import_errors{${ns}}) > ${t.airflowDagImportErrors}`,
            "Airflow cannot import some DAG files: their DAGs are not scheduled.",
        ),
    ];
}

function sparkRules(t: Thresholds): AlertRule[] {
    const ns = `namespace="${NAMESPACES.sparkOperator}"`;
    return [
        rule(
            "SparkOperatorDown",
            "critical",
            "5m",
            `absent(up{${ns}} == 1)`,
            "The Spark operator is not scraped as up: SparkApplications are neither submitted nor tracked.",
        ),
        rule(
            "SparkApplicationsFailing",
            "warning",
            "5m",
            // A counter series appears with its first failure, which increase() cannot see: count new series too.
            `(sum(increase(spark_application_failure_count{${ns}}[1h])) or vector(0)) + ` +
                `(sum(spark_application_failure_count{${ns}} unless spark_application_failure_count{${ns}} offset 1h) or vector(0)) > ${t.sparkApplicationFailures}`,
            `More than ${t.sparkApplicationFailures} SparkApplications failed in the last hour.`,
        ),
    ];
}

function platformRules(t: Thresholds): AlertRule[] {
    const ns = `namespace="${NAMESPACES.monitoring}"`;
    return [
        rule(
            "PrometheusConfigReloadFailed",
            "warning",
            "10m",
            `min by (pod) (prometheus_config_last_reload_successful{${ns}}) == 0`,
            "Prometheus {{ $labels.pod }} runs on a stale configuration: the last reload failed.",
        ),
        rule(
            "PrometheusRuleEvaluationFailures",
            "warning",
            "15m",
            `sum by (pod) (increase(prometheus_rule_evaluation_failures_total{${ns}}[10m])) > 0`,
            "Prometheus {{ $labels.pod }} fails to evaluate rules: some alerts cannot fire.",
        ),
        rule(
            "PrometheusNotificationsFailing",
            "critical",
            "10m",
            `sum by (pod) (rate(prometheus_notifications_errors_total{${ns}}[5m])) > 0`,
            "Prometheus {{ $labels.pod }} cannot deliver alerts to Alertmanager.",
        ),
        rule(
            "AlertmanagerDown",
            "critical",
            "5m",
            `absent(up{${ns}, job="${SERVICES.alertmanager}"} == 1)`,
            "No Alertmanager is up: alerts are not delivered.",
        ),
        rule(
            "AlertmanagerConfigReloadFailed",
            "warning",
            "10m",
            `min by (pod) (alertmanager_config_last_reload_successful{${ns}}) == 0`,
            "Alertmanager {{ $labels.pod }} runs on a stale configuration: the last reload failed.",
        ),
        rule(
            "AlertmanagerNotificationsFailing",
            "critical",
            "10m",
            `sum by (integration) (rate(alertmanager_notifications_failed_total{${ns}}[5m])) > 0`,
            "Alertmanager cannot deliver notifications through {{ $labels.integration }}.",
        ),
        rule(
            "NamespaceQuotaNearlyExhausted",
            "warning",
            "15m",
            `100 * kube_resourcequota{type="used"} / ignoring (type) (kube_resourcequota{type="hard"} > 0) > ${t.quotaUsagePercent}`,
            `Namespace {{ $labels.namespace }} uses more than ${t.quotaUsagePercent}% of its {{ $labels.resource }} quota.`,
            true,
        ),
    ];
}

/** The rule groups for the enabled workloads; platform health rules whenever Prometheus runs. */
export function ruleGroups(cfg: PlatformConfig): RuleGroup[] {
    const t = resolveThresholds(cfg);
    const groups: RuleGroup[] = [];
    if (cfg.kafka.enabled) {
        groups.push({ namespace: NAMESPACES.kafka, name: "kafka", rules: kafkaRules(t) });
        const tenants = cfg.teams.filter((x) => x.kafka !== undefined).map((x) => x.name);
        if (tenants.length > 0) {
            groups.push({ namespace: NAMESPACES.kafka, name: "kafka-tenants", rules: kafkaTenantRules(tenants) });
        }
    }
    if (cfg.airflow.enabled) {
        groups.push({ namespace: NAMESPACES.airflow, name: "airflow", rules: airflowRules(t) });
    }
    if (cfg.spark.enabled) {
        groups.push({ namespace: NAMESPACES.sparkOperator, name: "spark", rules: sparkRules(t) });
    }
    groups.push({ namespace: NAMESPACES.monitoring, name: "platform", rules: platformRules(t) });
    return groups;
}

/** A PrometheusRule spec for one group (the CRD's `groups[].rules[]` shape). */
export function prometheusRuleSpec(group: RuleGroup): Record<string, unknown> {
    return {
        groups: [
            {
                name: `dataops-${group.name}`,
                rules: group.rules.map((r) => ({
                    alert: r.alert,
                    expr: r.expr,
                    for: r.for,
                    // Routing and inhibition match on namespace, so every alert carries one.
                    labels: r.perNamespace ? { severity: r.severity } : { severity: r.severity, namespace: group.namespace },
                    annotations: { summary: r.summary },
                })),
            },
        ],
    };
}
