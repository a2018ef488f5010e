import js from "@eslint/js";
import tseslint from "typescript-eslint";

const browser = Object.fromEntries(
  [
    "window",
    "document",
    "fetch",
    "self",
    "Worker",
    "URL",
    "Blob",
    "File",
    "FormData",
    "Headers",
    "Response",
    "setTimeout",
    "clearTimeout",
    "structuredClone",
    "performance",
    "console",
    "navigator",
    "MessageEvent",
    "HTMLDivElement",
    "Intl",
    "localStorage",
  ].map((g) => [g, "readonly"]),
);

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "bench-results/**", "scratch/**", "data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        performance: "readonly",
        URL: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-implied-eval": "off",
      "@typescript-eslint/no-implied-eval": "off",
    },
  },
  {
    files: ["web/**/*.{ts,tsx}"],
    languageOptions: { globals: browser },
    rules: {
      // the browser bundle never imports server code (nor anything that reads files)
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/src/server/**", "**/src/cli/**", "**/src/planner/pool*", "node:*"],
              message: "server-side code: not in the browser bundle",
            },
          ],
        },
      ],
    },
  },
);
