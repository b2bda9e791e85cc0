import type { Caller } from '../caller.js';

/**
 * Whether `caller` may use `model` (as requested, with or without `models/`). An entry of
 * `allowedModels` matches the id exactly, or as a prefix when it ends in `*`
 * (`gemini-2.5-*`); no list means every model.
 */
export function mayUseModel(caller: Caller, model: string): boolean {
  const allowed = caller.allowedModels;
  if (allowed === undefined) return true;
  const id = model.replace(/^models\//, '');
  return allowed.some((a) => {
    const pattern = a.replace(/^models\//, '');
    return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
  });
}
