/**
 * Plays back a hot rollback journal, as SQLite itself does after a crash.
 *
 * node-sqlite3-wasm's VFS reports a RESERVED lock whenever `<db>.lock` exists, and its
 * own SHARED lock creates that very directory, so SQLite never sees a journal as hot and
 * reads a half-written file ("database disk image is malformed"). The caller holds the
 * lock directory while this runs, so no other connection reads or writes meanwhile.
 *
 * Format (https://www.sqlite.org/fileformat.html, "The Rollback Journal"): segments that
 * each start with a header at a sector boundary (magic, record count, checksum nonce,
 * database size in pages at the start of the transaction, sector size, page size), then
 * records of a 4-byte page number, the page as it was before the transaction and a
 * checksum. A segment whose magic is not written yet was never synced, so the database
 * pages it covers were not written either: playback stops there, as it does at a record
 * whose checksum fails. This server never attaches a second database, so a journal
 * never names a super-journal.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';

const MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
const HEADER_BYTES = 28;
/** nRec of a journal written without syncs: count the records from the file size. */
const UNSYNCED_COUNT = 0xffffffff;

export interface PlaybackResult {
  /** Pages written back into the database file. */
  pagesRestored: number;
  /** The database size (pages) restored from the journal. */
  databasePages: number;
}

export function journalPath(dbPath: string): string {
  return `${dbPath}-journal`;
}

/**
 * Restores the database to its state before the interrupted transaction and deletes the
 * journal. Returns undefined when there is no journal or it holds nothing to play back
 * (a journal whose first header was never synced; it is deleted).
 */
export function rollBackHotJournal(dbPath: string): PlaybackResult | undefined {
  const path = journalPath(dbPath);
  if (!existsSync(path)) return undefined;
  const journal = openSync(path, 'r');
  let result: PlaybackResult | undefined;
  try {
    const db = openSync(dbPath, 'r+');
    try {
      result = playBack(journal, db);
      if (result) {
        fsyncSync(db);
      }
    } finally {
      closeSync(db);
    }
  } finally {
    closeSync(journal);
  }
  // Only once the restored pages are on disk may the journal go.
  unlinkSync(path);
  return result;
}

function playBack(journal: number, db: number): PlaybackResult | undefined {
  const size = fstatSync(journal).size;
  const header = readAt(journal, 0, HEADER_BYTES);
  if (!header || !header.subarray(0, 8).equals(MAGIC)) return undefined;
  const sectorSize = header.readUInt32BE(20);
  const pageSize = header.readUInt32BE(24);
  if (!isPowerOfTwo(sectorSize, 32, 65536) || !isPowerOfTwo(pageSize, 512, 65536)) {
    throw new Error(`the rollback journal has an invalid header (sector ${sectorSize}, page ${pageSize})`);
  }
  const databasePages = header.readUInt32BE(16);
  // SQLite's lock-byte page is never journalled; a record naming it ends the journal.
  const lockBytePage = Math.floor(0x40000000 / pageSize) + 1;
  const recordBytes = pageSize + 8;
  const restored = new Set<number>();
  let headerAt = 0;
  for (;;) {
    const segment = headerAt === 0 ? header : readAt(journal, headerAt, HEADER_BYTES);
    if (!segment || !segment.subarray(0, 8).equals(MAGIC)) break;
    let offset = headerAt + sectorSize;
    const declared = segment.readUInt32BE(8);
    const count = declared === UNSYNCED_COUNT ? Math.floor((size - offset) / recordBytes) : declared;
    const nonce = segment.readUInt32BE(12);
    let complete = true;
    for (let i = 0; i < count; i++) {
      const record = readAt(journal, offset, recordBytes);
      const pageNo = record?.readUInt32BE(0) ?? 0;
      if (!record || pageNo === 0 || pageNo === lockBytePage) {
        complete = false;
        break;
      }
      const page = record.subarray(4, 4 + pageSize);
      if (checksum(page, nonce) !== record.readUInt32BE(4 + pageSize)) {
        complete = false;
        break;
      }
      // A page is journalled once per transaction, with its content before it.
      if (pageNo <= databasePages && !restored.has(pageNo)) {
        writeSync(db, page, 0, pageSize, (pageNo - 1) * pageSize);
        restored.add(pageNo);
      }
      offset += recordBytes;
    }
    if (!complete || offset >= size) break;
    headerAt = Math.ceil(offset / sectorSize) * sectorSize;
  }
  ftruncateSync(db, databasePages * pageSize);
  return { pagesRestored: restored.size, databasePages };
}

/** SQLite's journal checksum: the nonce plus every 200th byte, from the end of the page. */
function checksum(page: Buffer, nonce: number): number {
  let sum = nonce;
  for (let i = page.length - 200; i > 0; i -= 200) sum = (sum + page[i]!) >>> 0;
  return sum;
}

function readAt(fd: number, position: number, length: number): Buffer | undefined {
  const buffer = Buffer.alloc(length);
  return readSync(fd, buffer, 0, length, position) === length ? buffer : undefined;
}

function isPowerOfTwo(value: number, min: number, max: number): boolean {
  return value >= min && value <= max && (value & (value - 1)) === 0;
}
