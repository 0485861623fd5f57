import { ConfigValidationError } from '@calbridge/core';
import { migrateCommand } from './commands/migrate.command';
import { seedCommand } from './commands/seed.command';
import { startCommand } from './commands/start.command';
import { TOKEN_USAGE, tokenCommand } from './commands/token.command';

const COMMANDS: Record<string, { run: (argv: string[]) => unknown; help: string }> = {
  start: { run: () => startCommand(), help: 'migrate, load demo data (development, empty database), run api + worker' },
  migrate: { run: () => migrateCommand(), help: 'create the database if missing and apply migrations' },
  seed: { run: () => seedCommand(), help: 'load demo data into an empty development database and print tokens' },
  token: { run: (argv) => tokenCommand(argv), help: TOKEN_USAGE },
};

async function main(): Promise<void> {
  const [name, ...argv] = process.argv.slice(2);
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.log(`Usage: calbridge <command>\n${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.help}`).join('\n')}`);
    process.exitCode = name ? 2 : 0;
    return;
  }
  await command.run(argv);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigValidationError || error instanceof Error ? error.message : error);
  process.exit(1);
});
