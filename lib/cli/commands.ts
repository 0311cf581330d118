import type { Command } from './command.js';
import { tokenCommand } from './token.js';

/** The subcommands of `authn`, in the order of `authn --help`. `verify`, `decode` and `dev-server` come next. */
export const COMMANDS: readonly Command[] = [tokenCommand];
