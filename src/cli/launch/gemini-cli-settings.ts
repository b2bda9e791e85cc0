/**
 * The gemini-cli settings `gemserve launch gemini` needs, and writing them into a settings.json
 * without losing what else it holds.
 *
 * gemini-cli reads `<home>/.gemini/settings.json`, where home is `GEMINI_CLI_HOME` or the
 * user's home directory (google-gemini/gemini-cli packages/core/src/utils/paths.ts `homedir`,
 * packages/cli/src/config/settings.ts `USER_SETTINGS_PATH`). Keys and defaults below are from
 * packages/cli/src/config/settingsSchema.ts as bundled in @google/gemini-cli 0.61.0.
 */
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../cli-error.js';

/** A settings tree: nested objects of values. */
export type SettingsTree = { [key: string]: unknown };

/**
 * What selects API-key auth. Without it, `GOOGLE_GEMINI_BASE_URL` makes gemini-cli pick its
 * `gateway` auth type (packages/core/src/core/contentGenerator.ts `getAuthTypeFromEnv`), which
 * headless runs then refuse with "Invalid auth method selected." (exit 41,
 * packages/cli/src/config/auth.ts `validateAuthMethod`). With `gemini-api-key` it sends
 * `GEMINI_API_KEY` as `x-goog-api-key` to the base URL, and names the Gemini 3 models.
 */
export const AUTH_SETTINGS: SettingsTree = { security: { auth: { selectedType: 'gemini-api-key' } } };

/**
 * The private home's settings: API-key auth, and nothing that reaches Google or asks questions.
 * - `security.folderTrust.enabled: false`: with folder trust on (the default), a headless run in
 *   a folder never trusted exits 55; trust is the user's own gemini-cli's business.
 * - `privacy.usageStatisticsEnabled: false`: default true, which posts usage statistics to Google.
 * - `telemetry.enabled: false`: OpenTelemetry export (off by default; said so explicitly).
 * - `general.enableAutoUpdate(Notification): false`: no update check against the npm registry.
 * - `ide.enabled: false`: no connection to an IDE companion.
 */
export const LAUNCH_SETTINGS: SettingsTree = {
  security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  ide: { enabled: false },
};

/** The settings file of a gemini-cli home. */
export function settingsFileOf(home: string): string {
  return join(home, '.gemini', 'settings.json');
}

function isTree(v: unknown): v is SettingsTree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `base` with every leaf of `wanted` set; returns the dotted keys whose value changed. */
export function mergeSettings(base: SettingsTree, wanted: SettingsTree, prefix = ''): { merged: SettingsTree; changed: string[] } {
  const merged: SettingsTree = { ...base };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const path = prefix + key;
    if (isTree(value)) {
      const inner = mergeSettings(isTree(base[key]) ? base[key] : {}, value, `${path}.`);
      merged[key] = inner.merged;
      changed.push(...inner.changed);
    } else if (base[key] !== value) {
      merged[key] = value;
      changed.push(path);
    }
  }
  return { merged, changed };
}

/** Options of {@link writeSettings}. */
export interface WriteSettingsOptions {
  /**
   * The file is the user's own: one that does not parse as plain JSON (gemini-cli also accepts
   * comments) is refused rather than rewritten, and the first change keeps a copy of the
   * original beside it. A private file that does not parse is replaced.
   */
  userOwned?: boolean;
}

/** What {@link writeSettings} did. */
export interface WriteSettingsResult {
  file: string;
  /** Dotted keys set to a new value; empty when the file already had them. */
  changed: string[];
  /** The copy of the user's original file, when one was made. */
  backup?: string;
}

/** Sets `wanted` in the settings file `file`, keeping every other key; writes only when something changes. */
export async function writeSettings(file: string, wanted: SettingsTree, opts: WriteSettingsOptions = {}): Promise<WriteSettingsResult> {
  let current: SettingsTree = {};
  const exists = existsSync(file);
  if (exists) {
    const text = await readFile(file, 'utf8');
    try {
      const parsed: unknown = text.trim() ? JSON.parse(text) : {};
      if (!isTree(parsed)) throw new Error('not a JSON object');
      current = parsed;
    } catch (e) {
      if (opts.userOwned) {
        throw new CliError(
          `cannot update ${file}: ${(e as Error).message}. Add ${JSON.stringify(wanted)} to it yourself, or run without --write-settings.`);
      }
    }
  }
  const { merged, changed } = mergeSettings(current, wanted);
  if (changed.length === 0 && exists) return { file, changed };
  await mkdir(dirname(file), { recursive: true });
  let backup: string | undefined;
  if (opts.userOwned && exists) {
    backup = `${file}.gemserve-backup`;
    if (!existsSync(backup)) await copyFile(file, backup);
  }
  // Write then rename, so gemini-cli never reads a half-written file.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(merged, null, 2)}\n`);
  await rename(temp, file);
  return { file, changed, ...(backup ? { backup } : {}) };
}
