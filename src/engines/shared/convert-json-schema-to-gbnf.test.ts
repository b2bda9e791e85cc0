import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Llama } from 'node-llama-cpp';
import { parseGbnf, sampleGbnf } from '../../../test/fixtures/sample-gbnf.js';
import { seededRandom } from '../../../test/fixtures/seeded-random.js';
import { getSharedLlama } from '../llama-cpp/shared-llama.js';
import { compileJsonSchemaValidator } from './compile-json-schema-validator.js';
import { convertJsonSchemaToGbnf } from './convert-json-schema-to-gbnf.js';

/**
 * Each schema's grammar is checked three ways with llama.cpp's own grammar engine (node-llama-cpp
 * parses it and answers whether a text completes it): it parses; the valid values (as compact
 * JSON, or `raw` text) are accepted and the invalid texts refused; and 150 strings sampled from
 * the grammar are each accepted by llama.cpp, parse as JSON and, when the grammar claims to
 * enforce everything, validate against the schema (ajv), a pattern's strings matching it.
 */
interface Case {
  schema: Record<string, unknown>;
  valid?: unknown[];
  raw?: string[];
  invalid?: string[];
  /** The keywords the grammar leaves to validation; default none. */
  unenforced?: string[];
}

const CASES: Case[] = [
  // pattern
  { schema: { type: 'string', pattern: '^[a-z]+$' }, valid: ['abc'], invalid: ['""', '"aB"', '"a1"'] },
  { schema: { type: 'string', pattern: 'red|blue|green|white' }, valid: ['red', 'xbluey', 'white'], invalid: ['"x"', '""'] },
  { schema: { type: 'string', pattern: '^\\d{3}-\\d{4}$' }, valid: ['555-1234'], invalid: ['"5551234"', '"55-1234"'] },
  { schema: { type: 'string', pattern: '^[A-Z]{2}\\s?\\d{2,4}$' }, valid: ['AB12', 'AB 123', 'AB\t1234'], invalid: ['"AB1"'] },
  { schema: { type: 'string', pattern: '^a"b\\\\c$' }, valid: ['a"b\\c'], invalid: ['"a\\"bc"'] },
  { schema: { type: 'string', pattern: '^[^a]$' }, valid: ['b', '"', '\\'], invalid: ['"a"'] },
  { schema: { type: 'string', pattern: '^\\n\\u00e9.$' }, valid: ['\néx'], invalid: ['"\\né\\n"'] },
  { schema: { type: 'string', pattern: '^(?:[a-f0-9]{2}:){2}[a-f0-9]{2}$' }, valid: ['0a:1b:ff'], invalid: ['"0a:1b"'] },
  { schema: { type: 'string', pattern: '^$' }, valid: [''], invalid: ['"a"'] },
  { schema: { type: 'string', pattern: '^(?=a)a$' }, valid: ['a'], invalid: ['"b"'], unenforced: ['#/pattern'] },
  { schema: { type: 'string', pattern: '^(?=.*\\d)[a-z0-9]{3}\\b$' }, valid: ['a1b', 'abc'], invalid: ['"abcd"', '"AB1"'], unenforced: ['#/pattern'] },
  { schema: { type: 'string', pattern: '^(a)\\1$' }, valid: ['aa', 'ab'], invalid: ['"b"'], unenforced: ['#/pattern'] },
  { schema: { type: 'string', pattern: '^\\w+@\\w+\\.com$', minLength: 8 }, valid: ['ab@cd.com'], unenforced: ['#/minLength'] },
  // string lengths and formats
  { schema: { type: 'string', minLength: 2, maxLength: 3 }, valid: ['ab', 'abc', 'é€😀'], invalid: ['"a"', '"abcd"'] },
  { schema: { type: 'string', format: 'date-time' }, valid: ['2024-02-28T10:00:00Z', '1999-12-31T23:59:59.5+01:00'], invalid: ['"2024-02-30T10:00:00Z"'] },
  { schema: { type: 'string', format: 'date' }, valid: ['2024-04-30'], invalid: ['"2024-04-31"', '"2024-13-01"'] },
  { schema: { type: 'string', format: 'email' }, valid: ['a.b@example.com'], invalid: ['"ab"'] },
  { schema: { type: 'string', format: 'uuid' }, valid: ['123e4567-e89b-12d3-a456-426614174000'], invalid: ['"123"'] },
  { schema: { type: 'string', format: 'ipv4' }, valid: ['192.168.0.255'], invalid: ['"256.1.1.1"'] },
  { schema: { type: 'string', format: 'uri' }, valid: ['x'], unenforced: ['#/format'] },
  { schema: { type: 'string', format: 'enum' }, valid: ['x'] },
  // integers
  { schema: { type: 'integer', minimum: 0, maximum: 120 }, valid: [0, 5, 99, 120], invalid: ['121', '-1', '007', '1.5'] },
  { schema: { type: 'integer', minimum: -5 }, valid: [-5, 0, 12345], invalid: ['-6', '-10'] },
  { schema: { type: 'integer', exclusiveMaximum: 10 }, valid: [9, -1000], invalid: ['10', '11'] },
  { schema: { type: 'integer', minimum: 1.5, maximum: 3.5 }, valid: [2, 3], invalid: ['1', '4'] },
  { schema: { type: 'integer', minimum: 3, exclusiveMinimum: true }, valid: [4], invalid: ['3'] },
  { schema: { type: 'integer', format: 'int32' }, valid: [2147483647, -2147483648], invalid: ['2147483648'] },
  { schema: { type: 'integer', multipleOf: 5 }, valid: [10], unenforced: ['#/multipleOf'] },
  // numbers
  { schema: { type: 'number', minimum: 1, maximum: 10 }, valid: [1, 1.5, 9.99, 10], raw: ['10.0'], invalid: ['10.5', '0.5', '11', '1e1'] },
  { schema: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, valid: [0.5, 0.001], invalid: ['0', '1', '0.0', '1.5'] },
  { schema: { type: 'number', minimum: -10, exclusiveMaximum: -2 }, valid: [-10, -2.5], invalid: ['-2', '-10.5', '0'] },
  { schema: { type: 'number', minimum: -2.5, maximum: 2.5 }, valid: [0, -2, 2.4], invalid: ['3.5'], unenforced: ['#/minimum', '#/maximum'] },
  { schema: { type: 'number' }, valid: [1, -0.5, 1e-5], raw: ['1E+10'], invalid: ['1e100', 'Infinity'] },
  // objects
  {
    schema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'], additionalProperties: false },
    valid: [{ a: 'x', b: 1 }], invalid: ['{"a":"x"}', '{"b":1,"a":"x"}', '{"a":"x","b":1,"c":2}'],
  },
  {
    schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'integer' }, maxProperties: 2 },
    valid: [{ a: 'x' }, { a: 'x', b: 1 }], invalid: ['{"a":"x","a":1}', '{"a":"x","b":"y"}', '{"a":"x","b":1,"c":2}'],
  },
  { schema: { type: 'object', properties: { b: { type: 'null' }, a: { type: 'boolean' } }, propertyOrdering: ['a', 'b'] }, valid: [{ a: true, b: null }], invalid: ['{"b":null,"a":true}'] },
  { schema: { type: 'object' }, valid: [{}, { a: [1, { b: null }] }], invalid: ['[]'] },
  { schema: { type: 'object', properties: { 'a"b': { type: 'integer' }, ab: { type: 'null' } }, additionalProperties: { type: 'boolean' } }, valid: [{ 'a"b': 1, ab: null }, { 'a"b': 1, ab: null, c: true }], invalid: ['{"a\\"b":1,"ab":null,"ab":true}'] },
  { schema: { type: 'object', properties: { a: { type: 'string', nullable: true } } }, valid: [{ a: null }, { a: 'x' }] },
  // arrays
  { schema: { type: 'array', items: { type: 'boolean' }, minItems: 1, maxItems: 2 }, valid: [[true], [true, false]], invalid: ['[]', '[true,true,true]'] },
  { schema: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }, valid: [['a', 1]], invalid: ['["a"]', '["a",1,2]'] },
  { schema: { type: 'array', items: [{ type: 'string' }], additionalItems: { type: 'integer' } }, valid: [['a'], ['a', 1, 2]], invalid: ['["a","b"]'] },
  { schema: { type: 'array', items: { type: 'integer' }, uniqueItems: true }, valid: [[1, 2]], unenforced: ['#/uniqueItems'] },
  // combinations and references
  { schema: { anyOf: [{ type: 'string' }, { type: 'null' }] }, valid: ['a', null], invalid: ['1'] },
  { schema: { oneOf: [{ type: 'integer', maximum: 0 }, { type: 'integer', minimum: 10 }] }, valid: [-1, 10], invalid: ['5'] },
  { schema: { type: ['integer', 'null'], minimum: 0, maximum: 1 }, valid: [0, 1, null], invalid: ['2'] },
  { schema: { type: ['string', 'number', 'null'] }, valid: ['a', 1.5, null], invalid: ['true'] },
  {
    schema: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { properties: { b: { type: 'integer', minimum: 0 } }, required: ['b'] }] },
    valid: [{ a: 'x', b: 1 }], invalid: ['{"a":"x","b":-1}'],
  },
  {
    schema: { $defs: { n: { type: 'object', properties: { v: { type: 'integer' }, next: { anyOf: [{ $ref: '#/$defs/n' }, { type: 'null' }] } }, required: ['v'] } }, $ref: '#/$defs/n' },
    valid: [{ v: 1 }, { v: 1, next: { v: 2, next: null } }], invalid: ['{"next":null}'],
  },
  { schema: { type: 'object', properties: { p: { $ref: '#/definitions/p' } }, definitions: { p: { type: 'string', enum: ['x', 'y'] } } }, valid: [{ p: 'x' }], invalid: ['{"p":"z"}'] },
  {
    schema: { type: 'object', properties: { tree: { $ref: '#' }, leaf: { type: 'integer', minimum: 0, maximum: 9 } }, required: ['leaf'] },
    valid: [{ leaf: 1 }, { tree: { leaf: 2 }, leaf: 3 }],
  },
  { schema: { $ref: '#/$defs/s', $defs: { s: { type: 'string' } }, maxLength: 2 }, valid: ['ab'], invalid: ['"abc"'] },
  { schema: { const: { a: [1, 2] } }, valid: [{ a: [1, 2] }], invalid: ['{"a":[1]}'] },
  { schema: { type: 'string', enum: ['a', 'b "c"', 1] }, valid: ['a', 'b "c"'], invalid: ['1', '"c"'] },
  { schema: { type: 'string', not: { const: 'x' } }, valid: ['y'], unenforced: ['#/not'] },
  { schema: {}, valid: [1, 'a', { b: [null] }] },
  // what recorded Gemini traffic sends (a parametersJsonSchema and a responseJsonSchema)
  {
    schema: {
      $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false, required: ['text', 'color'], type: 'object',
      properties: { color: { pattern: 'red|blue|green|white', type: 'string' }, text: { type: 'string' } },
    },
    valid: [{ color: 'blue', text: 'hello' }], invalid: ['{"color":"pink","text":"x"}'],
  },
  {
    schema: {
      type: 'object', additionalProperties: false,
      properties: {
        numberWithMinMax: { maximum: 10, minimum: 1, type: 'number' },
        stringDatatime: { format: 'date-time', type: 'string' },
        stringWithLength: { maxLength: 10, minLength: 1, type: 'string' },
        unionField: { type: ['string', 'number'] },
        nullableArrayField: { anyOf: [{ items: { type: 'string' }, type: 'array' }, { type: 'null' }] },
      },
    },
    valid: [{ numberWithMinMax: 5.5, stringDatatime: '2025-10-24T07:45:06Z', stringWithLength: 'abc', unionField: 3, nullableArrayField: null }],
    invalid: ['{"numberWithMinMax":11,"stringDatatime":"2025-10-24T07:45:06Z","stringWithLength":"abc","unionField":3,"nullableArrayField":null}'],
  },
];

