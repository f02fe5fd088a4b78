// Small markdown builders shared by the hover renderers.

export function md(parts: readonly (string | null | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n\n');
}

export function bullets(items: readonly (string | null | undefined | false)[]): string {
  return items
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .map((s) => `- ${s}`)
    .join('\n');
}

export function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

export function codeBlock(s: string, lang = ''): string {
  return '```' + lang + '\n' + s + '\n```';
}

/** 411860 kB → "402.2 MiB". */
export function humanKb(kb: number): string {
  if (kb < 1024) return `${kb} KiB`;
  if (kb < 1024 * 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${(kb / 1024 / 1024).toFixed(2)} GiB`;
}
