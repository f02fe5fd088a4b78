// *Open kernel log: pstore*: the server reads the dumps (it runs where the workspace is, like the capture's
// journalctl) with the engine's pstore reader and returns them joined; the client shows the text.
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { PSTORE_COMMAND, type PstoreResult } from '../../../protocol';
import { describeDump, PSTORE_FOLDERS, readPstoreDumps } from '../engine';

/** `arguments: [paths?]`: absolute paths of files or folders; none means the machine's pstore folders. */
export function pstoreArguments(args: unknown[] | undefined): string[] | null {
  const [paths] = args ?? [];
  if (paths === undefined || paths === null) return null;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p.startsWith('/')))
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${PSTORE_COMMAND}: argument 1 must be a list of absolute paths (files or folders).`,
    );
  return paths as string[];
}

export function pstoreDumps(paths: readonly string[] | null): PstoreResult {
  const { dumps, problems } = readPstoreDumps(paths ?? PSTORE_FOLDERS, paths === null);
  return {
    text: dumps.map((d) => d.lines.join('\n') + '\n').join(''),
    dumps: dumps.map(describeDump),
    problems,
  };
}
