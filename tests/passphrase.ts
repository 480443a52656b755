// Decrypts `secure:` values of a stack that uses Pulumi's passphrase secrets provider, offline and without the Pulumi
// CLI, so the offline plan can check them fully. Same scheme as the CLI (pulumi/pulumi pkg/secrets/passphrase and
// sdk/go/common/resource/config/crypt.go): the stack file's `encryptionsalt` is `v1:<base64 salt>:<"pulumi" encrypted>`,
// the key is PBKDF2-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes), and each value is
// `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext with its 16-byte tag>`.
import * as crypto from "crypto";
import * as fs from "fs";

const ITERATIONS = 1_000_000;
const TAG_BYTES = 16;

export type Decrypt = (ciphertext: string) => string;

function decryptWith(key: Buffer, value: string): string {
    const [version, nonce, body, ...rest] = value.split(":");
    if (version !== "v1" || nonce === undefined || body === undefined || rest.length > 0) {
        throw new Error("not a v1 passphrase-encrypted value");
    }
    const data = Buffer.from(body, "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}

function encryptWith(key: Buffer, plaintext: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${data.toString("base64")}`;
}

function deriveKey(passphrase: string, salt: Buffer): Buffer {
    return crypto.pbkdf2Sync(passphrase, salt, ITERATIONS, 32, "sha256");
}

/** A decrypter for a stack's `encryptionsalt`, or undefined when the passphrase does not open it. */
export function passphraseDecrypter(encryptionSalt: string, passphrase: string): Decrypt | undefined {
    const [version, salt] = encryptionSalt.split(":");
    if (version !== "v1" || salt === undefined) {
        return undefined;
    }
    const key = deriveKey(passphrase, Buffer.from(salt, "base64"));
    try {
        if (decryptWith(key, encryptionSalt.slice(version.length + salt.length + 2)) !== "pulumi") {
            return undefined;
        }
    } catch {
        return undefined;
    }
    return (value) => decryptWith(key, value);
}

/** A new `encryptionsalt` and an encrypter for it, as `pulumi stack init` with the passphrase provider makes them. */
export function passphraseEncrypter(passphrase: string): { encryptionSalt: string; encrypt: (plaintext: string) => string } {
    const salt = crypto.randomBytes(8);
    const key = deriveKey(passphrase, salt);
    return { encryptionSalt: `v1:${salt.toString("base64")}:${encryptWith(key, "pulumi")}`, encrypt: (p) => encryptWith(key, p) };
}

/** The passphrase the Pulumi CLI would use: PULUMI_CONFIG_PASSPHRASE, else the file PULUMI_CONFIG_PASSPHRASE_FILE names. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
        return env.PULUMI_CONFIG_PASSPHRASE;
    }
    const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    return file ? fs.readFileSync(file, "utf8").trim() : undefined;
}
