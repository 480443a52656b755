"""Launch a Spark job from Airflow: submit a SparkApplication to the shared job namespace and follow it to the end.

The task runs in an Airflow task pod under the `airflow-worker` service account, which the platform lets create,
watch and delete SparkApplications (and read their driver's log) in `spark-jobs` only. The driver's log is streamed
into the task's log, which Airflow ships to the stack's object store, so it stays readable after the pods are gone.
"""

from __future__ import annotations

import pendulum

from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator
from airflow.sdk import DAG

with DAG(
    dag_id="spark_example",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example", "spark"],
) as dag:
    SparkKubernetesOperator(
        task_id="spark_pi",
        namespace="spark-jobs",
        # Read from the DAG folder and rendered with Jinja, so each run gets its own application name.
        application_file="spark_example_application.yaml",
        # The task pod's own service account, not a stored kubeconfig.
        in_cluster=True,
        get_logs=True,
        log_events_on_failure=True,
        delete_on_termination=True,
    )
