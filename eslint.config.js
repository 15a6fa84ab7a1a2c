// One lint config for the whole repo: neostandard with TypeScript.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules', 'data', 'dist', 'embedded-ui/dist', 'db/migrations', '.tap'] }),
  {
    rules: {
      '@stylistic/comma-dangle': 'off'
    }
  }
]
