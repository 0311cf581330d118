import type { Command } from './command.js';
import { decodeCommand } from './decode.js';
import { devServerCommand } from './dev-server.js';
import { introspectCommand } from './introspect.js';
import { loginCommand } from './login.js';
import { tokenCommand } from './token.js';
import { userinfoCommand } from './userinfo.js';
import { verifyCommand } from './verify.js';

/** The subcommands of `authn`, in the order of `authn --help`. */
export const COMMANDS: readonly Command[] = [
  tokenCommand,
  verifyCommand,
  decodeCommand,
  userinfoCommand,
  introspectCommand,
  loginCommand,
  devServerCommand(),
];
