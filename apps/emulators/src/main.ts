import { loadEmulatorsConfig } from './emulators.config';
import { GOOGLE_DEV_CLIENT, startGoogleEmulator } from './google/google-emulator';
import { MICROSOFT_DEV_CLIENT, startMicrosoftEmulator } from './microsoft/microsoft-emulator';
import { extraCaCertsFile } from './tls/emulator-tls';

/**
 * `npm run emulators`: the Google Calendar and Microsoft Graph emulators for the local demo, with
 * the environment that points calbridge at them.
 */
async function main(): Promise<void> {
  const config = loadEmulatorsConfig();
  const log = (prefix: string) => (config.log ? (line: string) => console.log(`[${prefix}] ${line}`) : undefined);
  const common = {
    host: config.host,
    accounts: config.accounts,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    consentPage: config.consentPage,
  };
  const google = await startGoogleEmulator({
    ...common,
    port: config.google.port,
    publicUrl: config.google.publicUrl,
    clients: [config.google.client ?? GOOGLE_DEV_CLIENT],
    log: log('google'),
  });
  const microsoft = await startMicrosoftEmulator({
    ...common,
    port: config.microsoft.port,
    publicUrl: config.microsoft.publicUrl,
    clients: [config.microsoft.client ?? MICROSOFT_DEV_CLIENT],
    tls: { dir: config.tlsDir },
    log: log('microsoft'),
  });

  const env = {
    ...google.calbridgeEnv(),
    ...microsoft.calbridgeEnv(),
    NODE_EXTRA_CA_CERTS: extraCaCertsFile(config.existingExtraCaCerts, config.tlsDir),
  };
  console.log(
    [
      'calbridge emulators (development only; state is in memory)',
      `  Google Calendar v3    ${google.url}   control: ${google.url}/__emulator`,
      `  Microsoft Graph v1.0  ${microsoft.url}  control: ${microsoft.url}/__emulator`,
      `  accounts: ${config.accounts.map((a) => a.email).join(', ')} (any login_hint creates one)`,
      '',
      'Point calbridge at them (api and worker environment, e.g. .env):',
      ...Object.entries(env).map(([k, v]) => `  ${k}=${v}`),
      '',
      'NODE_EXTRA_CA_CERTS lets Node trust the Graph emulator certificate; Node reads it only at start',
      '(it already includes your own NODE_EXTRA_CA_CERTS, if you had one).',
      'Stop with Ctrl+C.',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([google.stop(), microsoft.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
