import { extraCaCertsFile } from '../../apps/emulators/src/tls/emulator-tls';

/**
 * Called from the jest global setup: creates the emulator CA (once per machine, reused) and sets
 * NODE_EXTRA_CA_CERTS so that jest's worker processes — spawned after the global setup, with its
 * environment — trust the Graph emulator's certificate. Node reads NODE_EXTRA_CA_CERTS only when a
 * process starts, so it cannot help a test that runs inside the main jest process: jest.config.js
 * therefore sets `workerIdleMemoryLimit`, which makes jest use workers even for a single test file
 * (jest would otherwise run one file "in band"). `jest --runInBand` / `-i` defeat it: then start
 * jest with NODE_EXTRA_CA_CERTS already set (the path is printed by `npm run emulators`).
 * An existing NODE_EXTRA_CA_CERTS is kept: the emulator CA is appended in a combined bundle.
 */
export function trustEmulatorCaInWorkers(): string {
  const file = extraCaCertsFile(process.env.NODE_EXTRA_CA_CERTS);
  process.env.NODE_EXTRA_CA_CERTS = file;
  return file;
}
