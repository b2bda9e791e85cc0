import { it } from 'node:test';
import assert from 'node:assert/strict';
import { linkAbortSignals } from './link-abort-signals.js';

it('linkAbortSignals aborts with the first source reason, and unhooks on dispose', () => {
  const a = new AbortController();
  const b = new AbortController();
  const linked = linkAbortSignals(a.signal, b.signal);
  b.abort('b went');
  assert.equal(linked.signal.aborted, true);
  assert.equal(linked.signal.reason, 'b went');

  const c = new AbortController();
  const other = linkAbortSignals(c.signal);
  other[Symbol.dispose]();
  c.abort();
  assert.equal(other.signal.aborted, false, 'a disposed link no longer follows its sources');
});

it('linkAbortSignals starts aborted when a source already is', () => {
  const a = new AbortController();
  a.abort('early');
  assert.equal(linkAbortSignals(a.signal).signal.reason, 'early');
});
