/**
 * One example call of every `Errors.*` factory, with the varying parts as `<placeholders>`, so
 * `docs/errors.md` shows each message as the factory really builds it (texts are written once,
 * in src/core/errors.ts). Typed by the factory names: a new factory without an example here does
 * not compile.
 */
import { Errors, type GemserveError } from '../../src/core/errors.js';

/** A `<name>` placeholder where the factory takes any value; it only ends up in the message. */
const p = (name: string): never => `<${name}>` as never;

/** Every factory by name, called once. Values that the message computes from are real examples. */
export const ERROR_EXAMPLES: { readonly [F in keyof typeof Errors]: () => GemserveError } = {
  invalidArgument: () => Errors.invalidArgument(p('what is wrong'), p('field')),
  malformedJson: () => Errors.malformedJson(p('parser error')),
  unknownFields: () => Errors.unknownFields([
    { field: '', description: 'Invalid JSON payload received. Unknown name "gene,rationConfig": Cannot find field.' },
    { field: 'generation_config', description: 'Invalid JSON payload received. Unknown name "max_tokens" at \'generation_config\': Cannot find field.' },
  ]),
  payloadTooLarge: () => Errors.payloadTooLarge(p('body limit')),
  modelNotFound: () => Errors.modelNotFound(p('model'), p('api version'), p('method')),
  notFound: () => Errors.notFound(p('path')),
  invalidMedia: () => Errors.invalidMedia(p('field'), p('reason')),
  mediaToolMissing: () => Errors.mediaToolMissing(p('field'), p('what'), p('tool'), p('packages')),
  capabilityUnsupported: () => Errors.capabilityUnsupported(p('model'), p('capability')),
  hostedToolUnsupported: () => Errors.hostedToolUnsupported(p('tool')),
  originNotAllowed: () => Errors.originNotAllowed(p('origin')),
  hostNotAllowed: () => Errors.hostNotAllowed(p('host')),
  apiKeyMissing: () => Errors.apiKeyMissing(),
  apiKeyInvalid: () => Errors.apiKeyInvalid(),
  jwtKeysUnavailable: () => Errors.jwtKeysUnavailable(5000),
  // The delay is formatted from milliseconds, so it is an example value: 23 s.
  quotaExceeded: () => Errors.quotaExceeded(
    [{ quotaMetric: p('quota metric'), quotaId: p('quota id'), model: p('model'), limit: p('limit') }],
    23_000,
  ),
  storageQuotaExceeded: () => Errors.storageQuotaExceeded(21_474_836_480, 'FileStorageBytesPerProject'),
  modelNotAllowed: () => Errors.modelNotAllowed(p('model')),
  adminUnauthenticated: () => Errors.adminUnauthenticated(),
  keyNotFound: () => Errors.keyNotFound(p('key id')),
  keyRevoked: () => Errors.keyRevoked(p('key id')),
  overloaded: () => Errors.overloaded(),
  modelUnavailable: () => Errors.modelUnavailable(p('model'), p('reason')),
  deadlineExceeded: () => Errors.deadlineExceeded(),
  cancelled: () => Errors.cancelled(),
  internal: () => Errors.internal(),
  modelGetNotFound: () => Errors.modelGetNotFound(p('model'), p('api version')),
  cachedContentNotFound: () => Errors.cachedContentNotFound(),
  cachedContentConflict: () => Errors.cachedContentConflict(),
  cachedContentModelMismatch: () => Errors.cachedContentModelMismatch(p('request model'), p('cache model')),
  cachedContentTooSmall: () => Errors.cachedContentTooSmall(p('tokens'), p('minimum')),
  fileNotFound: () => Errors.fileNotFound(p('file id')),
  batchNotFound: () => Errors.batchNotFound(),
  fileAlreadyExists: () => Errors.fileAlreadyExists(p('name')),
  uploadNotFound: () => Errors.uploadNotFound(),
  uploadRejected: () => Errors.uploadRejected(p('what is wrong with the chunk'), p('bytes received')),
  notReady: () => Errors.notReady(),
  badModelFile: () => Errors.badModelFile(p('path'), p('reason')),
  upstreamRejected: () => Errors.upstreamRejected(p('upstream status'), p("upstream's message")),
  upstreamUnavailable: () => Errors.upstreamUnavailable(p('upstream'), p('reason')),
  upstreamTimeout: () => Errors.upstreamTimeout(p('upstream'), p('timeout')),
  upstreamMalformed: () => Errors.upstreamMalformed(p('upstream'), p('reason')),
  upstreamLimitation: () => Errors.upstreamLimitation(p('upstream'), p('reason')),
  // The pause is rounded up to whole seconds, so it is an example value: 30 s.
  circuitOpen: () => Errors.circuitOpen(p('upstream'), 30_000),
};
