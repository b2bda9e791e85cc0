/**
 * Holds the layering of ARCHITECTURE.md: dependencies point inward.
 * http, batch, cli -> generation -> convert, core, gateway, storage, media ; engines -> core ;
 * media -> convert, core, api (the I/O step between parsing and conversion) ;
 * storage -> core ; sandbox -> core ;
 * nothing imports http (but cli, which composes the app); http imports no engine; core imports no engine.
 */
module.exports = {
  forbidden: [
    { name: 'nothing-imports-http', severity: 'error',
      from: { path: '^src/', pathNot: '^src/(http|cli|console)/' }, to: { path: '^src/http/' } },
    { name: 'core-is-engine-neutral', severity: 'error',
      from: { path: '^src/core/' }, to: { path: '^src/(engines|http|convert|media|gateway|storage|config|cli|console)/' } },
    { name: 'api-types-import-nothing-local', severity: 'error',
      from: { path: '^src/api/' }, to: { path: '^src/(?!api/)' } },
    { name: 'engines-see-only-core', severity: 'error',
      from: { path: '^src/engines/' }, to: { path: '^src/(api|http|convert|media|gateway|config|cli|console)/' } },
    { name: 'convert-is-pure', severity: 'error',
      from: { path: '^src/convert/' }, to: { path: '^src/(engines|http|gateway|storage|config|cli|console|media)/' } },
    // The media step does I/O (decoders, the recogniser, Files) between parsing and conversion:
    // it sees wire types, core and the converters' types; the Files service reaches it as a
    // function (media/resolve-file-data.ts), and engines only through their capabilities.
    { name: 'media-sits-below-http', severity: 'error',
      from: { path: '^src/media/' }, to: { path: '^src/(http|engines|gateway|storage|config|cli|console)/' } },
    { name: 'storage-sees-only-core', severity: 'error',
      from: { path: '^src/storage/' }, to: { path: '^src/(?!storage/|core/)' } },
    // The code-execution sandbox runs untrusted Python through bubblewrap: a leaf beside the
    // engines that knows nothing of wire types or HTTP.
    { name: 'sandbox-sees-only-core', severity: 'error',
      from: { path: '^src/sandbox/' }, to: { path: '^src/(?!sandbox/|core/)' } },
    // Gateway policy (keys, limits, usage, cache, metrics) with its stores: it sees core, storage and wire types.
    { name: 'gateway-sees-core-and-storage', severity: 'error',
      from: { path: '^src/gateway/' }, to: { path: '^src/(http|convert|media|engines|config|cli|console|sandbox)/' } },
    // The generation pipeline is transport-free: HTTP, the Batch worker, the CLI (and the Live
    // API) call it; it knows none of them, and reaches engines only through core's Engine spec.
    { name: 'generation-is-transport-free', severity: 'error',
      from: { path: '^src/generation/' }, to: { path: '^src/(http|batch|live|cli|console|config|engines|sandbox)/' } },
    // HTTP is a thin adapter: parse, call the generation service, write. Engines are built by the CLI.
    { name: 'http-imports-no-engine', severity: 'error',
      from: { path: '^src/http/' }, to: { path: '^src/(engines|sandbox|config)/' } },
    // The Batch API's worker runs each request through the generation service, never through HTTP.
    { name: 'batch-calls-generation-not-http', severity: 'error',
      from: { path: '^src/batch/' }, to: { path: '^src/(http|live|cli|console|config|engines|sandbox)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
