/**
 * The engines part of `docs/configuration.md`, generated from the engine descriptors
 * (src/engines/engine-descriptors.ts): per engine kind its summary and a table of the fields a
 * config file may set, with type, required or default, and help; nested objects (`retry`,
 * `breaker`, `capabilities`) as dotted rows under their own. Pure: a function of the descriptors.
 */
import type { ConfigField, ConfigFields } from '../../src/core/config-fields.js';
import type { EngineDescriptor } from '../../src/core/engine-descriptor.js';
import { cell, code, table } from './markdown.js';

/** What the section reads of a descriptor (its factory plays no part). */
export type DescribedEngine = Pick<EngineDescriptor, 'kind' | 'summary' | 'fields'>;

/** A field's type as a reader of the config file needs it, in Markdown. */
function typeOf(field: ConfigField): string {
  const range = (min: number, max?: number) => (max === undefined ? `integer ≥ ${min}` : `integer ${min}–${max}`);
  switch (field.type) {
    case 'text':
      if (field.anchor === 'path') return 'path';
      return field.anchor === 'model' ? 'path or pulled model name' : 'text';
    case 'integer': return range(field.min, field.max);
    case 'auto-or-integer': return `${code('auto')} or ${range(field.min, field.max)}`;
    case 'boolean': return 'boolean';
    case 'http-url': return 'http(s) URL';
    case 'word-list': return `list of ${field.words.map(code).join(', ')}`;
    case 'word': return `one of ${field.words.map(code).join(', ')}`;
    case 'object': return 'object';
  }
}

/** "required", the default as the descriptor words it, or (an object) its keys' own defaults. */
function requiredOrDefault(field: ConfigField): string {
  if (field.required) return '**required**';
  if (field.type === 'object') return '—';
  return field.default === undefined ? 'none' : cell(field.default);
}

/** A path note added to the help, as the settings table adds it (src/config/engine-config.ts anchors them). */
function helpOf(field: ConfigField): string {
  const note = field.type !== 'text' || !field.anchor ? ''
    : field.anchor === 'path' ? ' A relative path is taken from the config file\'s folder.'
      : ' A relative path is taken from the config file\'s folder; a bare name is looked up in the pull cache.';
  return cell(field.help) + note;
}

/** Table rows of `fields` the config file may set, nested objects' keys after their object as `parent.key`. */
function rowsOf(fields: ConfigFields, prefix = ''): string[][] {
  return Object.entries(fields).flatMap(([name, field]) => {
    if (field.notInConfigFile) return [];
    const row = [code(prefix + name), typeOf(field), requiredOrDefault(field), helpOf(field)];
    return field.type === 'object' ? [row, ...rowsOf(field.fields, `${prefix}${name}.`)] : [row];
  });
}

/** One engine kind: heading, summary, its fields, and the ones gemserve sets itself. */
function engineSection(d: DescribedEngine): string {
  const programSet = Object.entries(d.fields).filter(([, f]) => f.notInConfigFile);
  return [
    `### ${code(d.kind)}`,
    '',
    cell(d.summary),
    '',
    table(['Field', 'Type', 'Required or default', 'Description'], rowsOf(d.fields)),
    ...(programSet.length === 0 ? [] : [
      '',
      'Set by gemserve, not in the config file:',
      '',
      ...programSet.map(([name, f]) => `- ${code(name)}: ${cell(f.help)}`),
    ]),
  ].join('\n');
}

/** The sections of every kind, after a paragraph on what they have in common. */
export function renderEnginesSection(descriptors: readonly DescribedEngine[]): string {
  // A nested field of the descriptors themselves, to show how dotted names are written.
  const nested = descriptors.flatMap((d) => Object.entries(d.fields)).find(([, f]) => f.type === 'object' && !f.notInConfigFile);
  const key = nested?.[1].type === 'object' ? Object.keys(nested[1].fields)[0] : undefined;
  return [
    `Each engine has a ${code('kind')}, one of ${descriptors.map((d) => code(d.kind)).join(', ')}, and the fields of its kind below.`,
    ...(nested && key ? [`A dotted field is a key of an object: ${code(`${nested[0]}.${key}`)} is written ${code(`"${nested[0]}": {"${key}": …}`)}.`] : []),
    'An unknown field, or a missing required one, stops gemserve with a message naming the engine and the field.',
    '',
    descriptors.map(engineSection).join('\n\n'),
  ].join('\n');
}
