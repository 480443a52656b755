// Alertmanager receivers from `dataops:alerting`, routed by severity. The whole configuration goes into a Kubernetes
// Secret (the receivers' credentials are part of it), never into Helm values, which are stored in plain text.
import type { PlatformConfig } from "../../stacks/config";
import type { Profile } from "../../stacks/schema";

export type AlertingInput = PlatformConfig["alerting"];

/**
 * The Secret Alertmanager reads its configuration from (`alertmanagerSpec.configSecret`, key `alertmanager.yaml`).
 * Not the chart's own `alertmanager-<name>`: turning receivers on later would otherwise collide with the Secret the
 * chart rendered before.
 */
export const ALERTMANAGER_SECRET = { name: "alertmanager-dataops", key: "alertmanager.yaml" } as const;

const NULL_RECEIVER = "null";
const CRITICAL_RECEIVER = "critical";
const WARNING_RECEIVER = "warning";

export function receiversConfigured(a: AlertingInput): boolean {
    return a.slackWebhookUrl !== undefined || a.pagerDutyRoutingKey !== undefined;
}

function slack(a: AlertingInput): Record<string, unknown>[] {
    if (a.slackWebhookUrl === undefined) {
        return [];
    }
    return [
        {
            api_url: a.slackWebhookUrl,
            ...(a.slackChannel ? { channel: a.slackChannel } : {}),
            send_resolved: true,
            title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})',
            text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
        },
    ];
}

/**
 * The Alertmanager configuration, or undefined when no receiver is configured (the chart's default then applies).
 * Critical alerts page (PagerDuty) and post to Slack; warnings only post to Slack, and only in prod: a dev stack
 * notifies about what breaks it, not about what merely degrades it.
 */
export function alertmanagerConfig(a: AlertingInput, profile: Profile): Record<string, unknown> | undefined {
    if (!receiversConfigured(a)) {
        return undefined;
    }
    const slackConfigs = slack(a);
    const pagerDuty = a.pagerDutyRoutingKey === undefined ? [] : [{ routing_key: a.pagerDutyRoutingKey, send_resolved: true }];
    const receivers: Record<string, unknown>[] = [
        { name: NULL_RECEIVER },
        {
            name: CRITICAL_RECEIVER,
            ...(pagerDuty.length > 0 ? { pagerduty_configs: pagerDuty } : {}),
            ...(slackConfigs.length > 0 ? { slack_configs: slackConfigs } : {}),
        },
    ];
    const routes: Record<string, unknown>[] = [
        // kube-prometheus-stack's always-firing Watchdog proves the pipeline works; it is not a page.
        { matchers: ['alertname = "Watchdog"'], receiver: NULL_RECEIVER },
        { matchers: ['severity = "critical"'], receiver: CRITICAL_RECEIVER },
    ];
    if (profile === "prod" && slackConfigs.length > 0) {
        receivers.push({ name: WARNING_RECEIVER, slack_configs: slackConfigs });
        routes.push({ matchers: ['severity = "warning"'], receiver: WARNING_RECEIVER });
    }
    return {
        global: { resolve_timeout: "5m" },
        route: {
            receiver: NULL_RECEIVER,
            group_by: ["alertname", "namespace"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: profile === "prod" ? "4h" : "12h",
            routes,
        },
        // While something critical fires in a namespace, its warnings (often the same failure seen earlier) only add noise.
        inhibit_rules: [{ source_matchers: ['severity = "critical"'], target_matchers: ['severity = "warning"'], equal: ["namespace"] }],
        receivers,
    };
}
