// ESLint flat config. TypeScript (src/, test/, bench/, examples/) is linted with type information
// (typescript-eslint's recommendedTypeChecked plus rules that catch real bugs: unawaited promises, promises
// passed where a callback's result is ignored, non-exhaustive switches over unions). Plain JavaScript
// (scripts/, bench/*.mjs) gets @eslint/js's recommended rules.
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

/** Node.js globals the .mjs scripts use (the `globals` package is not a dependency). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
)

export default defineConfig(
  globalIgnores([
    '**/node_modules/**',
    'dist/**',
    'build/**',
    'coverage/**',
    'docs/api/**',
    '.cache/**',
    '.cluster/**',
    '.kdist/**',
    'bench/.build/**',
    'bench/.node/**',
    'bench/results/**',
    // Generated code (regenerated, not edited).
    '**/*.generated.ts',
    'examples/protobuf/gen/**',
    'examples/avro/generated/**',
    'test/fixtures/avro/generated/**',
    'scripts/cluster-lib.d.mts',
    'scripts/cluster/*.d.mts',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Promises: an unawaited promise loses its rejection; a promise-returning callback where void is expected
      // (event handlers, forEach) does too.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/promise-function-async': 'off',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A switch over a union must handle every member (or have a default).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, allowDefaultCaseForExhaustiveSwitch: true },
      ],
      // Type-only imports are erased: say so, so that emitted JS never imports a module only for its types.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // Comparisons and conditions that are always true or false, and casts that change nothing.
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'error',
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
      // Only Error objects are thrown or used as rejection reasons (stack traces, `instanceof` checks).
      // A caught value (`unknown`) passed on unchanged is a rethrow, which both rules allow.
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // `async` without `await` is used on purpose: a synchronous throw becomes a rejection, and implementations of
      // promise-returning interfaces (mocks, handlers) stay promise-returning. Unawaited promises are caught above.
      '@typescript-eslint/require-await': 'off',
      // `any` is written only as the type arguments of "any instantiation" of a generic client (`Transaction<any, any,
      // any>`), where variance rules out `unknown`. Using an `any` value is still caught by the no-unsafe-* rules.
      '@typescript-eslint/no-explicit-any': 'off',
      // Unused code: `_`-prefixed names are deliberately unused (callback parameters, rest siblings).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
    rules: {
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
)
