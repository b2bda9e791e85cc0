/**
 * `docs/errors.md`, generated from the error catalog (src/core/errors.ts): every code with its
 * HTTP and Google status, user-or-system kind, retryable flag, when it is used, and the messages
 * its factories build. Pure: the page is a function of the catalog and the factory examples.
 */
import {
  ERROR_CATALOG, FROM_UPSTREAM, GOOGLE_STATUS_HTTP, type ErrorSpec, type GemserveError,
} from '../../src/core/errors.js';
import { ERROR_EXAMPLES } from './error-examples.js';
import { code, codeBlock, generatedNotice, table } from './markdown.js';

/** What the page is made from; the defaults are gemserve's own catalog and examples. */
export interface ErrorsPageSource {
  catalog?: Readonly<Record<string, ErrorSpec>>;
  /** One example call per factory name. */
  examples?: Readonly<Record<string, () => GemserveError>>;
}

const TYPE_PREFIX = 'type.googleapis.com/';

function httpOf(spec: ErrorSpec): string {
  return spec.status === FROM_UPSTREAM ? "upstream's" : String(GOOGLE_STATUS_HTTP[spec.status]);
}

function statusOf(spec: ErrorSpec): string {
  return spec.status === FROM_UPSTREAM ? "upstream's" : code(spec.status);
}

function retryableOf(spec: ErrorSpec): string {
  if (typeof spec.retryable === 'boolean') return spec.retryable ? 'yes' : 'no';
  return `when ${spec.retryable.map(code).join(' or ')}`;
}

/** GitHub's heading anchor for a heading that is just the code in backticks. */
function anchor(c: string): string {
  return `#${c.toLowerCase()}`;
}

function factoryExample(name: string, e: GemserveError): string {
  const lines = [`From ${code(`Errors.${name}`)}:`, '', codeBlock(e.message, 'text')];
  const extras: string[] = [];
  if (e.details.length > 0) extras.push(`details ${e.details.map((d) => code(d['@type'].replace(TYPE_PREFIX, ''))).join(', ')}`);
  const headers = Object.keys(e.headers);
  if (headers.length > 0) extras.push(`${headers.length > 1 ? 'headers' : 'header'} ${headers.map(code).join(', ')}`);
  if (extras.length > 0) lines.push('', `With ${extras.join('; ')}.`);
  return lines.join('\n');
}

/** Renders `docs/errors.md`. Throws when a code has no factory to show its message. */
export function renderErrorsPage(source: ErrorsPageSource = {}): string {
  const catalog: Readonly<Record<string, ErrorSpec>> = source.catalog ?? ERROR_CATALOG;
  const examples = source.examples ?? ERROR_EXAMPLES;
  const byCode = new Map<string, Array<[string, GemserveError]>>();
  for (const [name, make] of Object.entries(examples)) {
    const e = make();
    byCode.set(e.code, [...(byCode.get(e.code) ?? []), [name, e]]);
  }
  const codes = Object.keys(catalog);
  const summary = table(
    ['Code', 'HTTP', 'Google status', 'Kind', 'Retryable'],
    codes.map((c) => {
      const spec = catalog[c];
      return [`[${code(c)}](${anchor(c)})`, httpOf(spec), statusOf(spec), spec.kind, retryableOf(spec)];
    }),
  );
  const sections = codes.map((c) => {
    const spec = catalog[c];
    const made = byCode.get(c);
    if (!made) throw new Error(`error code ${c} has no factory in Errors (or no example in scripts/docs/error-examples.ts)`);
    const http = spec.status === FROM_UPSTREAM ? "The upstream's HTTP status and Google status" : `HTTP ${httpOf(spec)} ${statusOf(spec)}`;
    const retry = typeof spec.retryable === 'boolean' ? (spec.retryable ? 'retryable' : 'not retryable') : `retryable ${retryableOf(spec)}`;
    return [
      `### ${code(c)}`,
      '',
      `${http} · ${spec.kind} error · ${retry}`,
      '',
      spec.description,
      '',
      made.map(([name, e]) => factoryExample(name, e)).join('\n\n'),
    ].join('\n');
  });
  const statuses = table(
    ['Google status', 'HTTP'],
    (Object.entries(GOOGLE_STATUS_HTTP) as Array<[string, number]>).map(([s, http]) => [code(s), String(http)]),
  );
  return [
    generatedNotice('src/core/errors.ts'),
    '',
    '# Errors',
    '',
    "Every error gemserve answers with has the shape of Google's (a `google.rpc.Status` as JSON,",
    'https://cloud.google.com/apis/design/errors): `code` is the HTTP status, `status` the canonical',
    'status name, `details` (when there are any) typed objects such as `google.rpc.BadRequest`.',
    'A stream that fails after it started sends the same object as its last event.',
    '',
    codeBlock(JSON.stringify({ error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } }), 'json'),
    '',
    'Each error also has a stable gemserve **code**, listed below. Google\'s body has no field for it,',
    'so clients do not see it; usage records carry it as `errorCode`, and it never changes meaning.',
    '',
    '- **Kind**: `user` when the request is at fault (change it before sending it again); `system` when',
    '  gemserve, an engine or an upstream is.',
    '- **Retryable**: whether the same request may succeed if sent again later.',
    '- **Messages** are shown as the factories in `src/core/errors.ts` build them. Words in',
    '  `<angle brackets>` stand for the values of each case; a delay in a message is an example value.',
    '',
    '## Summary',
    '',
    summary,
    '',
    '## Codes',
    '',
    sections.join('\n\n'),
    '',
    '## Google statuses and HTTP',
    '',
    "The HTTP status that goes with each canonical status, as Google maps them (`google/rpc/code.proto`",
    'in googleapis/googleapis).',
    '',
    statuses,
    '',
  ].join('\n');
}
