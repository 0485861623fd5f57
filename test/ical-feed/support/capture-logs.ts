import fs from 'node:fs';

/**
 * Captures what the process writes to stdout/stderr, without printing it: through the streams
 * (what pino uses when stdout was wrapped, as under Jest) and through `fs` on descriptors 1 and 2
 * (pino's own destination otherwise). Writes to any other descriptor go through unchanged.
 */
export function captureLogs(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const originalWrite = fs.write;
  const originalWriteSync = fs.writeSync;
  const size = (data: unknown) => (Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data)));
  const keep = (data: unknown) => chunks.push(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));

  const write = jest.spyOn(fs, 'write').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd !== 1 && fd !== 2) return (originalWrite as (...args: unknown[]) => void).call(fs, fd, data, ...rest);
    keep(data);
    const callback = rest.find((r) => typeof r === 'function') as ((err: null, written: number) => void) | undefined;
    if (callback) process.nextTick(callback, null, size(data));
  }) as typeof fs.write);
  const writeSync = jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd !== 1 && fd !== 2) return (originalWriteSync as (...args: unknown[]) => number).call(fs, fd, data, ...rest);
    keep(data);
    return size(data);
  }) as typeof fs.writeSync);

  const streams = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((data: unknown, ...rest: unknown[]) => {
      keep(data);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }) as typeof process.stdout.write),
  );

  return {
    text: () => chunks.join(''),
    restore: () => {
      write.mockRestore();
      writeSync.mockRestore();
      for (const s of streams) s.mockRestore();
    },
  };
}
