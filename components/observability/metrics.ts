// The metric names each scrape target exposes, as the alert rules and dashboards may use them. Tests parse every rule
// and dashboard query and reject any metric not listed here, so a renamed metric fails offline instead of going silent.
// Sources: Kafka names follow the JMX exporter rules in components/workloads/kafka-metrics.ts; Kafka Exporter, Strimzi
// operator and Spark operator names are the exporters' documented metrics; Airflow names are what the chart's
// statsd-exporter mappings (chart/files/statsd-mappings.yml) produce, unmapped StatsD names having dots turned into
// underscores; timers become summaries (`_sum`, `_count`).

export type ScrapeTarget =
    | "strimziOperator"
    | "kafka"
    | "kafkaExporter"
    | "sparkOperator"
    | "sparkJobs"
    | "airflowStatsd"
    | "grafana"
    | "kubePrometheusStack";

const summary = (name: string) => [`${name}_sum`, `${name}_count`];

export const EXPOSED_METRICS: Record<ScrapeTarget, readonly string[]> = {
    strimziOperator: [
        "strimzi_reconciliations_total",
        "strimzi_reconciliations_successful_total",
        "strimzi_reconciliations_failed_total",
        ...summary("strimzi_reconciliations_duration_seconds"),
    ],
    kafka: [
        "kafka_server_replicamanager_underreplicatedpartitions",
        "kafka_server_replicamanager_underminisrpartitioncount",
        "kafka_server_replicamanager_partitioncount",
        "kafka_server_replicamanager_leadercount",
        "kafka_controller_kafkacontroller_activecontrollercount",
        "kafka_controller_kafkacontroller_offlinepartitionscount",
        "kafka_controller_kafkacontroller_globalpartitioncount",
        "kafka_controller_kafkacontroller_globaltopiccount",
        "kafka_server_brokertopicmetrics_messagesin_total",
        "kafka_server_brokertopicmetrics_bytesin_total",
        "kafka_server_brokertopicmetrics_bytesout_total",
        "kafka_network_requestmetrics_totaltimems",
        "kafka_log_log_size",
        "kafka_server_socket_server_metrics_failed_authentication_total",
    ],
    kafkaExporter: [
        "kafka_brokers",
        "kafka_consumergroup_lag",
        "kafka_consumergroup_lag_sum",
        "kafka_consumergroup_current_offset",
        "kafka_consumergroup_members",
        "kafka_topic_partitions",
        "kafka_topic_partition_current_offset",
        "kafka_topic_partition_under_replicated_partition",
    ],
    sparkOperator: [
        "spark_application_count",
        "spark_application_submit_count",
        "spark_application_failed_submission_count",
        "spark_application_running_count",
        "spark_application_success_count",
        "spark_application_failure_count",
        ...summary("spark_application_success_execution_time_seconds"),
        ...summary("spark_application_failure_execution_time_seconds"),
        "spark_executor_running_count",
        "spark_executor_failure_count",
        "controller_runtime_reconcile_total",
        "controller_runtime_reconcile_errors_total",
        "workqueue_depth",
    ],
    // Driver and executor metrics depend on each application's JMX exporter configuration, so nothing here relies on
    // their names: only `up` (per pod) and the kubelet's container metrics are used for Spark jobs.
    sparkJobs: [],
    airflowStatsd: [
        "airflow_scheduler_heartbeat",
        "airflow_ti_failures",
        "airflow_ti_successes",
        "airflow_dag_processing_import_errors",
        "airflow_dag_processing_total_parse_time",
        ...summary("airflow_dagrun_duration"),
        ...summary("airflow_dagrun_failed"),
        ...summary("airflow_dagrun_schedule_delay"),
        ...summary("airflow_task_duration"),
        "airflow_pool_open_slots",
        "airflow_pool_used_slots",
        "airflow_pool_starving_tasks",
        "airflow_executor_open_slots",
        "airflow_executor_queued_tasks",
        "airflow_executor_running_tasks",
    ],
    grafana: ["grafana_build_info", ...summary("grafana_http_request_duration_seconds")],
    // Prometheus itself (`up`, `ALERTS` and its own metrics), Alertmanager, kube-state-metrics and the kubelet
    // (volume stats and cAdvisor), all scraped by the chart's own ServiceMonitors.
    kubePrometheusStack: [
        "up",
        "ALERTS",
        "prometheus_config_last_reload_successful",
        "prometheus_rule_evaluation_failures_total",
        "prometheus_notifications_errors_total",
        "prometheus_tsdb_head_series",
        "alertmanager_config_last_reload_successful",
        "alertmanager_notifications_total",
        "alertmanager_notifications_failed_total",
        "kube_resourcequota",
        "kube_pod_container_status_restarts_total",
        "kubelet_volume_stats_available_bytes",
        "kubelet_volume_stats_capacity_bytes",
        "container_cpu_usage_seconds_total",
        "container_memory_working_set_bytes",
    ],
};

/** Every metric a rule or dashboard may query. */
export const KNOWN_METRICS: ReadonlySet<string> = new Set(Object.values(EXPOSED_METRICS).flat());
