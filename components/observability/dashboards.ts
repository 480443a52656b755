// Grafana dashboards as code: JSON files beside this module, delivered as ConfigMaps that Grafana's sidecar loads.
import * as fs from "fs";
import * as path from "path";

export const DASHBOARD_DIR = path.join(__dirname, "dashboards");

/** Dashboard files, by the workload whose namespace must exist for them to be useful (platform: always). */
export const DASHBOARDS = [
    { file: "platform.json", workload: "platform" },
    { file: "kafka.json", workload: "kafka" },
    { file: "airflow.json", workload: "airflow" },
    { file: "spark.json", workload: "spark" },
] as const;

export type DashboardWorkload = (typeof DASHBOARDS)[number]["workload"];

export function readDashboard(file: string): string {
    return fs.readFileSync(path.join(DASHBOARD_DIR, file), "utf8");
}
