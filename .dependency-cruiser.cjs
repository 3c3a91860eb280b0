/**
 * The layers of src/, bottom first: a folder may import only folders on lower rows (and itself),
 * so the folders form a DAG and no folder reaches itself through imports. Folders on one row
 * are peers and do not import each other. Type-only imports are not counted. `npm run check:layers`
 * (part of `npm test`) enforces it; the README's "Where things live" says what each folder is for.
 */
const LAYERS = [
  ['core'],
  ['query-limits'],
  ['db'],
  ['relay'],
  ['changefeed'],
  ['access'],
  ['customers'],
  ['timeline'],
  ['preferences'],
  ['cases'],
  ['insights'],
  ['metrics'],
  ['ingest', 'merges', 'search', 'privacy'],
  ['realtime'],
  ['seed'],
  ['server'],
  ['cli'],
];

const folders = LAYERS.flat();
const rank = new Map(LAYERS.flatMap((row, i) => row.map((folder) => [folder, i])));

const layerRules = folders.map((folder) => {
  const notBelow = folders.filter((other) => other !== folder && rank.get(other) >= rank.get(folder));
  return {
    name: `layer-${folder}`,
    comment: `src/${folder} may import only folders below it: ${folders.filter((f) => rank.get(f) < rank.get(folder)).join(', ') || 'none'}.`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: `^src/(${notBelow.join('|')})/`, dependencyTypesNot: ['type-only'] },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-unknown-folder',
      comment: `Every folder of src/ has a place in the layers: ${folders.join(', ')}.`,
      severity: 'error',
      from: { path: `^src/(?!(${folders.join('|')})/)` },
      to: {},
    },
    {
      name: 'no-module-cycles',
      comment: 'No module reaches itself through imports.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'src-not-from-tests-or-benches',
      comment: 'The product does not import its tests or benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^(src|test|bench|migrations)/',
  },
};
