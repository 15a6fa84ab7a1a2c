// One lint config for the whole repo: neostandard with TypeScript.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules', 'data', 'dist', 'embedded-ui/dist', 'db/migrations', '.tap'] }),
  {
    rules: {
      '@stylistic/comma-dangle': 'off'
    }
  },
  // The admin UI shares the API's types, never the server's code: type-only imports from outside embedded-ui (the one
  // exception: the SMS length rule, a pure module the editor and the sender must count alike).
  {
    files: ['embedded-ui/src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)(api-types|db|webhooks)/|(^|/)server/(?!messaging/sms-text\\.ts$)', allowTypeImports: true, message: 'The UI imports API types with `import type` only (its bundle gains no server code).' }]
      }]
    }
  },
  // api-types is read by the UI's typecheck too: zod and its siblings only.
  {
    files: ['api-types/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!zod$|\\./)', message: 'api-types imports only zod and its siblings (the UI typechecks these files).' }]
      }]
    }
  }
]
