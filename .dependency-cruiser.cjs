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
  ['ingest', 'merges', 'search', 'privacy', 'webhooks'],
  ['realtime'],
  ['seed'],
  ['server'],
  ['cli'],
];

/** The agent console's folders, bottom first, by the same rule; main.tsx sits on top of them all. */
const CONSOLE_LAYERS = [['ui', 'api'], ['session'], ['timeline'], ['cases'], ['customers', 'metrics'], ['app']];

function rulesFor(root, layers) {
  const names = layers.flat();
  const rankOf = new Map(layers.flatMap((row, i) => row.map((folder) => [folder, i])));
  return names.map((folder) => {
    const notBelow = names.filter((other) => other !== folder && rankOf.get(other) >= rankOf.get(folder));
    return {
      name: `layer-${root.replace(/\//g, '-')}${folder}`,
      comment: `${root}${folder} may import only folders below it: ${names.filter((f) => rankOf.get(f) < rankOf.get(folder)).join(', ') || 'none'}.`,
      severity: 'error',
      from: { path: `^${root}${folder}/` },
      to: { path: `^${root}(${notBelow.join('|')})/`, dependencyTypesNot: ['type-only'] },
    };
  });
}

const folders = LAYERS.flat();
const layerRules = [...rulesFor('src/', LAYERS), ...rulesFor('console/src/', CONSOLE_LAYERS)];

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
      from: { path: '^(src|console/src)/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'console-through-the-public-api',
      comment: 'The console is a client like any other: it reaches the server only through GraphQL, never by importing it.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(src|test|bench|migrations)/' },
    },
    {
      name: 'no-unknown-console-folder',
      comment: `Every folder of console/src/ has a place in its layers: ${CONSOLE_LAYERS.flat().join(', ')}.`,
      severity: 'error',
      from: { path: `^console/src/(?!(${CONSOLE_LAYERS.flat().join('|')})/)[^/]+/` },
      to: {},
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
    includeOnly: '^(src|test|bench|migrations|console/src)/',
  },
};
