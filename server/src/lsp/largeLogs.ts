// Logs the editor keeps from us. VS Code gives extensions no document above 50 MB, so the client names such
// a kernel log open in a tab (LARGE_LOG_OPEN_REQUEST) and the server reads it from disk: documents.ts then
// opens it as if the editor had sent it, so its analysis and diagnostics are those of any log (VS Code shows
// diagnostics in the Problems panel and on the editor of any URI). Read through safeFile (a FIFO or a device
// is refused), decoded in pieces without joining them, as the message reader keeps a document's text.
import { read, close } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import type { LargeLogParams } from '../../../protocol';
import { FileRefused, looksBinary, openRegularFile } from '../engine';
import { TextPieces } from './worker';

/** The most read of such a log: the server holds about six times a log's size while it is open. */
export const LARGE_LOG_MAX_BYTES = 256 * 1024 * 1024;
const READ_BYTES = 4 * 1024 * 1024;
const readAsync = promisify(read);

/** The URI and file of a request's params; InvalidParams with a sentence otherwise. */
export function largeLogFile(method: string, p: unknown): { uri: string; file: string } {
  const uri = (p as Partial<LargeLogParams> | null)?.uri;
  if (typeof uri !== 'string' || !uri.startsWith('file:'))
    throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params.uri must be a file: URI.`);
  try {
    return { uri, file: fileURLToPath(uri) };
  } catch {
    throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params.uri is not a valid file URI.`);
  }
}

/**
 * The text of the log at `file` in pieces, or why it is not read (too large, not a regular file, binary).
 * The asynchronous twin of the engine's readLogPieces (which the CLI uses): read on the server's thread, a
 * 256 MB log read synchronously would hold every other document's requests for about half a second.
 */
export async function readLargeLog(file: string): Promise<TextPieces | { problem: string }> {
  let fd: number;
  let size: number;
  try {
    ({ fd, size } = openRegularFile(file, LARGE_LOG_MAX_BYTES));
  } catch (e) {
    return { problem: e instanceof FileRefused ? e.message : String(e) };
  }
  try {
    const decoder = new StringDecoder('utf8');
    const pieces: string[] = [];
    for (let at = 0; at < size;) {
      const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, size - at));
      const { bytesRead } = await readAsync(fd, buf, 0, buf.length, at);
      if (bytesRead <= 0) break;
      const bytes = buf.subarray(0, bytesRead);
      if (at === 0 && looksBinary(bytes)) return { problem: `${file}: binary, not a log` };
      pieces.push(decoder.write(bytes));
      at += bytesRead;
    }
    pieces.push(decoder.end());
    return new TextPieces(pieces.filter((p) => p.length > 0));
  } catch (e) {
    return { problem: `${file}: ${(e as Error).message}` };
  } finally {
    close(fd, () => {});
  }
}
