// Positioned file I/O on raw descriptors, as promises, always moving whole
// requests (short reads only at end of file). Errors keep their errno codes
// so callers can map ENOSPC, EDQUOT and EACCES to mail errors.
import { close, fdatasync, fstat, fsync, ftruncate, read, write, type Stats } from 'node:fs';
import { MailError } from '../errors';

function once(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, offset, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes)));
  });
}

/** Reads up to `length` bytes at `position`; fewer only at end of file. */
export async function readAt(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  let total = 0;
  while (total < length) {
    const got = await once(fd, buffer, offset + total, length - total, position + total);
    if (got === 0) break;
    total += got;
  }
  return total;
}

/** Reads [position, position + length) into a new buffer (shorter at end of file). */
export async function readRange(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  const got = await readAt(fd, buffer, 0, length, position);
  return got === length ? buffer : buffer.subarray(0, got);
}

export function writeAt(fd: number, buffer: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number): void => {
      if (done >= buffer.length) {
        resolve();
        return;
      }
      write(fd, buffer, done, buffer.length - done, position + done, (error, written) => {
        if (error) reject(error);
        else step(done + written);
      });
    };
    step(0);
  });
}

function promised<T>(run: (callback: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}

export const syncFile = (fd: number): Promise<void> => promised((callback) => fsync(fd, callback));
export const syncData = (fd: number): Promise<void> => promised((callback) => fdatasync(fd, callback));
export const truncateFile = (fd: number, length: number): Promise<void> => promised((callback) => ftruncate(fd, length, callback));
export const statFile = (fd: number): Promise<Stats> => promised((callback) => fstat(fd, callback));
export const closeFile = (fd: number): Promise<void> => promised((callback) => close(fd, callback));

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Maps a file-system error to the mail error a protocol can report. */
export function mailErrorFrom(error: unknown, doing: string): MailError {
  if (error instanceof MailError) return error;
  const code = errorCode(error);
  const message = `${doing}: ${(error as Error | undefined)?.message ?? String(error)}`;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new MailError('nonexistent', message, { cause: error });
    case 'EEXIST':
      return new MailError('exists', message, { cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new MailError('no-permission', message, { cause: error });
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return new MailError('over-quota', message, { cause: error });
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return new MailError('bad-name', message, { cause: error });
    case 'EISDIR':
      return new MailError('cannot', message, { cause: error });
    default:
      return new MailError('temporary', message, { cause: error });
  }
}
