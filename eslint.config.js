// ESLint: typescript-eslint's type-checked rules, React's hooks rules, and the import rules that keep data flowing app → lib → db.
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const noApp = { group: ["@/app/*", "**/app/*"], message: "lib/, db/ and trainer/ never import app/." };

/** lib/ holds the rules and db/queries the SQL (issue #17): a query written in lib/ belongs in db/queries/<entity>.ts. */
const noSqlInLib = { name: "drizzle-orm", message: "lib/ writes no SQL: put the query in db/queries/<entity>.ts and call it." };
const noSqlInLibPattern = { group: ["drizzle-orm/*"], message: "lib/ writes no SQL: put the query in db/queries/<entity>.ts and call it." };

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", ".next-*/**", ".tuneloop/**", "db/migrations/**", "next-env.d.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_` names what is left out on purpose (`const { id: _, ...rest } = row`).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // tfjs types every op as Tensor<Rank> and ranks are structural, so `as tf.Scalar` / `as tf.Tensor3D` read as
    // unnecessary to the rule; in the trainer they are the shape comments (STYLE: shapes beside the code).
    files: ["trainer/**/*.ts", "tests/trainer/**/*.ts"],
    rules: { "@typescript-eslint/no-unnecessary-type-assertion": "off" },
  },
  {
    // Tests read response bodies and files as JSON (any) and their assertions are the check on the shape; the
    // no-unsafe-* rules guard code that trusts input, which tests do not ship. Test doubles stand in for async
    // functions without awaiting anything (require-await).
    files: ["tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
  {
    // Plain JavaScript (the CLI launcher, config files) is outside tsconfig's program: parsed, not type-checked.
    files: ["**/*.{js,mjs}"],
    extends: [tseslint.configs.recommended, tseslint.configs.disableTypeChecked],
  },
  {
    // Components and their hooks (use-*.ts beside them).
    files: ["app/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "drizzle-orm", message: "The web layer never writes SQL: call a lib/ function." },
            { name: "next-auth", message: "Only lib/auth imports next-auth." },
            { name: "pg", message: "The web layer never talks to the database: call a lib/ function." },
          ],
          patterns: [
            { group: ["@/db/queries/*", "@/db/client"], message: "The web layer never touches db/: call a lib/ function." },
            { group: ["next-auth/*"], message: "Only lib/auth imports next-auth." },
            { group: ["@/trainer/*"], message: "The web layer starts training through lib/jobs, never by importing trainer/." },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/**/*.ts", "trainer/**/*.ts"],
    ignores: ["lib/auth/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "next-auth", message: "Only lib/auth imports next-auth." }, noSqlInLib],
          patterns: [noApp, { group: ["next-auth/*"], message: "Only lib/auth imports next-auth." }, noSqlInLibPattern],
        },
      ],
    },
  },
  {
    files: ["lib/auth/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noSqlInLib], patterns: [noApp, noSqlInLibPattern] }] },
  },
  {
    files: ["db/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            noApp,
            { group: ["@/lib/*", "!@/lib/env"], message: "db/ is the bottom layer: it imports nothing from lib/ but env." },
            { group: ["@/trainer/*", "!@/trainer/protocol"], message: "db/ never imports trainer/ (but its pure contract, trainer/protocol.ts, for the run kinds)." },
          ],
        },
      ],
    },
  },
  {
    files: ["trainer/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "next-auth", message: "Only lib/auth imports next-auth." }],
          patterns: [
            noApp,
            { group: ["@/lib/*", "**/lib/*"], message: "trainer/ never imports lib/: what both need lives in trainer/ (protocol.ts, rng.ts), which lib imports." },
            { group: ["@/db/*"], message: "trainer/ never touches the database: the job runner in lib/jobs does." },
          ],
        },
      ],
    },
  },
);
