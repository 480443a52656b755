// The rendered model of a stack: every object the cluster would hold after `pulumi up`, from two sources: the Helm
// releases rendered by real helm with the exact values the program passes, and the objects the program creates directly.
// Evaluators (Pod Security, quotas, reachability, access, monitors) read only this, never the program's intent tables.

/** A Kubernetes object as the API server would store it (metadata.namespace filled in for namespaced kinds). */
export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        [k: string]: unknown;
    };
    [k: string]: any;
}

/** Where an object came from: a Helm release (by release name) or the program itself. */
export type Origin = { release: string } | { program: string };

export interface ModelObject {
    object: K8sObject;
    origin: Origin;
}

export interface RenderedRelease {
    /** Helm release name, as the program registers it. */
    release: string;
    namespace: string;
    chart: string;
    /** The version the program pins. */
    version: string;
    /** The version actually rendered; differs when a stand-in chart was used (see `standIn`). */
    renderedVersion: string;
    /** Set when the pinned chart was not available and another version stood in for it. */
    standIn?: string;
    objects: K8sObject[];
}

export interface PlatformModel {
    stack: string;
    /** Kubernetes version the stack targets (`--kube-version`). */
    kubeVersion: string;
    releases: RenderedRelease[];
    /** Every object: rendered releases plus the program's own Kubernetes objects (CRs included). */
    objects: ModelObject[];
}
