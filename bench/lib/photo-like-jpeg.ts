import sharp from 'sharp';
import { seededRandom } from '../../test/fixtures/seeded-random.js';

/** How to draw one synthetic photo. */
export interface PhotoLikeOptions {
  width: number;
  height: number;
  /** Same seed, same bytes. */
  seed: number;
  /** EXIF orientation tag (1 upright; 6 = a phone held upright: decoders must rotate 90° clockwise). */
  orientation?: number;
  /** JPEG quality; default 92, about what phone cameras write. */
  quality?: number;
}

/**
 * A JPEG that compresses like a photo, so decode and encode cost what a real one would: hard-edged
 * shapes (objects), smooth shading, fine texture and sensor noise. A flat or pure-noise image
 * would be far cheaper or far dearer to (de)compress than a camera's output. At quality 92 it
 * comes to roughly 0.2-0.5 bytes a pixel, as phone photos do (a 12 MP one about 3-5 MB).
 */
export async function photoLikeJpeg(o: PhotoLikeOptions): Promise<Buffer> {
  const random = seededRandom(o.seed);
  const { width, height } = o;
  // Objects: overlapping shapes in random colours, drawn by librsvg at full size.
  const shapes: string[] = [];
  const colour = () => `rgb(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)})`;
  for (let i = 0; i < 40; i++) {
    const x = random() * width;
    const y = random() * height;
    const r = (0.03 + random() * 0.25) * Math.min(width, height);
    const fill = colour();
    const opacity = (0.5 + random() * 0.5).toFixed(2);
    shapes.push(random() < 0.5
      ? `<ellipse cx="${x}" cy="${y}" rx="${r}" ry="${r * (0.4 + random())}" fill="${fill}" fill-opacity="${opacity}"/>`
      : `<rect x="${x - r}" y="${y - r / 2}" width="${2 * r}" height="${r}" fill="${fill}" fill-opacity="${opacity}" transform="rotate(${random() * 90} ${x} ${y})"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`
    + `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>`
    + `<rect width="100%" height="100%" fill="url(#sky)"/>${shapes.join('')}</svg>`;
  const base = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  // Texture at two scales (surfaces, foliage, fabric), in brightness as in real scenes, plus
  // per-pixel sensor noise in each channel.
  const coarse = await noiseField(width, height, 24, random);
  const fine = await noiseField(width, height, 4, random);
  const pixels = Buffer.allocUnsafe(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const shade = (coarse[p] - 128) * 0.35 + (fine[p] - 128) * 0.2;
    for (let c = 0; c < 3; c++) {
      const grain = (random() + random() + random() - 1.5) * 6; // ~N(0, 3)
      const v = base[p * 3 + c] + shade + grain;
      pixels[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .withMetadata({ orientation: o.orientation ?? 1 })
    .jpeg({ quality: o.quality ?? 92 })
    .toBuffer();
}

/** Random values on a grid of `cell`-pixel cells, smoothly interpolated to the full size (one channel). */
async function noiseField(width: number, height: number, cell: number, random: () => number): Promise<Buffer> {
  const gw = Math.max(2, Math.ceil(width / cell));
  const gh = Math.max(2, Math.ceil(height / cell));
  const grid = Buffer.allocUnsafe(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = Math.floor(random() * 256);
  return sharp(grid, { raw: { width: gw, height: gh, channels: 1 } }).resize(width, height, { kernel: 'cubic', fit: 'fill' }).extractChannel(0).raw().toBuffer();
}

