// Lint rules that guard the layering ARCHITECTURE.md promises, and a few habits (type-only imports, no
// import cycles). Type-aware: typescript-eslint reads each file through the tsconfig that includes it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

const ENGINE = 'server/src/engine';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.test-cache/**',
      '.tmp/**',
      'test-fixtures/**',
      '**/*.d.ts',
      '**/*.d.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Node built-ins the engine needs rarely (zlib, child_process, http) are required on first use so a
      // one-shot CLI run does not pay for loading them.
      '@typescript-eslint/no-require-imports': 'off',
      // Kernel logs carry escape and control characters; the normaliser's regexes match them on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests read loosely typed JSON (CLI output, LSP answers).
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The engine is pure TypeScript: no editor API, nothing from the layers built on it.
  {
    files: [`${ENGINE}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', 'vscode-*', 'vscode/*'], message: 'The engine never imports an editor API.' },
            {
              group: ['**/lsp', '**/lsp/**', '**/cli', '**/server', '**/client/**'],
              message: 'The engine never imports the layers built on it.',
            },
          ],
        },
      ],
    },
  },
  // Outside code (the language server, the CLI, the client) enters the engine only through its index.
  {
    files: ['server/src/*.ts', 'server/src/lsp/**/*.ts', 'client/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|\\./|src/)engine/.+',
              message: 'Import the engine through its index (server/src/engine/index.ts) only.',
            },
          ],
        },
      ],
    },
  },
  // protocol/ (the custom messages' names and shapes) is shared by client and server: it imports neither.
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(server|client|engine)(/|$)|^vscode',
              message: 'protocol/ is plain data shared by client and server: it imports neither.',
            },
          ],
        },
      ],
    },
  },
  // The client is thin: it talks to the server over LSP and never imports server code.
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)server/', message: 'client/ never imports server/: talk to it over LSP.' },
            { regex: '(^|/)engine(/|$)', message: 'client/ never imports the engine.' },
          ],
        },
      ],
    },
  },
);
