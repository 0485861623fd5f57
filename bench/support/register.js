// Loads the TypeScript sources for benchmarks the way the build compiles them (transpile only,
// decorator metadata on, @calbridge/* paths resolved), without ts-node: ts-node pulls in Node's
// REPL and with it the `domain` module, which slows every EventEmitter of the process and would
// make the benchmarks measure something production never runs.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..', '..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => readFileSync(path, 'utf8'));
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, declaration: false };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

require('tsconfig-paths').register({ baseUrl: root, paths: config.compilerOptions.paths });
