/**
 * The few bytes of a POSIX ustar archive a Docker build context needs: regular files at
 * the top level, owned by root, with a fixed mtime so the same files give the same tar.
 */
export interface TarEntry {
  name: string;
  data: Buffer;
  mode: number;
}

const BLOCK = 512;

export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    parts.push(entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function header({ name, data, mode }: TarEntry): Buffer {
  if (Buffer.byteLength(name) > 100 || name.includes('/')) {
    throw new Error(`tar: "${name}" must be a plain file name of at most 100 bytes`);
  }
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, data.length);
  octal(block, 136, 12, 0); // mtime
  block.fill(' ', 148, 156); // checksum field counts as spaces while summing
  block.write('0', 156); // regular file
  block.write('ustar\u0000', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return block;
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset);
}
