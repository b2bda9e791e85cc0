import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isGemserveError } from '../../core/errors.js';
import { parseEmbedRequest } from './parse-embed-request.js';
import { truncateAndNormalise } from './embed-texts.js';

const content = (...texts: string[]) => ({ parts: texts.map((text) => ({ text })) });
const invalid = (message: RegExp) => (e: unknown) => isGemserveError(e) && e.httpStatus === 400 && message.test(e.message);

describe('parseEmbedRequest', () => {
  it('joins the text parts of the content into one text', () => {
    assert.deepEqual(parseEmbedRequest({ content: content('a', 'b') }), { text: 'a\nb', request: { text: 'a\nb' } });
  });

  it('prepends the title for RETRIEVAL_DOCUMENT only', () => {
    assert.equal(parseEmbedRequest({ content: content('body'), taskType: 'RETRIEVAL_DOCUMENT', title: 'T' }).text, 'T\nbody');
    assert.equal(parseEmbedRequest({ content: content('body'), taskType: 'RETRIEVAL_QUERY', title: 'T' }).text, 'body');
    assert.equal(parseEmbedRequest({ content: content('body'), title: 'T' }).text, 'body');
  });

  it('keeps the client\'s fields unapplied, the title out of the text, for engines that pass them on', () => {
    const job = parseEmbedRequest({ content: content('body'), taskType: 'RETRIEVAL_DOCUMENT', title: 'T', outputDimensionality: 8 });
    assert.deepEqual(job.request, { text: 'body', taskType: 'RETRIEVAL_DOCUMENT', title: 'T', outputDimensionality: 8 });
    assert.deepEqual(parseEmbedRequest({ content: content('q'), taskType: 'RETRIEVAL_QUERY', title: 'T' }).request, {
      text: 'q', taskType: 'RETRIEVAL_QUERY', title: 'T',
    });
  });

  it('accepts snake_case, embedContentConfig and int32 as a string', () => {
    assert.deepEqual(parseEmbedRequest({ content: content('x'), output_dimensionality: 8, task_type: 'CLUSTERING' }), {
      text: 'x', request: { text: 'x', taskType: 'CLUSTERING', outputDimensionality: 8 },
    });
    assert.deepEqual(
      parseEmbedRequest({ content: content('x'), embedContentConfig: { outputDimensionality: '4', taskType: 'RETRIEVAL_DOCUMENT', title: 'T' } }),
      { text: 'T\nx', request: { text: 'x', taskType: 'RETRIEVAL_DOCUMENT', title: 'T', outputDimensionality: 4 } },
    );
  });

  it('refuses what it cannot embed, naming the field', () => {
    assert.throws(() => parseEmbedRequest({}), invalid(/content must have at least one part/));
    assert.throws(() => parseEmbedRequest({ content: content('  ') }), invalid(/contains an empty Part/));
    assert.throws(
      () => parseEmbedRequest({ content: { parts: [{ inlineData: { mimeType: 'image/png', data: '' } }] } }),
      invalid(/only text parts/),
    );
    assert.throws(() => parseEmbedRequest({ content: content('x'), taskType: 'NOPE' }, 'requests[1].'), invalid(/'requests\[1\]\.task_type'/));
    assert.throws(() => parseEmbedRequest({ content: content('x'), outputDimensionality: 0 }), invalid(/positive integer/));
    assert.throws(() => parseEmbedRequest({ content: content('x'), outputDimensionality: 1.5 }), invalid(/positive integer/));
    assert.throws(() => parseEmbedRequest({ content: content('x'), title: 3 }), invalid(/title/));
  });
});

describe('truncateAndNormalise', () => {
  it('scales to unit length', () => {
    assert.deepEqual(truncateAndNormalise([3, 4]), [0.6, 0.8]);
  });
  it('keeps the first n values, then renormalises them', () => {
    assert.deepEqual(truncateAndNormalise([3, 4, 100], 2), [0.6, 0.8]);
  });
  it('leaves a zero vector at zero rather than NaN', () => {
    assert.deepEqual(truncateAndNormalise([0, 0, 0]), [0, 0, 0]);
  });
});
