/**
 * Files a user names for output (a report): checked before anything runs, written without
 * following a symlink and without leaving a half-written file (a temporary file in the same
 * directory, then link or rename), and never replacing an existing file unless asked to.
 */
import { constants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

export class OutputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFileError';
  }
}

export interface OutputOptions {
  /** Replace an existing regular file (never a symlink or anything else). */
  overwrite: boolean;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Throws an OutputFileError when `file` cannot be written as asked: its directory is missing,
 * not a directory or not writable; the file is a symlink or not a regular file; or it exists
 * and `overwrite` is off. Returns the absolute path.
 */
export async function checkOutputFile(file: string, options: OutputOptions): Promise<string> {
  const path = resolve(file);
  const dir = dirname(path);
  let dirStat;
  try {
    dirStat = await fs.stat(dir);
  } catch (error) {
    throw new OutputFileError(`${file}: the directory ${dir} does not exist${code(error) === 'ENOENT' ? '' : ` (${code(error)})`}`);
  }
  if (!dirStat.isDirectory()) throw new OutputFileError(`${file}: ${dir} is not a directory`);
  try {
    await fs.access(dir, constants.W_OK);
  } catch {
    throw new OutputFileError(`${file}: the directory ${dir} is not writable`);
  }
  let stat;
  try {
    stat = await fs.lstat(path);
  } catch (error) {
    if (code(error) === 'ENOENT') return path;
    throw new OutputFileError(`${file}: ${String(error)}`);
  }
  if (stat.isSymbolicLink()) throw new OutputFileError(`${file} is a symbolic link: refusing to write through it`);
  if (!stat.isFile()) throw new OutputFileError(`${file} exists and is not a regular file`);
  if (!options.overwrite) throw new OutputFileError(`${file} already exists: refusing to overwrite it without --force`);
  return path;
}

/**
 * Writes `text` to `file` as one step: the content goes to a new temporary file beside it
 * (opened with O_EXCL and O_NOFOLLOW), which then takes the name: by a hard link when the
 * file must not exist (fails if it appeared meanwhile), else by rename (which replaces a
 * symlink itself, never its target).
 */
export async function writeOutputFile(file: string, text: string, options: OutputOptions): Promise<string> {
  const path = await checkOutputFile(file, options);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) {
      const now = await fs.lstat(path).catch(() => undefined);
      if (now && !now.isFile()) throw new OutputFileError(`${file} changed into something other than a regular file while writing`);
      await fs.rename(tmp, path);
    } else {
      try {
        await fs.link(tmp, path);
      } catch (error) {
        if (code(error) === 'EEXIST') throw new OutputFileError(`${file} appeared while writing: refusing to overwrite it without --force`);
        throw error;
      }
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return path;
}
