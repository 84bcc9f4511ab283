import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'out/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The core, the bundled server and the CLI stay plain Node: only src/extension talks to VS Code.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/extension/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Only src/extension/ may import the VS Code API; keep the core host-independent.' }] },
      ],
    },
  },
  {
    // The extension bundles the core: zod's `z` object cannot be tree-shaken and adds all of zod,
    // its locales included (about 260 KB), to dist/extension.js.
    files: ['src/core/**/*.ts', 'src/extension/**/*.ts', 'src/extension/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[importKind!='type'][source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as `import * as z from 'zod'`: the `z` object pulls all of zod into the extension's bundle.",
        },
      ],
    },
  },
);
