// Label selectors as the API server evaluates them (metav1.LabelSelector): matchLabels AND every matchExpression.
// An empty selector ({}) matches everything; a missing one is the caller's decision (it means different things in
// NetworkPolicy peers and monitors).

export interface LabelSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorRequirement[];
}

export function matches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
        if (l[k] !== v) {
            return false;
        }
    }
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(l, e.key);
        const inValues = has && (e.values ?? []).includes(l[e.key]);
        const ok =
            e.operator === "In" ? inValues : e.operator === "NotIn" ? !inValues : e.operator === "Exists" ? has : e.operator === "DoesNotExist" ? !has : false;
        if (!ok) {
            return false;
        }
    }
    return true;
}

/** The labels of a namespace as the API server sets them: its own plus the immutable kubernetes.io/metadata.name. */
export function namespaceLabels(objects: { kind: string; metadata: { name: string; labels?: Record<string, string> } }[], ns: string): Record<string, string> {
    const obj = objects.find((o) => o.kind === "Namespace" && o.metadata.name === ns);
    return { ...(obj?.metadata.labels ?? {}), "kubernetes.io/metadata.name": ns };
}
