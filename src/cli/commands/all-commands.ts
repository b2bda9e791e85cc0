/** The commands `gemserve` dispatches to, in the order `gemserve --help` lists them. */
import { batchCommand } from './batch.js';
import type { Command } from './command.js';
import { engineBuildCommand } from './engine-build.js';
import { genModelCommand } from './gen-model.js';
import { keysCommand } from './keys.js';
import { launchCommand } from './launch.js';
import { modelsCommand } from './models.js';
import { pullCommand } from './pull.js';
import { serveCommand } from './serve.js';
import { usageCommand } from './usage.js';

/** Every command. */
export const ALL_COMMANDS: readonly Command[] = [serveCommand, launchCommand, pullCommand, modelsCommand, genModelCommand, engineBuildCommand, usageCommand, keysCommand, batchCommand];
