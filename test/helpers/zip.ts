// Zip archives (jars) written byte by byte, for tests and benchmarks that need many or odd ones.
import { crc32, deflateRawSync } from 'node:zlib';

/** A zip archive (jar) of deflated entries. */
export function zipBytes(entries: { name: string; body: Buffer }[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, body } of entries) {
    const data = deflateRawSync(body);
    const fixed = (sig: number, extra: number): Buffer => {
      const b = Buffer.alloc(extra);
      b.writeUInt32LE(sig, 0);
      return b;
    };
    const lh = fixed(0x04034b50, 30);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc32(body), 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(body.length, 22);
    lh.writeUInt16LE(Buffer.byteLength(name), 26);
    const ch = fixed(0x02014b50, 46);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc32(body), 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(body.length, 24);
    ch.writeUInt16LE(Buffer.byteLength(name), 28);
    ch.writeUInt32LE(offset, 42);
    local.push(lh, Buffer.from(name), data);
    central.push(ch, Buffer.from(name));
    offset += lh.length + Buffer.byteLength(name) + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, dir, end]);
}
