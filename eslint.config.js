import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/.next/**", "**/dist/**", "**/generated/**", ".data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["scripts/**"],
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly" } },
  },
  {
    // Domain packages stay pure: they run unchanged in the browser, server and worker.
    files: ["packages/estimator/src/**", "packages/rules/src/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["node:*", "fs", "path", "child_process"] }],
      "no-restricted-globals": ["error", "process", "Date"],
      "no-restricted-properties": ["error", { object: "Math", property: "random" }],
    },
  },
);
