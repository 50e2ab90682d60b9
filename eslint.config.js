// ESLint (flat config): the recommended rules of ESLint and typescript-eslint for every source
// file. Formatting is prettier's (`npm run format:check`), not ESLint's.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated: the Workers runtime types, the bundled console and explorer, build output, and
    // wrangler's bundles wherever it runs (demo/.wrangler/tmp/ too, while `npm start` runs).
    ignores: ["types/workers-runtime.d.ts", "src/console/generated/", "src/explorer/generated/", ".build/", "**/.wrangler/", "bench/.tmp/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a binding left unused on purpose (an omitted rest sibling, an ignored parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Tests navigate GraphQL answers and hand-built ASTs untyped; their assertions check the shape.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs", "**/*.config.ts", "test/e2e/**", "test/locations/**"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["console/**", "explorer/**", "test/e2e/pages/**"],
    languageOptions: { globals: globals.browser },
  },
);
