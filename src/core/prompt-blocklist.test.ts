import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlocklistSyntaxError, findBlocklistMatch, parsePromptBlocklist } from './prompt-blocklist.js';

test('terms match whole words in any case; comments and blank lines are skipped', () => {
  const list = parsePromptBlocklist('# house rules\n\n  ban  \nsecret plan\r\nc++\n');
  assert.deepEqual(list.entries.map((e) => [e.line, e.source]), [[3, 'ban'], [4, 'secret plan'], [5, 'c++']]);
  assert.equal(findBlocklistMatch(list, 'Ban this!')?.source, 'ban');
  assert.equal(findBlocklistMatch(list, 'a banana'), undefined);
  assert.equal(findBlocklistMatch(list, 'urban'), undefined);
  assert.equal(findBlocklistMatch(list, 'the SECRET\n  plan is')?.source, 'secret plan');
  assert.equal(findBlocklistMatch(list, 'I like c++ a lot')?.source, 'c++', 'regex metacharacters are literal');
  assert.equal(findBlocklistMatch(list, 'nothing here'), undefined);
});

test('word boundaries are Unicode-aware', () => {
  const list = parsePromptBlocklist('café');
  assert.ok(findBlocklistMatch(list, 'un CAFÉ noir'));
  assert.equal(findBlocklistMatch(list, 'cafés'), undefined);
});

test('/regex/flags lines are regular expressions, searched anywhere', () => {
  const list = parsePromptBlocklist('/pass(word)?\\s*[:=]/i\n/^exact$/m\n/a.b/s');
  assert.equal(findBlocklistMatch(list, 'my PASSWORD= hunter2')?.line, 1);
  assert.equal(findBlocklistMatch(list, 'x\nexact\ny')?.line, 2);
  assert.equal(findBlocklistMatch(list, 'a\nb')?.line, 3);
  assert.equal(findBlocklistMatch(list, 'exactly'), undefined);
  // Matching twice gives the same answer (no `g` flag, so no lastIndex state).
  assert.ok(findBlocklistMatch(list, 'pass:'));
  assert.ok(findBlocklistMatch(list, 'pass:'));
});

test('a bad regular expression or flag names its line', () => {
  assert.throws(() => parsePromptBlocklist('ok\n/(unclosed/'), (e) => e instanceof BlocklistSyntaxError && e.line === 2 && /^line 2: /.test(e.message));
  assert.throws(() => parsePromptBlocklist('/x/g'), /line 1: unsupported regular expression flags "g"/);
  // Not a regex line: a lone slash is a term.
  assert.equal(parsePromptBlocklist('/').entries[0].source, '/');
});
