import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { hasCommand, minimalPdf } from '../../test/fixtures/test-media.js';
import { extractPdfText, readPdfInfo, renderPdfPages } from './extract-pdf.js';
import { MediaInputError } from './media-input-error.js';
import { DEFAULT_MEDIA_TOOLS as tools } from './media-tools.js';
import { withTempDir } from './with-temp-dir.js';

const skip = hasCommand('pdftotext') ? false : 'poppler-utils is not installed';

test('text per page, and pages rendered to the page pixel budget', { skip }, async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'in.pdf');
    await writeFile(file, minimalPdf(['Hello from page one', 'Second (page) here']));
    const info = await readPdfInfo(file, tools, {});
    assert.deepEqual(info, { pages: 2, pageWidth: 612, pageHeight: 792 });
    assert.deepEqual(await extractPdfText(file, info, tools, {}), ['Hello from page one', 'Second (page) here']);
    const pages = await renderPdfPages(file, dir, info, 1_280_000, tools, {});
    assert.equal(pages.length, 2);
    const meta = await sharp(pages[1]).metadata();
    assert.equal(meta.format, 'png');
    // Letter paper scaled (up, from 612 x 792 pt) to about 1.28 MP.
    assert.ok(Math.abs((meta.height ?? 0) - 1286) <= 1, `height ${meta.height}`);
    assert.ok((meta.width ?? 0) * (meta.height ?? 0) <= 1_280_000);
  });
});

test('a broken PDF is a MediaInputError', { skip }, async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'bad.pdf'), '%PDF-1.4\nthis is not a PDF body\n');
    await assert.rejects(readPdfInfo(join(dir, 'bad.pdf'), tools, {}), MediaInputError);
  });
});
