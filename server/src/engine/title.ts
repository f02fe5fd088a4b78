// Titles in syzkaller's conventions: the catalogue's template with `{FUNC}` replaced by the guilty
// frame, chosen by skipping generic frames (see guilty.ts).

import type { CatalogueEntry } from './catalogue';
import type { Frame, Trace } from './model';
import { pickGuiltyFrame } from './guilty';

export interface TitleInput {
  entry: CatalogueEntry;
  match: RegExpExecArray;
  /** Normalised messages of the report, header first. */
  messages: readonly string[];
  traces: readonly Trace[];
  ip: Frame | null;
}

export interface TitleResult {
  title: string;
  guiltyFrame: Frame | null;
}

export function titleEvent(input: TitleInput): TitleResult {
  const { entry, match } = input;
  let title = entry.title.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '');
  if (title.includes('{ACCESS}')) {
    const access = input.messages.slice(1, 4).join('\n').match(/^(Read|Write) of size/m);
    title = title.replace(' {ACCESS}', access ? ` ${access[1]}` : '');
  }
  const guiltyFrame = title.includes('{FUNC}') ? pickGuiltyFrame(input.ip, input.traces) : null;
  if (title.includes('{FUNC}')) {
    title = guiltyFrame?.function ? title.replace('{FUNC}', guiltyFrame.function) : title.replace(/ in \{FUNC\}/, '');
  }
  return { title, guiltyFrame };
}
