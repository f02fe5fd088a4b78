#!/usr/bin/env python3
"""Ground truth for each captured console log.
For every frame 'sym+0xOFF/0xSIZE [mod]' in the crash part of the log:
  - object = module/buggy.ko for [buggy], else the -dbg vmlinux
  - address = st_value(sym) + OFF  (vmlinux: link-time address, KASLR-independent;
              buggy.ko: offset inside the symbol's section, passed with -j <section>)
  - binutils addr2line -f -i at address (and at address-1 for return-address frames)
  - llvm-symbolizer at the same address (vmlinux only: llvm-symbolizer 14 has no
    section option for ET_REL objects)
Writes decoded/<scenario>.truth.tsv and decoded/<scenario>.truth.txt (and logs/<scenario>.crash.txt)
usage: gen_truth.py <scenario>...   env: WORK (default: parent of this script's dir), VMLINUX, MOD, KO"""
import re, subprocess, sys, os, collections
HERE = os.path.dirname(os.path.abspath(__file__))
K = os.environ.get('WORK', os.path.dirname(HERE))           # work dir: logs/, decoded/, module/, cache/
VMLINUX = os.environ.get('VMLINUX', '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64')  # from linux-image-6.1.0-56-amd64-dbg
MOD = os.environ.get('MOD', 'hardening')                    # the module's name in the logs ([hardening], [access])
KO = os.environ.get('KO', K + f'/module/{MOD}.ko')
CACHE = K + '/cache'

def readelf_dump(obj, name):
    """`readelf -sW obj`, cached in <WORK>/cache/<name> (the vmlinux dump is ~10 MB)."""
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, name)
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(obj):
        with open(path, 'w') as f:
            subprocess.run(['readelf', '-sW', obj], stdout=f, check=True)
    return path

def load_syms(readelf_txt, secnames=None):
    """name -> [(value, elf_size, section_name, next_symbol_distance)].
    next_symbol_distance mimics the size kallsyms prints (distance to the next
    symbol in the same section), which is what faddr2line compares against."""
    allsyms = []
    for line in open(readelf_txt):
        p = line.split()
        if len(p) < 8 or p[3] not in ('FUNC', 'NOTYPE', 'OBJECT') or not p[6].isdigit():
            continue
        try:
            val = int(p[1], 16); size = int(p[2], 0)
        except ValueError:
            continue
        allsyms.append((int(p[6]), val, size, p[3], p[7]))
    bysec = collections.defaultdict(list)
    for ndx, val, size, typ, name in allsyms:
        bysec[ndx].append(val)
    for k in bysec:
        bysec[k] = sorted(set(bysec[k]))
    import bisect
    syms = collections.defaultdict(list)
    for ndx, val, size, typ, name in allsyms:
        if typ == 'OBJECT':
            continue
        addrs = bysec[ndx]
        i = bisect.bisect_right(addrs, val)
        nxt = addrs[i] - val if i < len(addrs) else size
        sec = secnames.get(ndx) if secnames else None
        syms[name].append((val, size, sec, nxt))
    return syms

def ko_secnames():
    out = subprocess.run(['readelf', '-SW', KO], capture_output=True, text=True).stdout
    d = {}
    for m in re.finditer(r'^\s*\[\s*(\d+)\]\s+(\S+)', out, re.M):
        d[int(m.group(1))] = m.group(2)
    return d

VSYMS = load_syms(readelf_dump(VMLINUX, 'vmlinux.readelf-s.txt'))
KSYMS = load_syms(readelf_dump(KO, f'{MOD}.ko.readelf-s.txt'), ko_secnames())

def a2l(obj, addr, sec=None):
    cmd = ['addr2line', '-f', '-i', '-p', '-e', obj]
    if sec: cmd += ['-j', sec]
    cmd.append(hex(addr))
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().replace('\n', ' | ')

def llvm(obj, addr):
    out = subprocess.run(['llvm-symbolizer', '--obj=' + obj, '--inlining', '--output-style=GNU',
                          '-f', '-p', hex(addr)], capture_output=True, text=True).stdout.strip()
    return out.replace('\n', ' | ')