describe('convertJsonSchemaToGbnf', () => {
  let llama: Llama;
  before(async () => { llama = await getSharedLlama(); });

  for (const c of CASES) {
    it(JSON.stringify(c.schema).slice(0, 120), async () => {
      const g = convertJsonSchemaToGbnf(c.schema);
      assert.deepEqual([...g.unenforced].sort(), [...(c.unenforced ?? [])].sort(), 'unenforced');
      const grammar = await llama.createGrammar({ grammar: g.gbnf, rootRuleName: g.root });
      const accepts = (text: string) => (grammar as unknown as { _testText(t: string): boolean })._testText(text);
      for (const v of c.valid ?? []) assert.ok(accepts(JSON.stringify(v)), `accepts ${JSON.stringify(v)}\n${g.gbnf}`);
      for (const t of c.raw ?? []) assert.ok(accepts(t), `accepts ${t}`);
      for (const t of c.invalid ?? []) assert.ok(!accepts(t), `refuses ${t}\n${g.gbnf}`);

      const validate = compileJsonSchemaValidator(c.schema);
      const rules = parseGbnf(g.gbnf);
      const random = seededRandom(CASES.indexOf(c) + 1);
      const pattern = typeof c.schema.pattern === 'string' ? new RegExp(c.schema.pattern, 'u') : undefined;
      for (let i = 0; i < 150; i++) {
        const text = sampleGbnf(rules, random, g.root);
        assert.ok(accepts(text), `llama.cpp accepts the sample ${JSON.stringify(text)}`);
        const value = JSON.parse(text) as unknown;
        if (!c.unenforced?.length) assert.equal(validate(value), undefined, `valid: ${text}`);
        if (pattern && !c.unenforced?.includes('#/pattern')) assert.match(value as string, pattern);
      }
    });
  }

  it('prefixes every rule name when asked (for splicing into another grammar)', () => {
    const g = convertJsonSchemaToGbnf({ type: 'object', properties: { x: { type: 'integer' }, s: { type: 'string', pattern: '^a$' } } }, { prefix: 'gs-' });
    assert.equal(g.root, 'gs-root');
    for (const line of g.gbnf.trim().split('\n')) assert.match(line, /^gs-[a-zA-Z0-9-]+ ::= /);
    for (const name of g.gbnf.match(/(?<![\w"\\-])[a-z][a-z0-9-]*(?=[\s)*+?{]|$)/gm) ?? []) {
      if (!['gs'].includes(name)) assert.ok(g.gbnf.includes(`${name} ::= `) || name.startsWith('gs-'), name);
    }
  });

  it('a left-recursive reference is an error (the API refuses such schemas first)', () => {
    assert.throws(() => convertJsonSchemaToGbnf({ anyOf: [{ $ref: '#' }, { type: 'string' }] }), /refers back to itself/);
  });
});
