/**
 * Every JSON Schema Google accepts (issue 13, scope 5), through `@google/genai` against the
 * real server: the embedded llama-cpp engine on the generated tiny model (random weights, so
 * only the grammar makes the output valid). Each output is parsed and validated with a JSON
 * Schema validator (ajv, as the engines' own validation uses it). Schemas Google refuses stay
 * 400s whose field path names where the problem is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionCallingConfigMode, Type, type Schema } from '@google/genai';
import { compileJsonSchemaValidator } from '../../src/engines/shared/compile-json-schema-validator.js';
import { validationCounters } from '../../src/engines/shared/generate-validated.js';
import { convertGeminiSchemaToJsonSchema } from '../../src/convert/convert-gemini-schema-to-json-schema.js';
import { serveLlamaCppForSuite } from './helpers/serve-llama-cpp.js';
import { genai, sdkError } from './helpers/clients.js';
import { tinyChatModel } from '../fixtures/test-models.js';
import { richSchema } from '../fixtures/structured-output-inputs.js';

const MODEL = 'gemini-2.5-flash';
const contents = 'Fill in the form.';
/** Random weights write invalid UTF-8 now and then; one U+FFFD per bad sequence, as the grammar counted it. */
const parse = (text: string | undefined) => JSON.parse((text ?? '').replace(/\uFFFD+/g, '\uFFFD')) as unknown;

/** A Gemini `responseSchema` (OpenAPI subset) with pattern, bounds on a NUMBER, lengths, nullable, anyOf, enum. */
const FORM: Schema = {
  type: Type.OBJECT,
  properties: {
    id: { type: Type.STRING, pattern: '^[a-z]{2}[0-9]{2}$' },
    ratio: { type: Type.NUMBER, minimum: 1, maximum: 10 },
    count: { type: Type.INTEGER, minimum: -3, maximum: 3 },
    label: { type: Type.STRING, minLength: '2', maxLength: '6' },
    maybe: { type: Type.BOOLEAN, nullable: true },
    pick: { anyOf: [{ type: Type.STRING, enum: ['x', 'y'] }, { type: Type.INTEGER, minimum: 0, maximum: 9 }] },
    list: { type: Type.ARRAY, items: { type: Type.STRING, format: 'date' }, minItems: '1', maxItems: '2' },
  },
  required: ['id', 'ratio', 'count', 'label', 'maybe', 'pick', 'list'],
  propertyOrdering: ['id', 'ratio', 'count', 'label', 'maybe', 'pick', 'list'],
};

/** A tool's parametersJsonSchema with a pattern and bounds (integer, number, exclusive), and a $ref. */
const BOOK = {
  name: 'book_room',
  description: 'Books a room.',
  parametersJsonSchema: {
    type: 'object',
    properties: {
      room: { type: 'string', pattern: '^[A-C][0-9]{3}$' },
      nights: { type: 'integer', minimum: 1, maximum: 14 },
      budget: { type: 'number', exclusiveMinimum: 0, maximum: 500 },
      guest: { $ref: '#/$defs/guest' },
    },
    required: ['room', 'nights', 'budget', 'guest'],
    additionalProperties: false,
    $defs: { guest: { type: 'object', properties: { age: { type: ['integer', 'null'], minimum: 18, maximum: 120 } }, required: ['age'] } },
  },
};

/** The declaration Google's recorded SDK traffic sends with mode AUTO (js-genai test/system/recordings: an unanchored pattern). */
const PRINT = {
  name: 'print',
  parametersJsonSchema: {
    $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false, required: ['text', 'color'], type: 'object',
    properties: { color: { pattern: 'red|blue|green|white', type: 'string', maxLength: 12 }, text: { type: 'string', maxLength: 8 } },
  },
};

