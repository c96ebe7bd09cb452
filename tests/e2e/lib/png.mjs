// Reads the pixels of a PNG screenshot (what page.screenshot returns: 8-bit RGB or RGBA, not interlaced),
// with node's zlib only, so a test can look at what the browser drew.
import zlib from 'node:zlib';

/** Decodes a PNG buffer into {width, height, channels, data} (data: rows of `channels` bytes per pixel). */
export function decodePng(buffer) {
  const sig = '89504e470d0a1a0a';
  if (buffer.subarray(0, 8).toString('hex') !== sig) throw new Error('decodePng: not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const colour = body[9];
      const interlace = body[12];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) {
        throw new Error(`decodePng: only 8-bit RGB/RGBA, not interlaced (depth ${depth}, colour ${colour})`);
      }
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = data.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? data.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels] : 0;
      const b = prev ? prev[x] : 0;
      const c = prev && x >= channels ? prev[x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** The share (0..1) of pixels brighter than `threshold` (sum of R, G and B) in a decoded image. */
export function brightShare(image, threshold = 60) {
  const { width, height, channels, data } = image;
  let bright = 0;
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    if (data[p] + data[p + 1] + data[p + 2] > threshold) bright++;
  }
  return width * height > 0 ? bright / (width * height) : 0;
}

/** How many distinct colours (quantised to 4 bits a channel) an image holds: a flat fill has one. */
export function colourCount(image) {
  const { width, height, channels, data } = image;
  const seen = new Set();
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    seen.add(((data[p] >> 4) << 8) | ((data[p + 1] >> 4) << 4) | (data[p + 2] >> 4));
  }
  return seen.size;
}
