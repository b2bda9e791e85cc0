/**
 * The reference pages generated from the code, by path from the repository root. The generator
 * (scripts/generate-docs.ts) writes them; test/docs/generated-docs.test.ts fails when one on
 * disk differs from what its renderer makes now.
 */
import { renderConfigurationPage } from './render-configuration-page.js';
import { renderErrorsPage } from './render-errors-page.js';

/** A generated page: where it lives and the pure function that makes it. */
export interface GeneratedPage {
  path: string;
  render: () => string;
}

export const GENERATED_PAGES: readonly GeneratedPage[] = [
  { path: 'docs/configuration.md', render: () => renderConfigurationPage() },
  { path: 'docs/errors.md', render: () => renderErrorsPage() },
];

/** The command that regenerates them, for messages. */
export const REGENERATE_COMMAND = 'npm run docs:generate';
