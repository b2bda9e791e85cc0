import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGemserveSignature, ThoughtSigner } from './thought-signer.js';

test('signatures are base64, verify under their key only, and name response, candidate and part', () => {
  const signer = new ThoughtSigner(Buffer.alloc(32, 1));
  const sig = signer.sign('qS77aMCqBu6mvr0PsJiykAw', 0, { kind: 'call', index: 0 });
  assert.match(sig, /^[A-Za-z0-9+/]+=*$/);
  assert.ok(isGemserveSignature(sig));
  assert.ok(signer.verify(sig));
  assert.equal(new ThoughtSigner(Buffer.alloc(32, 1)).verify(sig), true, 'the same key verifies it (another replica, a restart)');
  assert.equal(new ThoughtSigner(Buffer.alloc(32, 2)).verify(sig), false, 'another key does not');
  assert.equal(new ThoughtSigner().verify(sig), false, 'nor a random one');
  assert.notEqual(signer.sign('qS77aMCqBu6mvr0PsJiykAw', 1, { kind: 'call', index: 0 }), sig);
  assert.notEqual(signer.sign('qS77aMCqBu6mvr0PsJiykAw', 0, { kind: 'last' }), sig);
  assert.notEqual(signer.sign('other', 0, { kind: 'call', index: 0 }), sig);
  assert.equal(signer.sign('qS77aMCqBu6mvr0PsJiykAw', 0, { kind: 'call', index: 0 }), sig, 'deterministic: a cached response repeats it');
});

test('edited, truncated or foreign signatures do not verify', () => {
  const signer = new ThoughtSigner(Buffer.alloc(32, 1));
  const sig = signer.sign('r', 0, { kind: 'last' });
  const bytes = Buffer.from(sig, 'base64');
  bytes[bytes.length - 1] ^= 1;
  assert.equal(signer.verify(bytes.toString('base64')), false);
  assert.equal(signer.verify(sig.slice(0, -4)), false);
  assert.equal(signer.verify(`${sig}AAAA`), false);
  assert.equal(signer.verify(sig.replace(/=+$/, '')), false, 'not the bytes as issued');
  assert.equal(signer.verify('EjQKMgEMOdbHJ4dI'), false);
  assert.equal(isGemserveSignature('EjQKMgEMOdbHJ4dI'), false, 'Google\'s start with a protobuf tag');
  assert.equal(signer.verify('skip_thought_signature_validator'), false);
  assert.equal(signer.verify(''), false);
});
