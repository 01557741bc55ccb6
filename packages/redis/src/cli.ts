#!/usr/bin/env node
import { runRevokeCommand } from './revoke-command.js';

process.exitCode = await runRevokeCommand(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
