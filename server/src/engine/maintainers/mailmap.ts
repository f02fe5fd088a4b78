// The kernel tree's `.mailmap` as get_maintainer.pl applies it (read_mailmap, mailmap_email): an address
// or a `name <address>` pair maps to the person's current name and address.
import { formatEmail, parseEmail } from './email';

export interface Mailmap {
  /** Keyed by an address, or by `name <address>` for entries that name the old pair. */
  names: Map<string, string>;
  addresses: Map<string, string>;
}

export const EMPTY_MAILMAP: Mailmap = { names: new Map(), addresses: new Map() };

export function parseMailmap(text: string): Mailmap {
  const map: Mailmap = { names: new Map(), addresses: new Map() };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^<]+)<([^>]+)>$/.exec(line))) {
      // name1 <mail1>
      const [name, address] = parseEmail(`${m[1].trimEnd()} <${m[2]}>`);
      map.names.set(address, name);
    } else if ((m = /^<([^>]+)>\s*<([^>]+)>$/.exec(line))) {
      // <mail1> <mail2>
      map.addresses.set(m[2], m[1]);
    } else if ((m = /^(.+)<([^>]+)>\s*<([^>]+)>$/.exec(line))) {
      // name1 <mail1> <mail2>
      const [name, address] = parseEmail(`${m[1].trimEnd()} <${m[2]}>`);
      map.names.set(m[3], name);
      map.addresses.set(m[3], address);
    } else if ((m = /^(.+)<([^>]+)>\s*(.+)\s*<([^>]+)>$/.exec(line))) {
      // name1 <mail1> name2 <mail2>
      const [name, address] = parseEmail(`${m[1].trimEnd()} <${m[2]}>`);
      const [wrongName, wrongAddress] = parseEmail(`${m[3].trimEnd()} <${m[4]}>`);
      const wrong = formatEmail(wrongName, wrongAddress);
      map.names.set(wrong, name);
      map.addresses.set(wrong, address);
    }
  }
  return map;
}

/** The mapped `name <address>` of a formatted address (the `name <address>` key first, then the address). */
export function mailmapEmail(map: Mailmap, line: string): string {
  const [name, address] = parseEmail(line);
  const email = formatEmail(name, address);
  let realName = name;
  let realAddress = address;
  const key = map.names.has(email) || map.addresses.has(email) ? email : address;
  realName = map.names.get(key) ?? realName;
  realAddress = map.addresses.get(key) ?? realAddress;
  return formatEmail(realName, realAddress);
}
