// Rust v0 symbol demangling (RFC 2603, the scheme Rust-for-Linux builds with): kernel stack traces print
// mangled names such as `_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref`, titles
// and readers want `<rust_binder::process::Process>::update_ref`. Covers paths, impls, generic arguments
// and the common types; anything else (punycode identifiers, fn/dyn types, consts) gives null and the
// caller keeps the mangled name. Crate hashes and disambiguators are dropped, as `rustc-demangle` does
// in its short form.

const BASIC_TYPES: Record<string, string> = {
  a: 'i8',
  b: 'bool',
  c: 'char',
  d: 'f64',
  e: 'str',
  f: 'f32',
  h: 'u8',
  i: 'isize',
  j: 'usize',
  l: 'i32',
  m: 'u32',
  n: 'i128',
  o: 'u128',
  s: 'i16',
  t: 'u16',
  u: '()',
  v: '...',
  x: 'i64',
  y: 'u64',
  z: '!',
  p: '_',
};

/** Bounds the work on hostile input: backrefs can point backwards repeatedly. */
const MAX_DEPTH = 64;

class Unsupported extends Error {}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.pos >= this.s.length;
  }

  private peek(): string {
    return this.s[this.pos] ?? '';
  }

  private next(): string {
    if (this.pos >= this.s.length) throw new Unsupported();
    return this.s[this.pos++];
  }

  private eat(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  /** `_` is 0, otherwise base-62 digits then `_`, plus one. */
  private base62(): number {
    if (this.eat('_')) return 0;
    let n = 0;
    for (;;) {
      const c = this.next();
      if (c === '_') return n + 1;
      const d =
        c >= '0' && c <= '9'
          ? c.charCodeAt(0) - 48
          : c >= 'a' && c <= 'z'
            ? c.charCodeAt(0) - 87
            : c >= 'A' && c <= 'Z'
              ? c.charCodeAt(0) - 29
              : -1;
      if (d < 0) throw new Unsupported();
      // Disambiguators are hashes (too big for exact arithmetic, and never used); backrefs are small.
      n = Math.min(n * 62 + d, Number.MAX_SAFE_INTEGER);
    }
  }

  private disambiguator(): void {
    if (this.eat('s')) this.base62();
  }

  private decimal(): number {
    const start = this.pos;
    while (this.peek() >= '0' && this.peek() <= '9') this.pos++;
    if (start === this.pos) throw new Unsupported();
    return Number(this.s.slice(start, this.pos));
  }

  private ident(): string {
    this.disambiguator();
    if (this.eat('u')) throw new Unsupported(); // punycode
    const len = this.decimal();
    this.eat('_');
    if (this.pos + len > this.s.length) throw new Unsupported();
    const id = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    return id;
  }

  /** Runs `read` at a backreference's target, then comes back. */
  private backref<T>(read: () => T): T {
    const target = this.base62();
    if (target >= this.pos || ++this.depth > MAX_DEPTH) throw new Unsupported();
    const saved = this.pos;
    this.pos = target;
    const out = read();
    this.pos = saved;
    this.depth--;
    return out;
  }

  path(): string {
    const tag = this.next();
    switch (tag) {
      case 'C':
        return this.ident();
      case 'M':
        this.disambiguator();
        this.path();
        return `<${this.type()}>`;
      case 'X': {
        this.disambiguator();
        this.path();
        const self = this.type();
        return `<${self} as ${this.path()}>`;
      }
      case 'Y': {
        const self = this.type();
        return `<${self} as ${this.path()}>`;
      }
      case 'N': {
        const ns = this.next();
        const parent = this.path();
        const id = this.ident();
        // Upper-case namespaces are closures and shims: `{closure#0}`.
        if (ns >= 'A' && ns <= 'Z')
          return `${parent}::{${ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns}${id ? `:${id}` : ''}}`;
        return id ? `${parent}::${id}` : parent;
      }
      case 'I': {
        const base = this.path();
        const args: string[] = [];
        while (!this.eat('E')) args.push(this.genericArg());
        return `${base}::<${args.join(', ')}>`;
      }
      case 'B':
        return this.backref(() => this.path());
      default:
        throw new Unsupported();
    }
  }

  private genericArg(): string {
    if (this.eat('L')) {
      this.base62();
      return "'_";
    }
    if (this.eat('K')) throw new Unsupported();
    return this.type();
  }

  private type(): string {
    const c = this.peek();
    if (BASIC_TYPES[c] !== undefined && c !== '') {
      this.pos++;
      return BASIC_TYPES[c];
    }
    switch (c) {
      case 'R':
      case 'Q': {
        this.pos++;
        if (this.eat('L')) this.base62();
        return `&${c === 'Q' ? 'mut ' : ''}${this.type()}`;
      }
      case 'P':
      case 'O':
        this.pos++;
        return `*${c === 'P' ? 'const' : 'mut'} ${this.type()}`;
      case 'S':
        this.pos++;
        return `[${this.type()}]`;
      case 'T': {
        this.pos++;
        const items: string[] = [];
        while (!this.eat('E')) items.push(this.type());
        return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
      }
      case 'B':
        this.pos++;
        return this.backref(() => this.type());
      case 'C':
      case 'M':
      case 'X':
      case 'Y':
      case 'N':
      case 'I':
        return this.path();
      default:
        throw new Unsupported();
    }
  }
}

/** `<crate::Type>::method` for a v0-mangled `_R…` name (linker suffixes like `.llvm.123` ignored), else null. */
export function demangleRust(symbol: string): string | null {
  if (!symbol.startsWith('_R')) return null;
  let body = symbol.slice(2);
  const dot = body.indexOf('.');
  if (dot >= 0) body = body.slice(0, dot);
  // An optional encoding version (decimal) precedes the path.
  body = body.replace(/^\d+/, '');
  try {
    const p = new Parser(body);
    // Backreferences count from the start of the path, so the parser sees it from there.
    return p.path();
  } catch (e) {
    if (e instanceof Unsupported || e instanceof RangeError) return null;
    throw e;
  }
}
