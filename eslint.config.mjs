import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Worker modules the executor tests load: plain CommonJS, run by Node itself (no transform).
    files: ['test/fixtures/worker-modules/**/*.js', 'test/fixtures/worker-modules/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable', setTimeout: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The engine reads like a library: no framework, ORM, driver or broker client inside it.
    files: ['src/scheduler/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'mysql2', 'mysql2/*', 'kafkajs', 'piscina'],
              message: 'src/scheduler is framework-free: put this in an adapter.',
            },
            {
              group: ['../app/*', '../persistence/*', '../messaging/*', '../orders/*', '../admin/*'],
              message: 'src/scheduler must not depend on adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // The page is a browser bundle: server code never goes in it; a plain-interface file's types may.
    files: ['dashboard/src/**/*.ts', 'dashboard/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../src/*', '../../../src/*'],
              allowTypeImports: true,
              message:
                'The dashboard may import only types from the server (see src/dashboard/stats/stats-views.ts).',
            },
          ],
        },
      ],
    },
  },
);
