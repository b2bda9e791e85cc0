import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFieldTypes } from './check-field-types.js';
import * as batches from './batches.js';
import * as cachedContents from './cached-contents.js';
import * as content from './content.js';
import * as countTokens from './count-tokens.js';
import * as embeddings from './embeddings.js';
import * as files from './files.js';
import type { EnumSpec, MessageDef } from './define-message.js';
import * as generateContent from './generate-content.js';
import * as generationConfig from './generation-config.js';
import { normalizeFieldNames } from './normalize-field-names.js';
import { messageOf, reachableMessages } from './request-schema.js';
import * as safety from './safety.js';
import * as schema from './schema.js';
import * as tools from './tools.js';
import type { Content, GenerateContentRequest, GenerationConfig, HarmCategory, ImageConfig, Part, Role, Schema } from './types.js';
import { validateGenerateContentRequest } from './validate-generate-content-request.js';

const modules = [batches, cachedContents, content, countTokens, embeddings, files, generateContent, generationConfig, safety, schema, tools];
const exported = modules.flatMap((m) => Object.values(m) as unknown[]);
const isMessage = (v: unknown): v is MessageDef => typeof v === 'object' && v !== null && 'fields' in v && 'defs' in v;
const isEnum = (v: unknown): v is EnumSpec => typeof v === 'object' && v !== null && 'list' in v && 'values' in v;

test('every message table is reachable from a root request, and names are unique', () => {
  const reachable = reachableMessages();
  const tables = exported.filter(isMessage);
  assert.ok(tables.length >= 20);
  for (const t of tables) {
    assert.equal(reachable.get(t.name), t, `${t.name} is defined but no request reaches it (or another table has its name)`);
  }
  assert.equal(reachable.size, tables.length, 'a reachable message is not exported from its resource file');
});

test('field spellings: each snake_case name leads back to its field, and none is shared', () => {
  for (const spec of reachableMessages().values()) {
    const protos = new Set<string>();
    for (const f of spec.fields.values()) {
      assert.ok(!protos.has(f.proto), `${spec.name}.${f.proto} twice`);
      protos.add(f.proto);
      if (f.proto !== f.json) assert.equal(spec.bySnake.get(f.proto), f.json);
      assert.ok(!(f.repeated && f.map), `${spec.name}.${f.json} is both a list and a map`);
      const next = messageOf(f);
      if (next) assert.equal(reachableMessages().get(next.name), next);
    }
  }
});

test('enums: uppercase values, each once, the set the checker reads equal to the list', () => {
  for (const e of exported.filter(isEnum)) {
    assert.deepEqual([...e.values], [...e.list], e.name);
    assert.equal(new Set(e.list).size, e.list.length, e.name);
    for (const v of e.list) assert.equal(v, v.toUpperCase(), `${e.name}.${v}`);
  }
});

test('HarmCategory: the proto\'s twelve parse; only the five Gemini ones pass validation', () => {
  assert.equal(safety.HARM_CATEGORY.list.length, 12);
  for (const c of safety.GEMINI_HARM_CATEGORIES) assert.ok(safety.HARM_CATEGORY.values.has(c), c);
  const contents = [{ parts: [{ text: 'hi' }] }];
  for (const category of safety.HARM_CATEGORY.list) {
    const body = { contents, safetySettings: [{ category: category.toLowerCase(), threshold: 'block_none' }] };
    assert.equal(checkFieldTypes(body, 'GenerateContentRequest'), undefined, category);
    const bad = validateGenerateContentRequest(body as unknown as GenerateContentRequest);
    const gemini = (safety.GEMINI_HARM_CATEGORIES as readonly string[]).includes(category);
    assert.equal(bad === undefined, gemini, category);
  }
});

test('imageConfig and enableEnhancedCivicAnswers: renamed and typed, imageConfig\'s own fields too', () => {
  const body: Record<string, any> = {
    contents: [{ parts: [{ text: 'hi' }] }],
    generation_config: { image_config: { aspect_ratio: '16:9' }, enable_enhanced_civic_answers: 'true' },
  };
  normalizeFieldNames(body, 'GenerateContentRequest');
  assert.deepEqual(body.generationConfig, { imageConfig: { aspectRatio: '16:9' }, enableEnhancedCivicAnswers: 'true' });
  assert.equal(checkFieldTypes(body, 'GenerateContentRequest')?.description,
    `Invalid value at 'generation_config.enable_enhanced_civic_answers' (TYPE_BOOL), "true"`);
  assert.equal(checkFieldTypes({ generationConfig: { imageConfig: { aspectRatio: '1:1' }, enableEnhancedCivicAnswers: true } }, 'GenerateContentRequest'), undefined);
});

// Type-level: the interfaces derived from the tables keep the precision the hand-written ones
// had. A mistake here fails `npm run typecheck`.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
export const typeChecks: Array<true> = [
  true satisfies Equal<Content['role'], Role | undefined>,
  true satisfies Equal<Part['functionCall'] extends { name: string } | undefined ? true : false, true>,
  true satisfies Equal<GenerateContentRequest['contents'], Content[]>,
  true satisfies Equal<GenerationConfig['imageConfig'], ImageConfig | undefined>,
  true satisfies Equal<GenerationConfig['enableEnhancedCivicAnswers'], boolean | undefined>,
  true satisfies Equal<Schema['items'], Schema | undefined>,
  true satisfies Equal<NonNullable<Schema['properties']>, Record<string, Schema>>,
  true satisfies Equal<Extract<Schema['type'], 'object'>, 'object'>,
  true satisfies Equal<Extract<HarmCategory, 'HARM_CATEGORY_DEROGATORY'>, 'HARM_CATEGORY_DEROGATORY'>,
];
