// Bundles the page of `knob report` and `knob dashboard` into one HTML file:
//   node build.mjs OUT.html [DIR]
// DIR holds the npm packages (DIR/node_modules: the build's web/, as build.sh installs them;
// this directory by default, after `npm ci` here).
// The script (src/main.js and ECharts) and the style are inlined; the C side puts the
// study's data where the page says <!--KNOB_DATA--> (report) or serves it as is (dashboard).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
    console.error('usage: node build.mjs OUT.html [DIR]');
    process.exit(2);
}
const modules = resolve(process.argv[3] ?? here);
const { build } = createRequire(join(modules, '/'))('esbuild');
// A package the page imports (ECharts) comes from DIR alone: a node_modules in this
// directory or above it (an older build's, a user's ~/node_modules) is never looked in.
const fromModules = {
    name: 'from-modules',
    setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.pluginData === 'from-modules'
                ? undefined
                : b.resolve(args.path, {
                      kind: args.kind,
                      resolveDir: modules,
                      pluginData: 'from-modules',
                  }),
        );
    },
};
const result = await build({
    plugins: [fromModules],
    entryPoints: [join(here, 'src/main.js')],
    bundle: true,
    minify: !process.env.KNOB_WEB_NOMINIFY, // KNOB_WEB_NOMINIFY=1: readable profiles
    format: 'iife',
    target: ['es2020'],
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
});
// Inline in a <script>: no "</script" may appear in the text.
const js = result.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
const css = readFileSync(join(here, 'src/style.css'), 'utf8');
const page = readFileSync(join(here, 'src/page.html'), 'utf8')
    .replace('/*KNOB_STYLE*/', () => css)
    .replace('/*KNOB_SCRIPT*/', () => js);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, page);
