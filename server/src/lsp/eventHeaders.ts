// The event-headers command (EVENT_HEADERS_COMMAND): where each event's header is, for the client's
// *Next crash* / *Previous crash*, which only move the cursor between the positions the server names.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { EVENT_HEADERS_COMMAND, type EventHeader } from '../../../protocol';
import type { Analysis } from '../engine';

/** `[uri]`, or a ResponseError saying what is wrong. */
export function eventHeadersArguments(args: unknown[] | undefined): string {
  const uri = args?.[0];
  if (typeof uri !== 'string')
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${EVENT_HEADERS_COMMAND}: argument 1 must be a document URI.`,
    );
  return uri;
}

export function eventHeaders(analysis: Analysis): EventHeader[] {
  return analysis.events.map((e) => ({
    line: e.headerSpan.line,
    character: e.headerSpan.start,
    title: e.title,
  }));
}
