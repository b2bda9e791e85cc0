import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGemserveError, type GemserveError } from '../core/errors.js';
import { MAX_BATCH_REQUESTS, MAX_INLINE_BATCH_BYTES, parseBatchJsonl, parseBatchRequest } from './parse-batch-request.js';

const refused = (f: () => unknown, message: RegExp) =>
  assert.throws(f, (e: unknown) => isGemserveError(e) && e.status === 'INVALID_ARGUMENT' && message.test(e.message));

test('inline requests in either spelling, metadata kept as sent', () => {
  const request = { contents: [{ parts: [{ text: 'a' }] }] };
  const camel = parseBatchRequest({ batch: { displayName: 'd', inputConfig: { requests: { requests: [{ request, metadata: { user_id: 7 } }] } } } });
  assert.deepEqual(camel, { displayName: 'd', input: { kind: 'inline', items: [{ request, metadata: { user_id: 7 } }] } });
  const snake = parseBatchRequest({ batch: { display_name: 'd', input_config: { file_name: 'files/abc' } } });
  assert.deepEqual(snake, { displayName: 'd', input: { kind: 'file', fileName: 'files/abc' } });
  assert.equal(parseBatchRequest({ batch: { priority: '-3', inputConfig: { fileName: 'files/a' } } }).priority, -3);
  assert.equal(parseBatchRequest({ batch: { priority: 7, inputConfig: { fileName: 'files/a' } } }).priority, 7);
  refused(() => parseBatchRequest({ batch: { priority: 'high', inputConfig: { fileName: 'files/a' } } }), /batch\.priority/);
});

test('refuses a batch without exactly one source, without requests, or with malformed entries', () => {
  refused(() => parseBatchRequest({}), /batch is required/);
  refused(() => parseBatchRequest({ batch: {} }), /input_config is required/);
  refused(() => parseBatchRequest({ batch: { inputConfig: {} } }), /exactly one/);
  refused(() => parseBatchRequest({ batch: { inputConfig: { fileName: 'files/a', requests: { requests: [] } } } }), /exactly one/);
  refused(() => parseBatchRequest({ batch: { inputConfig: { requests: { requests: [] } } } }), /at least one/);
  refused(() => parseBatchRequest({ batch: { inputConfig: { requests: [] } } }), /list of requests/);
  refused(() => parseBatchRequest({ batch: { inputConfig: { requests: { requests: [{ metadata: {} }] } } } }), /requests\[0\]\.request is required/);
  refused(() => parseBatchRequest({ batch: { inputConfig: { requests: { requests: [{ request: {}, metadata: 'x' }] } } } }), /metadata must be an object/);
  refused(() => parseBatchRequest({ batch: { displayName: 'x'.repeat(513), inputConfig: { fileName: 'files/a' } } }), /512/);
  const many = Array.from({ length: MAX_BATCH_REQUESTS + 1 }, () => ({ request: {} }));
  refused(() => parseBatchRequest({ batch: { inputConfig: { requests: { requests: many } } } }), /at most/);
});

test('inline requests over the size limit (20 MiB by default) are refused, pointing to a JSONL File', () => {
  assert.equal(MAX_INLINE_BATCH_BYTES, 20 * 1024 * 1024);
  const requests = [{ request: { contents: [{ parts: [{ text: 'x'.repeat(100) }] }] } }];
  const size = Buffer.byteLength(JSON.stringify(requests));
  const body = { batch: { inputConfig: { requests: { requests } } } };
  assert.equal(parseBatchRequest(body, { maxInlineBytes: size }).input.kind, 'inline', 'exactly at the limit is accepted');
  assert.throws(() => parseBatchRequest(body, { maxInlineBytes: size - 1 }), (e: unknown) => isGemserveError(e) && e.status === 'INVALID_ARGUMENT'
    && e.message === `The inline requests of this batch take ${size} bytes, over the ${size - 1}-byte limit for inline requests. `
      + 'Upload the requests as a JSONL file with the Files API and pass its name in batch.input_config.file_name instead.'
    && JSON.stringify(e.details).includes('batch.input_config.requests'));
  // A File batch is not measured here: its size is the Files API's business.
  assert.equal(parseBatchRequest({ batch: { inputConfig: { fileName: 'files/a' } } }, { maxInlineBytes: 1 }).input.kind, 'file');
});

test('JSONL: one request per non-empty line with its key; a bad line is refused by number', () => {
  const text = '{"key":"a","request":{"x":1}}\n\n  {"request":{"y":2}}  \n';
  assert.deepEqual(parseBatchJsonl(text, 'files/in'), [{ request: { x: 1 }, key: 'a' }, { request: { y: 2 } }]);
  refused(() => parseBatchJsonl('{"request":{}}\n{oops', 'files/in'), /files\/in line 2 is not valid JSON/);
  refused(() => parseBatchJsonl('{"key":"a"}', 'files/in'), /line 1 must be an object with a "request"/);
  refused(() => parseBatchJsonl('{"key":3,"request":{}}', 'files/in'), /"key" must be a string/);
  refused(() => parseBatchJsonl('\n\n', 'files/in'), /holds no requests/);
});

test('unknown fields anywhere in the body, inline requests included, are Google\'s 400 (or dropped with accept)', () => {
  const body = () => ({
    batch: {
      displayName: 'd', dispayName: 'typo',
      inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text: 'a' }] }], generationConfig: { maxOutputToken: 3 } } }] } },
    },
  });
  assert.throws(() => parseBatchRequest(body()), (e: GemserveError) => {
    assert.equal(e.code, 'UNKNOWN_FIELD');
    assert.equal(e.message, [
      'Invalid JSON payload received. Unknown name "dispayName" at \'batch\': Cannot find field.',
      'Invalid JSON payload received. Unknown name "maxOutputToken" at \'batch.input_config.requests.requests[0].request.generation_config\': Cannot find field.',
    ].join('\n'));
    return true;
  });
  const dropped: string[] = [];
  const parsed = parseBatchRequest(body(), { unknownFields: { mode: 'accept', onAccepted: (p) => dropped.push(p) } });
  assert.deepEqual(parsed.input.kind === 'inline' && parsed.input.items[0].request, { contents: [{ parts: [{ text: 'a' }] }], generationConfig: {} });
  assert.deepEqual(dropped, ['batch.dispayName', 'batch.input_config.requests.requests[0].request.generation_config.maxOutputToken']);
  // An embeddings batch holds EmbedContentRequests: `content`, not `contents`.
  const embed = { batch: { inputConfig: { requests: { requests: [{ request: { content: { parts: [{ text: 'a' }] }, taskType: 'CLUSTERING' } }] } } } };
  assert.equal(parseBatchRequest(embed, { kind: 'embed' }).input.kind, 'inline');
  assert.throws(() => parseBatchRequest(embed), /Unknown name "content" at 'batch.input_config.requests.requests\[0\].request'/);
});
