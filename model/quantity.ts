// Kubernetes resource quantities (resource.Quantity) as numbers: CPU in millicores, everything else in bytes.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity in base units ("500m" -> 0.5, "1Gi" -> 1073741824). Throws on a malformed quantity. */
export function parseQuantity(q: string | number): number {
    if (typeof q === "number") {
        return q;
    }
    const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
    if (!m) {
        throw new Error(`not a Kubernetes quantity: "${q}"`);
    }
    const unit = m[2] ?? "";
    return Number(m[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

/** Millicores of a CPU quantity, rounded up as the API server rounds requests. */
export function cpuMillis(q: string | number): number {
    return Math.ceil(parseQuantity(q) * 1000 - 1e-9);
}

export function formatCpu(millis: number): string {
    return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function formatBytes(bytes: number): string {
    for (const [unit, size] of [["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
        if (bytes >= size && bytes % size === 0) {
            return `${bytes / size}${unit}`;
        }
    }
    return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)}Gi` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)}Mi` : String(bytes);
}
