// Run by `npm run build` after tsc: replaces tsc's output of source/ui/vendor.ts (re-exports
// of Ink, React and the other UI packages) with one esbuild bundle of them. Loading Ink's
// hundreds of small modules one by one took about a second of the console's start-up; one
// file loads in a fraction of that. The engine is not bundled: it loads workers and jco by path.
// test/ui/ink-testing.ts is bundled too, with its `ink` pointed at the vendor bundle, so the
// tests render through the same Ink and React as the console.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Bundled CommonJS packages (React, the reconciler) call require() for Node built-ins.
  banner: {
    js: "// Bundled by scripts/bundle-ui.mjs\nimport { createRequire as __nebulaRequire } from 'node:module';\nconst require = __nebulaRequire(import.meta.url);",
  },
};

// Ink's DEV=true mode (React DevTools) imports react-devtools-core, which is not installed, and
// reads Ink's package.json by a path that the bundle moves; a DEV=true left in a shell would
// stop the console. The bundle has it off, and the devtools module (imported only in that
// mode, but its static import would fail the whole bundle) is left out.
const inkWithoutDevMode = {
  name: 'ink-without-dev-mode',
  setup(build) {
    build.onLoad({ filter: /[/\\]node_modules[/\\]ink[/\\]build[/\\]utils\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const check = "process.env['DEV'] === 'true'";
      if (!source.includes(check)) {
        throw new Error(
          `${args.path} no longer reads DEV as "${check}": update ${import.meta.url}`,
        );
      }
      return { contents: source.replace(check, 'false'), loader: 'js' };
    });
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      args.importer.includes(join('node_modules', 'ink'))
        ? { path: 'devtools', namespace: 'stub' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "throw new Error('Ink devtools are not part of the bundle');",
      loader: 'js',
    }));
  },
};

await build({
  ...common,
  entryPoints: [join(root, 'source/ui/vendor.ts')],
  outfile: join(root, 'dist/source/ui/vendor.js'),
  allowOverwrite: true,
  plugins: [inkWithoutDevMode],
  define: {
    // React's and the reconciler's production builds only: half the code to compile at start-up.
    // The tests use this same bundle, so they test what the console runs.
    'process.env.NODE_ENV': '"production"',
    // Yoga decodes its WebAssembly from a data: URL with fetch() when fetch exists, which loads
    // Node's whole HTTP client (undici) at start-up; without fetch it decodes it in place.
    fetch: 'undefined',
  },
});

await build({
  ...common,
  entryPoints: [join(root, 'test/ui/ink-testing.ts')],
  outfile: join(root, 'dist/test/ui/ink-testing.js'),
  allowOverwrite: true,
  external: ['#ui-vendor'],
  plugins: [
    {
      name: 'ink-from-vendor',
      setup(build) {
        build.onResolve({ filter: /^ink$/ }, () => ({ path: '#ui-vendor', external: true }));
      },
    },
  ],
});
