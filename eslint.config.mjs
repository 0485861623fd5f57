// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      // Libraries are imported through their public door, never by deep path.
      'no-restricted-imports': ['error', { patterns: [{ group: ['@calbridge/*/*'], message: 'Import @calbridge/<lib> through its index.' }] }],
    },
  },
  {
    // Tests and benchmarks may also drive a lib's internals through its second door, `testing.ts`.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@calbridge/*/*', '!@calbridge/*/testing'], message: 'Import @calbridge/<lib> through its index (or its testing door).' }] },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@calbridge/*/*'], message: 'Import @calbridge/<lib> through its index.' },
            { group: ['**/apps/**', '../../apps/*'], message: 'Libraries never import apps.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    // apps/emulators/src/emulators.config.ts: the emulators are a development tool with their own
    // small env schema (`npm run emulators`), not part of calbridge's boot config.
    ignores: ['libs/core/src/config/**', 'apps/emulators/src/emulators.config.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Configuration is read once, in libs/core/src/config; inject a config namespace instead.',
        },
      ],
    },
  },
  {
    // The web app runs in browsers (its own tsconfig: apps/web/tsconfig.json).
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
