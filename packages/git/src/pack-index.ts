const MAGIC = [0xff, 0x74, 0x4f, 0x63]; // "\377tOc"

/**
 * The object ids (hex) a pack index lists. Version 2 only, which is what git and isomorphic-git write; anything
 * else is an error rather than a guess.
 */
export function packIndexObjectIds(index: Uint8Array): string[] {
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  if (index.byteLength < 8 + 1024 || MAGIC.some((byte, i) => index[i] !== byte) || view.getUint32(4) !== 2) {
    throw new Error('not a version 2 pack index');
  }
  const count = view.getUint32(8 + 255 * 4);
  const start = 8 + 1024;
  if (index.byteLength < start + count * 20) throw new Error('truncated pack index');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(Buffer.from(index.buffer, index.byteOffset + start + i * 20, 20).toString('hex'));
  return ids;
}
