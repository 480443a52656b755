// What `npm run verify` asks of a live cluster, behind one small interface: kubectl implements it for real clusters,
// and tests implement it with recorded answers.
import { execFile } from "child_process";
import type { K8sObject } from "../../model/types";

export interface ExecResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface KubeClient {
    /** Objects of a kind (plural resource name, e.g. "pods", "namespaces"), in a namespace or cluster-wide. */
    list(resource: string, namespace?: string, labelSelector?: string): Promise<K8sObject[]>;
    get(resource: string, namespace: string, name: string): Promise<K8sObject | undefined>;
    /** Creates an object and returns what the API server answered (a SubjectAccessReview comes back with its status). */
    create(object: K8sObject): Promise<K8sObject>;
    delete(resource: string, namespace: string, name: string): Promise<void>;
    exec(namespace: string, pod: string, command: string[], container?: string): Promise<ExecResult>;
}

export interface KubectlOptions {
    kubeconfig?: string;
    context?: string;
    /** Seconds a single kubectl call may take. */
    timeoutSeconds?: number;
}

/** KubeClient through the kubectl on PATH (the same credentials the user's kubeconfig holds). */
export class KubectlClient implements KubeClient {
    constructor(private readonly opts: KubectlOptions = {}) {}

    private run(args: string[], stdin?: string): Promise<ExecResult> {
        const global = [...(this.opts.kubeconfig ? ["--kubeconfig", this.opts.kubeconfig] : []), ...(this.opts.context ? ["--context", this.opts.context] : [])];
        return new Promise((resolve) => {
            const child = execFile(
                "kubectl",
                [...global, ...args],
                { maxBuffer: 256 * 1024 * 1024, timeout: (this.opts.timeoutSeconds ?? 120) * 1000 },
                (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
            );
            child.stdin!.end(stdin ?? "");
        });
    }

    private async json(args: string[], stdin?: string): Promise<any> {
        const r = await this.run([...args, "-o", "json"], stdin);
        if (r.code !== 0) {
            throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim() || `exit ${r.code}`}`);
        }
        return JSON.parse(r.stdout);
    }

    async list(resource: string, namespace?: string, labelSelector?: string): Promise<K8sObject[]> {
        const scope = namespace ? ["--namespace", namespace] : ["--all-namespaces"];
        const out = await this.json(["get", resource, ...scope, ...(labelSelector ? ["--selector", labelSelector] : [])]);
        return out.items as K8sObject[];
    }

    async get(resource: string, namespace: string, name: string): Promise<K8sObject | undefined> {
        const r = await this.run(["get", resource, name, "--namespace", namespace, "--ignore-not-found", "-o", "json"]);
        if (r.code !== 0) {
            throw new Error(`kubectl get ${resource} ${namespace}/${name}: ${r.stderr.trim()}`);
        }
        return r.stdout.trim() ? (JSON.parse(r.stdout) as K8sObject) : undefined;
    }

    create(object: K8sObject): Promise<K8sObject> {
        return this.json(["create", "-f", "-"], JSON.stringify(object));
    }

    async delete(resource: string, namespace: string, name: string): Promise<void> {
        await this.run(["delete", resource, name, "--namespace", namespace, "--ignore-not-found", "--wait=false"]);
    }

    exec(namespace: string, pod: string, command: string[], container?: string): Promise<ExecResult> {
        return this.run(["exec", "--namespace", namespace, pod, ...(container ? ["--container", container] : []), "--", ...command]);
    }
}
