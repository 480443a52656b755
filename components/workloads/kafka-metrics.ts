// Prometheus JMX exporter rules for Kafka brokers and KRaft controllers. They turn the MBeans the alerts and dashboards
// use into lowercase metric names such as kafka_server_replicamanager_underreplicatedpartitions,
// kafka_controller_kafkacontroller_activecontrollercount and kafka_server_brokertopicmetrics_messagesin_total.
// Served as YAML; JSON is valid YAML.

const gauge = (pattern: string, name: string, labels?: Record<string, string>) => ({ pattern, name, type: "GAUGE", ...(labels ? { labels } : {}) });
const counter = (pattern: string, name: string, labels?: Record<string, string>) => ({ pattern, name, type: "COUNTER", ...(labels ? { labels } : {}) });

export const KAFKA_JMX_EXPORTER_CONFIG = {
    lowercaseOutputName: true,
    lowercaseOutputLabelNames: true,
    rules: [
        // Failed client logins per listener (alerted on); Kafka counts them per network thread.
        counter(
            "kafka.server<type=socket-server-metrics, listener=(.+), networkProcessor=(.+)><>failed-authentication-total",
            "kafka_server_socket_server_metrics_failed_authentication_total",
            { listener: "$1", networkprocessor: "$2" },
        ),
        // Per-topic/partition gauges (log size, under-replicated partitions per topic).
        gauge("kafka.log<type=Log, name=(.+), topic=(.+), partition=(.+)><>Value", "kafka_log_log_$1", { topic: "$2", partition: "$3" }),
        gauge("kafka.cluster<type=Partition, name=(.+), topic=(.+), partition=(.+)><>Value", "kafka_cluster_partition_$1", { topic: "$2", partition: "$3" }),
        // Rates exposed as monotonically increasing counts.
        counter("kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, topic=(.+)><>Count", "kafka_$1_$2_$3_total", { topic: "$4" }),
        counter("kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, (.+)=(.+)><>Count", "kafka_$1_$2_$3_total", { $4: "$5" }),
        counter("kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*><>Count", "kafka_$1_$2_$3_total"),
        // Request latencies.
        gauge("kafka.network<type=RequestMetrics, name=(.+), request=(.+)><>(\\d+)thPercentile", "kafka_network_requestmetrics_$1", { request: "$2", quantile: "0.$3" }),
        // Plain gauges, with up to two labels.
        gauge("kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value", "kafka_$1_$2_$3", { $4: "$5", $6: "$7" }),
        gauge("kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Value", "kafka_$1_$2_$3", { $4: "$5" }),
        gauge("kafka.(\\w+)<type=(.+), name=(.+)><>Value", "kafka_$1_$2_$3"),
        // KRaft quorum health.
        gauge("kafka.server<type=raft-metrics><>(current-leader|current-epoch|high-watermark|log-end-offset)", "kafka_server_raftmetrics_$1"),
        gauge("kafka.server<type=(app-info|kafka-metrics-count)><>(.+)", "kafka_server_$1_$2"),
    ],
};
