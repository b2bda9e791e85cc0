/**
 * Holds the layering of ARCHITECTURE.md: dependencies point inward.
 * http -> convert, core, gateway, engines(only via factories in config) ; engines -> core ;
 * nothing imports http (but cli, which composes the app); core imports no engine.
 */
module.exports = {
  forbidden: [
    { name: 'nothing-imports-http', severity: 'error',
      from: { path: '^src/', pathNot: '^src/(http|cli|console)/' }, to: { path: '^src/http/' } },
    { name: 'core-is-engine-neutral', severity: 'error',
      from: { path: '^src/core/' }, to: { path: '^src/(engines|http|convert|gateway|storage|config|cli|console)/' } },
    { name: 'api-types-import-nothing-local', severity: 'error',
      from: { path: '^src/api/' }, to: { path: '^src/(?!api/)' } },
    { name: 'engines-see-only-core', severity: 'error',
      from: { path: '^src/engines/' }, to: { path: '^src/(api|http|convert|gateway|config|cli|console)/' } },
    { name: 'convert-is-pure', severity: 'error',
      from: { path: '^src/convert/' }, to: { path: '^src/(engines|http|gateway|storage|config|cli|console)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