describe('every JSON Schema Google accepts (contract, @google/genai, llama-cpp on random weights)', { timeout: 600_000 }, () => {
  const served = serveLlamaCppForSuite({ id: MODEL, model: tinyChatModel, contextSize: 2048 });

  it('responseJsonSchema with pattern, bounds, lengths, $ref/$defs, anyOf, type lists with null, additionalProperties false', async () => {
    const ai = genai(served.server.baseUrl);
    const validate = compileJsonSchemaValidator(richSchema);
    const before = { ...validationCounters };
    for (let seed = 1; seed <= 8; seed++) {
      const r = await ai.models.generateContent({
        model: MODEL, contents, config: { responseMimeType: 'application/json', responseJsonSchema: richSchema, maxOutputTokens: 400, temperature: 1, seed },
      });
      assert.equal(r.candidates?.[0].finishReason, 'STOP', r.text);
      const value = parse(r.text) as Record<string, unknown>;
      assert.equal(validate(value), undefined, r.text);
      assert.deepEqual(Object.keys(value).slice(0, 2), ['kind', 'code'], 'propertyOrdering first');
    }
    assert.deepEqual(validationCounters, before, 'the grammar alone: nothing validated afterwards');
  });

  it('responseSchema (Gemini Schema) with pattern, minimum/maximum on a NUMBER, lengths, nullable, anyOf; streamed too', async () => {
    const ai = genai(served.server.baseUrl);
    const validate = compileJsonSchemaValidator(convertGeminiSchemaToJsonSchema(FORM as never));
    for (let seed = 1; seed <= 6; seed++) {
      const config = { responseMimeType: 'application/json', responseSchema: FORM, maxOutputTokens: 400, temperature: 1, seed };
      const r = await ai.models.generateContent({ model: MODEL, contents, config });
      assert.equal(r.candidates?.[0].finishReason, 'STOP', r.text);
      assert.equal(validate(parse(r.text)), undefined, r.text);
      let streamed = '';
      for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents, config })) streamed += chunk.text ?? '';
      assert.equal(streamed, r.text, 'a stream writes the same reply');
    }
  });

  it('the responseJsonSchema of Google\'s recorded traffic (minimum/maximum on a number, date-time, unions) is answered, not refused', async () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false, type: 'object',
      properties: {
        numberWithMinMax: { maximum: 10, minimum: 1, type: 'number' },
        stringDatatime: { format: 'date-time', type: 'string' },
        stringWithLength: { maxLength: 10, minLength: 1, type: 'string' },
        stringWithEnum: { enum: ['enumvalue1', 'enumvalue2', 'enumvalue3'], type: 'string' },
        unionField: { type: ['string', 'number'] },
        nullableArrayField: { anyOf: [{ items: { type: 'string' }, type: 'array' }, { type: 'null' }] },
        nullableObjectField: {
          anyOf: [{ additionalProperties: false, properties: { innerNumber: { type: 'number' } }, required: ['innerNumber'], type: 'object' }, { type: 'null' }],
        },
      },
      required: ['numberWithMinMax', 'stringDatatime', 'stringWithLength', 'stringWithEnum', 'unionField', 'nullableArrayField', 'nullableObjectField'],
    };
    const validate = compileJsonSchemaValidator(schema);
    const r = await genai(served.server.baseUrl).models.generateContent({
      model: MODEL, contents, config: { responseMimeType: 'application/json', responseJsonSchema: schema, maxOutputTokens: 600, temperature: 1, seed: 3 },
    });
    // Unbounded strings on random weights may run to the token limit; a finished answer validates.
    if (r.candidates?.[0].finishReason === 'STOP') assert.equal(validate(parse(r.text)), undefined, r.text);
    else assert.equal(r.candidates?.[0].finishReason, 'MAX_TOKENS');
  });

  it('parametersJsonSchema with a pattern, bounds and a $ref: mode ANY calls validly every time, mode AUTO answers 200', async () => {
    const ai = genai(served.server.baseUrl);
    const validate = compileJsonSchemaValidator(BOOK.parametersJsonSchema);
    for (const mode of [FunctionCallingConfigMode.ANY, FunctionCallingConfigMode.AUTO]) {
      let calls = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const r = await ai.models.generateContent({
          model: MODEL, contents: 'Book room B101 for two nights.',
          config: { tools: [{ functionDeclarations: [BOOK] }], toolConfig: { functionCallingConfig: { mode } }, maxOutputTokens: 300, temperature: 1, seed },
        });
        const found = r.functionCalls ?? [];
        if (mode === FunctionCallingConfigMode.ANY) {
          assert.equal(r.candidates?.[0].finishReason, 'STOP', JSON.stringify(r.candidates?.[0]));
          assert.ok(found.length >= 1, `seed ${seed}: a call`);
        }
        for (const call of found) {
          assert.equal(call.name, 'book_room');
          assert.equal(validate(call.args), undefined, JSON.stringify(call.args));
          calls++;
        }
      }
      if (mode === FunctionCallingConfigMode.ANY) assert.ok(calls >= 8);
    }
  });

  it('the recorded AUTO declarations (an unanchored pattern, a Gemini Schema beside JSON Schemas) are answered, calls valid', async () => {
    const ai = genai(served.server.baseUrl);
    const validate = compileJsonSchemaValidator(PRINT.parametersJsonSchema);
    const beep = { name: 'beep', parametersJsonSchema: { properties: {}, type: 'object' } };
    const light = {
      name: 'controlLight',
      parameters: { type: Type.OBJECT, properties: { brightness: { type: Type.NUMBER, minimum: 0, maximum: 100 }, colorTemperature: { type: Type.STRING, pattern: '^(daylight|cool|warm)$' } }, required: ['brightness', 'colorTemperature'] },
    };
    const lightSchema = compileJsonSchemaValidator(convertGeminiSchemaToJsonSchema(light.parameters as never));
    for (let seed = 1; seed <= 6; seed++) {
      for (const mode of [FunctionCallingConfigMode.AUTO, FunctionCallingConfigMode.ANY]) {
        const r = await ai.models.generateContent({
          model: MODEL, contents: 'Print hello in blue, beep, then set the light to warm, 50.',
          config: { tools: [{ functionDeclarations: [PRINT] }, { functionDeclarations: [beep] }, { functionDeclarations: [light] }], toolConfig: { functionCallingConfig: { mode } }, maxOutputTokens: 300, temperature: 1, seed },
        });
        for (const call of r.functionCalls ?? []) {
          if (call.name === 'print') {
            assert.equal(validate(call.args), undefined, JSON.stringify(call.args));
            assert.match(String(call.args?.color), /red|blue|green|white/);
          } else if (call.name === 'controlLight') assert.equal(lightSchema(call.args), undefined, JSON.stringify(call.args));
          else assert.deepEqual(call.args ?? {}, {});
        }
      }
    }
  });

  it('a keyword no grammar enforces (format uri) is validated and resampled, then answered as it is: STOP', async () => {
    const before = { ...validationCounters };
    const schema = { type: 'object', properties: { site: { type: 'string', format: 'uri', maxLength: 6 } }, required: ['site'], additionalProperties: false };
    const r = await genai(served.server.baseUrl).models.generateContent({
      model: MODEL, contents, config: { responseMimeType: 'application/json', responseJsonSchema: schema, maxOutputTokens: 100, temperature: 1, seed: 1 },
    });
    assert.equal(r.candidates?.[0].finishReason, 'STOP');
    assert.equal(typeof (parse(r.text) as { site: unknown }).site, 'string');
    assert.equal(validationCounters.candidates - before.candidates, 1);
    // Random letters are rarely a URI: three attempts, the last answered.
    assert.equal(validationCounters.resampled - before.resampled + validationCounters.invalid - before.invalid >= 1, true);
  });

  it('schemas Google refuses are 400s naming the field where the problem is', async () => {
    const ai = genai(served.server.baseUrl);
    const field = async (config: object) => {
      const { body } = await sdkError(ai.models.generateContent({ model: MODEL, contents, config }), 400, 'INVALID_ARGUMENT');
      return (body.error.details?.[0] as { fieldViolations?: Array<{ field: string }> } | undefined)?.fieldViolations?.[0]?.field ?? body.error.message;
    };
    const broken = { type: 'object', properties: { guest: { $ref: '#/$defs/missing' } } };
    assert.equal(await field({ tools: [{ functionDeclarations: [BOOK, { name: 'other', parametersJsonSchema: broken }] }] }),
      'tools[0].function_declarations[1].parameters_json_schema.properties[guest].$ref');
    assert.equal(await field({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { code: { type: 'string', pattern: '([a-z' } } } }),
      'generation_config.response_json_schema.properties[code].pattern');
    assert.equal(await field({ responseMimeType: 'application/json', responseSchema: { type: Type.STRING, pattern: '(' } }),
      'generation_config.response_schema.pattern');
    assert.equal(await field({ tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: Type.OBJECT, properties: { a: { type: Type.STRING, minLength: '-1' } } } }] }] }),
      'tools[0].function_declarations[0].parameters.properties[a].min_length');
    assert.equal(await field({ responseMimeType: 'application/json', responseJsonSchema: { anyOf: [{ $ref: '#' }, { type: 'string' }] } }),
      'generation_config.response_json_schema');
  });
});
