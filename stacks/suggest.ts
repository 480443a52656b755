// "Did you mean ...?" for near-miss config values and keys.

/** Common names people give for a value, mapped to the value we expect. */
const ALIASES: Record<string, string> = {
    eks: "aws",
    amazon: "aws",
    gke: "gcp",
    google: "gcp",
    aks: "azure",
    kind: "local",
    minikube: "local",
    k3d: "local",
    k3s: "local",
    production: "prod",
    development: "dev",
};

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/** The closest allowed value to `given`, or undefined when nothing is close enough to be a likely typo. */
export function suggest(given: unknown, allowed: readonly string[]): string | undefined {
    if (typeof given !== "string") {
        return undefined;
    }
    const norm = given.trim().toLowerCase();
    const exact = allowed.find((a) => a.toLowerCase() === norm);
    if (exact !== undefined) {
        return exact;
    }
    const alias = ALIASES[norm];
    if (alias !== undefined && allowed.includes(alias)) {
        return alias;
    }
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const a of allowed) {
        const d = editDistance(norm, a.toLowerCase());
        if (d < bestDistance) {
            best = a;
            bestDistance = d;
        }
    }
    const tolerance = Math.max(1, Math.floor(norm.length / 3));
    return bestDistance <= Math.min(2, tolerance) ? best : undefined;
}

export function didYouMean(given: unknown, allowed: readonly string[]): string {
    const s = suggest(given, allowed);
    return s === undefined ? "" : ` Did you mean "${s}"?`;
}
