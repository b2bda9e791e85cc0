import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText, sampleValue } from './parse-prometheus-text.js';

const GOOD = [
  '# HELP http_requests_total The total.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="post",code="200"} 1027 1395066363000',
  'http_requests_total{method="post",code="400",note="a \\"quoted\\" \\\\ line\\nbreak"} 3',
  '# a comment',
  '',
  '# TYPE lat histogram',
  'lat_bucket{le="0.05"} 24054',
  'lat_bucket{le="+Inf"} 144320',
  'lat_sum 53423',
  'lat_count 144320',
  '# TYPE g gauge',
  'g NaN',
  'g{x="1"} -Inf',
  'g{x="2"} 1.5e-3',
  '',
].join('\n');

test('reads the exposition format: HELP, TYPE, labels with escapes, histograms, special values', () => {
  const p = parsePrometheusText(GOOD);
  assert.equal(p.types.get('lat'), 'histogram');
  assert.equal(p.help.get('http_requests_total'), 'The total.');
  assert.equal(sampleValue(p, 'http_requests_total', { code: '200' }), 1027);
  assert.equal(p.samples[1].labels.note, 'a "quoted" \\ line\nbreak');
  assert.equal(sampleValue(p, 'lat_bucket', { le: '+Inf' }), 144320);
  assert.ok(Number.isNaN(sampleValue(p, 'g')!));
  assert.equal(sampleValue(p, 'g', { x: '1' }), -Infinity);
  assert.equal(sampleValue(p, 'g', { x: '2' }), 0.0015);
});

test('refuses what is not the format', () => {
  const bad = (text: string, why: RegExp) => assert.throws(() => parsePrometheusText(text), why);
  bad('# TYPE a counter\na 1', /end with a line feed/);
  bad('# TYPE a counter\na{b="1} 1\n', /unterminated/);
  bad('# TYPE a counter\na{b=1} 1\n', /expected ="/);
  bad('# TYPE a counter\na{b="\\t"} 1\n', /bad escape/);
  bad('# TYPE a counter\na one\n', /bad sample value/);
  bad('# TYPE a counter\na\n', /expected a value/);
  bad('# TYPE a counter\nb 1\n', /belongs to no declared family/);
  bad('# TYPE a counter\na 1\n# TYPE a counter\n', /repeated/);
  bad('# TYPE a countr\n', /unknown type/);
  bad('# TYPE a counter\na_bucket{le="1"} 1\n', /no declared family/);
  bad('# TYPE a counter\n1a 1\n', /not a sample/);
  bad('# TYPE a counter\na{b="1",b="2"} 1\n', /repeated/);
});
