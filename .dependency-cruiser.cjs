// The rooms of source/ and what each may import, checked by `npm run lint` (depcruise).
// The rules are read from the rooms table of docs/ARCHITECTURE.md, so the document is the
// rule: its row order is the direction (a room imports only rooms listed below it) and its
// last column is what a room may import. A folder of source/ that the table does not list
// stops the check, naming it.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ARCHITECTURE = join(__dirname, 'docs', 'ARCHITECTURE.md');
const EVERY_ROOM_BELOW = 'every room below';

/** The rooms table: [{ room, imports }] in the document's order, top room first. */
function roomsTable() {
  const rows = [];
  for (const line of readFileSync(ARCHITECTURE, 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const room = /^`([a-z][a-z0-9-]*)\/`$/.exec(cells[1] ?? '')?.[1];
    if (room && cells.length === 5) rows.push({ room, importsCell: cells[3] });
  }
  if (rows.length === 0)
    throw new Error(`${ARCHITECTURE}: no rooms table (| \`room/\` | holds | imports |)`);
  const order = rows.map((row) => row.room);
  return rows.map(({ room, importsCell }, index) => {
    const below = order.slice(index + 1);
    const named = [...importsCell.matchAll(/`([a-z][a-z0-9-]*)\/`/g)].map((match) => match[1]);
    const imports = importsCell.includes(EVERY_ROOM_BELOW) ? below : named;
    for (const name of named)
      if (!below.includes(name))
        throw new Error(`${ARCHITECTURE}: ${room}/ lists ${name}/, which is not a room below it`);
    return { room, imports, above: order.slice(0, index) };
  });
}

const rooms = roomsTable();
const known = new Set(rooms.map((row) => row.room));
const sourceDir = join(process.cwd(), 'source');
for (const entry of readdirSync(sourceDir, { withFileTypes: true }))
  if (entry.isDirectory() && !known.has(entry.name))
    throw new Error(
      `source/${entry.name}/ is not a room of docs/ARCHITECTURE.md: add its row to the rooms table`,
    );

// One comment per rule name: depcruise shows the first rule's comment for every violation.
const BACK_ARROW =
  'An import up the rooms table of docs/ARCHITECTURE.md: a room imports only rooms listed below it. Move the code down, or what it needs.';
const ROOM_IMPORTS =
  "A room its row in docs/ARCHITECTURE.md does not name: if the import is right, name the room in the row's last column.";

const anyOf = (names) => `^source/(${names.join('|')})/`;

const forbidden = [
  {
    name: 'no-circular',
    comment:
      'An import cycle: docs/ARCHITECTURE.md allows none. Move what both sides need into one file they both import.',
    severity: 'error',
    from: { path: '^source/' },
    to: { circular: true },
  },
  ...rooms
    .filter((row) => row.above.length > 0)
    .map(({ room, above }) => ({
      name: 'no-back-arrow',
      comment: BACK_ARROW,
      severity: 'error',
      from: { path: `^source/${room}/` },
      to: { path: anyOf(above) },
    })),
  ...rooms.map(({ room, imports }) => ({
    name: 'room-imports',
    comment: ROOM_IMPORTS,
    severity: 'error',
    from: { path: `^source/${room}/` },
    to: {
      path: '^source/[^/]+/',
      pathNot: [`^source/${room}/`, ...(imports.length ? [anyOf(imports)] : [])],
    },
  })),
  {
    name: 'only-ui-draws',
    comment:
      'React and Ink belong to source/ui/ (and the console entry point that loads its bundle): the engine stays free of them.',
    severity: 'error',
    from: { path: '^source/', pathNot: ['^source/ui/', '^source/cli/nebula-tui[.]ts$'] },
    to: {
      path: '(^|/)(node_modules/)?(react|react-dom|ink|ink-[a-z-]+|@alcalzone/ink-table)(/|$)|#ui-vendor|source/ui/vendor',
    },
  },
  {
    name: 'source-not-test',
    comment: 'Source never imports from test/.',
    severity: 'error',
    from: { path: '^source/' },
    to: { path: '^test/' },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a room that names another's type depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { conditionNames: ['import', 'types', 'node', 'default'] },
  },
};
