import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapSamplingOptions } from './map-sampling-options.js';

const base = { maxOutputTokens: 100, stopSequences: [] as string[] };

describe('mapSamplingOptions', () => {
  it('maps temperature, topP, topK and maxOutputTokens 1:1', () => {
    const o = mapSamplingOptions({ ...base, temperature: 0.7, topP: 0.9, topK: 20 });
    assert.equal(o.temperature, 0.7);
    assert.equal(o.topP, 0.9);
    assert.equal(o.topK, 20);
    assert.equal(o.maxTokens, 100);
  });

  it('leaves unset options to node-llama-cpp', () => {
    const o = mapSamplingOptions(base);
    assert.equal(o.temperature, undefined);
    assert.equal(o.seed, undefined);
    assert.equal(o.customStopTriggers, undefined);
  });

  it('gives candidate i the seed + i, as a uint32 that is never llama.cpp\'s "random" value', () => {
    assert.equal(mapSamplingOptions({ ...base, seed: 7 }, 0).seed, 7);
    assert.equal(mapSamplingOptions({ ...base, seed: 7 }, 3).seed, 10);
    assert.equal(mapSamplingOptions({ ...base, seed: -1 }, 0).seed, 0xffff_fffe);
    assert.equal(mapSamplingOptions({ ...base, seed: -1 }, 1).seed, 0);
  });

  it('turns the repeat penalty off unless presence or frequency penalty is asked for', () => {
    assert.equal(mapSamplingOptions(base).repeatPenalty, false);
    assert.equal(mapSamplingOptions({ ...base, presencePenalty: 0, frequencyPenalty: 0 }).repeatPenalty, false);
    assert.deepEqual(mapSamplingOptions({ ...base, presencePenalty: 0.5 }).repeatPenalty, {
      penalty: 1, presencePenalty: 0.5, frequencyPenalty: 0, penalizeNewLine: true, lastTokens: 100,
    });
    assert.deepEqual(mapSamplingOptions({ ...base, frequencyPenalty: -0.2 }).repeatPenalty, {
      penalty: 1, presencePenalty: 0, frequencyPenalty: -0.2, penalizeNewLine: true, lastTokens: 100,
    });
  });

  it('passes stop sequences as custom stop triggers, dropping empty ones', () => {
    assert.deepEqual(mapSamplingOptions({ ...base, stopSequences: ['END', ''] }).customStopTriggers, ['END']);
    assert.equal(mapSamplingOptions({ ...base, stopSequences: [''] }).customStopTriggers, undefined);
  });
});
