// RBAC around SparkApplications that the Spark operator chart does not ship: CRD verbs aggregated into the built-in
// view/edit/admin roles (so a team bound `edit` in a job namespace can submit jobs), and a Role that lets Airflow's task
// pods submit and watch SparkApplications in the shared job namespace. Pure: plain objects, registered by SparkOperator.
import { commonLabels } from "../../stacks/catalog";

export const SPARK_API_GROUP = "sparkoperator.k8s.io";
/** The CRDs teams work with. */
export const SPARK_TEAM_RESOURCES = ["sparkapplications", "scheduledsparkapplications"];

const AGGREGATE = (to: string) => `rbac.authorization.k8s.io/aggregate-to-${to}`;

export interface ClusterRoleSpec {
    name: string;
    labels: Record<string, string>;
    rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

/**
 * Two ClusterRoles whose rules the API server folds into the built-in roles: reading into view (and so edit and
 * admin), writing into edit and admin. The same pattern Kubernetes uses for its own resources; nothing is bound to them.
 */
export function sparkAggregatedRoles(): ClusterRoleSpec[] {
    // `/status` too, so viewers see a job's state.
    const resources = [...SPARK_TEAM_RESOURCES, ...SPARK_TEAM_RESOURCES.map((r) => `${r}/status`)];
    return [
        {
            name: "dataops-spark-view",
            labels: { ...commonLabels(), [AGGREGATE("view")]: "true", [AGGREGATE("edit")]: "true", [AGGREGATE("admin")]: "true" },
            rules: [{ apiGroups: [SPARK_API_GROUP], resources, verbs: ["get", "list", "watch"] }],
        },
        {
            name: "dataops-spark-edit",
            labels: { ...commonLabels(), [AGGREGATE("edit")]: "true", [AGGREGATE("admin")]: "true" },
            rules: [{ apiGroups: [SPARK_API_GROUP], resources: SPARK_TEAM_RESOURCES, verbs: ["create", "update", "patch", "delete", "deletecollection"] }],
        },
    ];
}

export const SPARK_SUBMITTER_ROLE = "airflow-spark-submitter";

/**
 * What the cncf.kubernetes provider's SparkKubernetesOperator does from a task pod: create the SparkApplication, watch
 * it, find and follow the driver pod's log, read events when it fails, delete the application when done.
 */
export function sparkSubmitterRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
    return [
        { apiGroups: [SPARK_API_GROUP], resources: ["sparkapplications"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
        { apiGroups: [SPARK_API_GROUP], resources: ["sparkapplications/status"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
    ];
}