FRAME = re.compile(r'(RIP: 00\d0:|WARNING: .* at \S+ |(?:Allocated|Freed) in |stack-protector: Kernel stack is corrupted in: |^(?:\[[ \d.]+\] )? (\? )?)([A-Za-z_][\w.]*)\+0x([0-9a-f]+)/0x([0-9a-f]+)(?: \[(\w+)\])?')

def main(sc):
    log = [l.rstrip('\r') for l in open(f'{K}/logs/{sc}.console.log', errors='replace', newline='').read().split('\n')]  # line numbers = '\n' count (same in .console.log and .console.lf.log)
    try:
        start = next(i for i, l in enumerate(log) if 'KCRASH TRIGGER' in l)
    except StopIteration:
        start = 0
    crash = log[start:]
    with open(f'{K}/logs/{sc}.crash.txt', 'w') as f:
        f.write('\n'.join(crash) + '\n')
    rows = []
    seen = set()
    for ln, line in enumerate(crash, start + 1):
        m = FRAME.search(line)
        if not m:
            continue
        kind_raw, q, sym, off, size, mod = m.groups()
        off = int(off, 16); size = int(size, 16)
        if kind_raw.startswith('RIP'):
            kind = 'RIP'
        elif kind_raw.startswith('WARNING'):
            kind = 'WARN_AT'
        elif kind_raw.endswith(' in '):
            # SLUB track (t->addr = _RET_IP_ of the allocation/free call, printed with %pS)
            kind = 'CALL_TRACK'
        elif kind_raw.startswith('stack-protector'):
            # __stack_chk_fail's return address, printed with %pB
            kind = 'CALL_PB'
        else:
            kind = 'CALL?' if q else 'CALL'
        key = (kind, sym, off, size, mod)
        if key in seen:
            continue
        seen.add(key)
        obj = KO if mod == MOD else VMLINUX
        cands = (KSYMS if mod == MOD else VSYMS).get(sym, [])
        match = [c for c in cands if c[3] == size] or [c for c in cands if c[1] == size] or cands
        if not match:
            rows.append((ln, kind, sym, off, size, mod or 'vmlinux', '-', '-', 'SYMBOL NOT FOUND', '', '', ''))
            continue
        if len(match) > 1:
            note = f'AMBIGUOUS({len(match)} symbols with this name and size)'
        else:
            note = ''
        for ci, (val, ssize, sec, _nxt) in enumerate(match):
            addr = val + off
            exact = a2l(obj, addr, sec if mod == MOD else None)
            prev = a2l(obj, addr - 1, sec if mod == MOD else None) if kind.startswith('CALL') else ''
            ll = llvm(obj, addr) if mod != MOD else ''
            n = note + (f' candidate {ci+1}/{len(match)}' if len(match) > 1 else '')
            rows.append((ln, kind, sym, off, size, mod or 'vmlinux', sec or 'vmlinux', hex(addr), exact, prev, ll, n))
    with open(f'{K}/decoded/{sc}.truth.tsv', 'w') as f:
        f.write('\t'.join(['log_line', 'kind', 'symbol', 'offset', 'size', 'object', 'section',
                           'address', 'addr2line_at_address', 'addr2line_at_address_minus_1',
                           'llvm_symbolizer_at_address', 'note']) + '\n')
        for r in rows:
            f.write('\t'.join(str(x) if not isinstance(x, int) or x < 0 else (hex(x) if i in (3, 4) else str(x))
                              for i, x in enumerate(r)) + '\n')
    with open(f'{K}/decoded/{sc}.truth.txt', 'w') as f:
        for r in rows:
            ln, kind, sym, off, size, mod, sec, addr = r[:8]
            f.write(f'L{ln} {kind:7s} {sym}+{off:#x}/{size:#x} [{mod}] {sec} addr={addr} {r[11]}\n')
            f.write(f'    addr2line @addr   : {r[8]}\n')
            if r[9]: f.write(f'    addr2line @addr-1 : {r[9]}\n')
            if r[10]: f.write(f'    llvm-symbolizer   : {r[10]}\n')
    print(sc, len(rows), 'frames')

if __name__ == '__main__':
    for sc in sys.argv[1:]:
        main(sc)
