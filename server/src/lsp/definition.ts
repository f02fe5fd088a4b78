// Go to definition on a frame: the source line of each inline level, innermost first (a peek lists the
// chain), as LocationLinks whose origin is the frame's function token. Levels whose source file is not in
// the user's tree are left out; with none at hand there is no location (hover and hints still show file:line).
import type { Location, LocationLink, Position } from 'vscode-languageserver';
import { spanRange } from './ranges';
import { fileUri, frameAt, mappedLevels } from './frameSource';
import type { DocSymbolization } from './symbolization';

export function provideDefinition(
  sym: DocSymbolization,
  pos: Position,
  linkSupport: boolean,
): LocationLink[] | Location[] | null {
  const f = frameAt(sym, pos);
  const r = f && sym.results.get(f.key);
  if (!f || !r || !r.ok) return null;
  const origin = spanRange(f.frame.span);
  const seen = new Set<string>();
  const links: LocationLink[] = [];
  for (const m of mappedLevels(sym, r)) {
    if (!m.local) continue;
    const line = Math.max(0, m.level.line - 1);
    const key = `${m.local}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const column = Math.max(0, m.level.column - 1);
    const target = { start: { line, character: 0 }, end: { line, character: 0 } };
    const selection = { start: { line, character: column }, end: { line, character: column } };
    links.push({
      originSelectionRange: origin,
      targetUri: fileUri(m.local),
      targetRange: target,
      targetSelectionRange: selection,
    });
  }
  if (links.length === 0) return null;
  return linkSupport ? links : links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
}
