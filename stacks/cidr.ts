// IPv4 CIDR arithmetic for config validation (overlap, containment). Pure functions, no resources.

export interface Cidr {
    text: string;
    start: number;
    end: number;
    prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "10.0.0.0/16". Returns undefined for anything that is not a canonical IPv4 CIDR (host bits must be zero). */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR_RE.exec(text);
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const ip = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const size = 2 ** (32 - prefix);
    if (ip % size !== 0) {
        return undefined;
    }
    return { text, start: ip, end: ip + size - 1, prefix };
}

/** Why a CIDR string is invalid, for error messages; undefined when it is valid. */
export function cidrProblem(text: string): string | undefined {
    const m = CIDR_RE.exec(text);
    if (!m) {
        return "is not an IPv4 CIDR like 10.0.0.0/16";
    }
    const octets = m.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255) || Number(m[5]) > 32) {
        return "has an octet above 255 or a prefix above 32";
    }
    if (!parseCidr(text)) {
        const c = canonical(text);
        return `has host bits set; the network address is ${c}`;
    }
    return undefined;
}

function canonical(text: string): string {
    const [addr, p] = text.split("/");
    const prefix = Number(p);
    const o = addr.split(".").map(Number);
    const ip = ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
    const size = 2 ** (32 - prefix);
    const net = ip - (ip % size);
    return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join(".")}/${prefix}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.start <= b.end && b.start <= a.end;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
    return outer.start <= inner.start && inner.end <= outer.end;
}

/** The first host address of a range: the kubernetes Service's ClusterIP in a service CIDR. */
export function firstHost(cidr: string): string {
    const p = parseCidr(cidr);
    if (!p) {
        throw new Error(`${cidr} is not a CIDR`);
    }
    const ip = p.start + 1;
    return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
}

/** The i-th subnet of the given prefix length inside `parent` (used to carve subnets out of the network CIDR). */
export function subnet(parent: string, newPrefix: number, index: number): string {
    const p = parseCidr(parent);
    if (!p || newPrefix < p.prefix || newPrefix > 32) {
        throw new Error(`cannot carve a /${newPrefix} out of ${parent}`);
    }
    const size = 2 ** (32 - newPrefix);
    const start = p.start + index * size;
    if (start + size - 1 > p.end) {
        throw new Error(`${parent} has no room for subnet #${index} of size /${newPrefix}`);
    }
    return `${[start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255].join(".")}/${newPrefix}`;
}
