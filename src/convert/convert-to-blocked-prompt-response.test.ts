import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertToBlockedPromptResponse } from './convert-to-blocked-prompt-response.js';

test('a blocked prompt: promptFeedback, prompt-only usage, no candidates', () => {
  const meta = { modelVersion: 'gemini-2.0-flash', responseId: 'r1' };
  assert.deepEqual(convertToBlockedPromptResponse({ total: 7 }, meta), {
    promptFeedback: { blockReason: 'BLOCKLIST' },
    usageMetadata: { promptTokenCount: 7, totalTokenCount: 7, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 7 }] },
    modelVersion: 'gemini-2.0-flash',
    responseId: 'r1',
  });
  const withImage = convertToBlockedPromptResponse({ total: 300, byModality: { TEXT: 42, IMAGE: 258 } }, meta);
  assert.deepEqual(withImage.usageMetadata?.promptTokensDetails, [{ modality: 'TEXT', tokenCount: 42 }, { modality: 'IMAGE', tokenCount: 258 }]);
  assert.equal('candidates' in withImage, false);
});
