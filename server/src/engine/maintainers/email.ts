// Addresses as scripts/get_maintainer.pl reads and writes them (parse_email, format_email and the RFC 822
// checks it uses to split a `M:` value that holds several addresses). Ported rule for rule so that the
// names, quoting and de-duplication come out as the script prints them.

/** `Name <address>` → [name, address], the name quoted when it has characters other than `\w`, space, `-`. */
export function parseEmail(formatted: string): [string, string] {
  let name = '';
  let address = '';
  let m: RegExpExecArray | null;
  if ((m = /^([^<]+)<(.+@.*)>.*$/.exec(formatted))) {
    name = m[1];
    address = m[2];
  } else if ((m = /^\s*<(.+@\S*)>.*$/.exec(formatted))) address = m[1];
  else if ((m = /^(.+@\S*).*$/.exec(formatted))) address = m[1];
  return [quoteName(name), address.trim()];
}

function quoteName(raw: string): string {
  const name = raw.trim().replace(/^"|"$/g, '');
  // A name with "must quote" characters is written in quotes, inner quotes escaped.
  return /[^\w -]/i.test(name) ? `"${name.replace(/(?<!\\)"/g, '\\"')}"` : name;
}

/** `Name <address>`, or the address alone when there is no name (the script's format_email with names). */
export function formatEmail(name: string, address: string): string {
  const n = quoteName(name);
  const a = address.trim();
  return n === '' ? a : `${n} <${a}>`;
}

// RFC 822 grammar of the script's make_rfc822re (Perl `\Z` → end or before a final newline).
const LWSP = String.raw`(?:(?:\r\n)?[ \t])`;
const SPECIALS = String.raw`()<>@,;:\\".\[\]`;
const CONTROLS = String.raw`\x00-\x1f\x7f`;
const RFC822 = (() => {
  const dtext = String.raw`[^\[\]\r\\]`;
  const domainLiteral = String.raw`\[(?:${dtext}|\\[\s\S])*\]${LWSP}*`;
  const quotedString = String.raw`"(?:[^"\r\\]|\\[\s\S]|${LWSP})*"${LWSP}*`;
  const atom = String.raw`[^${SPECIALS} ${CONTROLS}]+(?:${LWSP}+|(?=\n?$)|(?=[\["${SPECIALS}]))`;
  const word = `(?:${atom}|${quotedString})`;
  const localpart = String.raw`${word}(?:\.${LWSP}*${word})*`;
  const subDomain = `(?:${atom}|${domainLiteral})`;
  const domain = String.raw`${subDomain}(?:\.${LWSP}*${subDomain})*`;
  const addrSpec = `${localpart}@${LWSP}*${domain}`;
  const phrase = `${word}*`;
  const route = `(?:@${domain}(?:,@${LWSP}*${domain})*:${LWSP}*)`;
  const routeAddr = String.raw`<${LWSP}*${route}?${addrSpec}>${LWSP}*`;
  const mailbox = `(?:${addrSpec}|${phrase}${routeAddr})`;
  const group = String.raw`${phrase}:${LWSP}*(?:${mailbox}(?:,\s*${mailbox})*)?;\s*`;
  return `${LWSP}*(?:${mailbox}|${group})`;
})();
const VALID = new RegExp(`^${RFC822}$`);
const VALID_LIST = new RegExp(`^(?:${RFC822})?(?:,(?:${RFC822})?)*$`);
const LIST_ITEM = new RegExp(`(?:^|,${LWSP}*)(${RFC822})`, 'g');

/** Parenthesised comments replaced by a space (rfc822_strip_comments). */
function stripComments(s: string): string {
  const comment =
    /^((?:[^"\\]|\\[\s\S])*(?:"(?:[^"\\]|\\[\s\S])*"(?:[^"\\]|\\[\s\S])*)*)\((?:[^()\\]|\\[\s\S])*\)/;
  for (let i = 0; i < 100 && comment.test(s); i++) s = s.replace(comment, '$1 ');
  return s;
}

/**
 * The addresses of one `M:`/`R:` value: the value itself when it is one valid address or not valid at all,
 * else each address of a valid comma-separated list (push_email_addresses).
 */
export function splitAddresses(value: string): string[] {
  const s = stripComments(value);
  if (VALID.test(s)) return [value];
  if (VALID_LIST.test(s)) {
    const out: string[] = [];
    for (const m of s.matchAll(LIST_ITEM)) if (m[1]) out.push(m[1]);
    return out;
  }
  return [value];
}
