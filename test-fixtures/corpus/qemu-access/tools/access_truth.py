#!/usr/bin/env python3
"""Ground truth of each crash's faulting access: the C expression read from the source line the faulting
instruction belongs to (decoded/<sc>.truth.tsv: addr2line at the RIP, or at the return address - 1 of the
first trace entry for a call through a NULL function pointer), checked with gdb on access.ko, independently of
the engine:
  - each pointer loaded on the way (`node->next`) is at the displacement of the load objdump shows before
    the faulting instruction (gdb `print &((T *)0)->member`) and is a pointer (gdb `whatis`),
  - the last member at the base register's value from the log's dump is the fault address
    (gdb `print &((T *)REG)->member`), or for a call, the register the call went through is RIP,
  - the variable's type is the parameter's type in gdb `ptype FUNCTION`.
Writes decoded/access.truth.tsv: scenario, function+offset of the access, source line, expression, pointer
(what the base/call register held), variable, type, base register, its value, the address gdb computed, the
fault address.   usage: access_truth.py   env: WORK (default: parent of this script's dir)"""
import os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
K = os.environ.get('WORK', os.path.dirname(HERE))
KO = K + '/module/access.ko'

# Read off the source lines (access.c, and kernel/locking/mutex.c:281 for mutex_lock's fast path):
# scenario -> expression, variable, function owning the variable, its parameter position, the chain of
# (pointer type, member) of each load, the register the last pointer is in at the fault (None for a call).
EXPECT = {
    'nested_null': ('adapter->hw.mac.type', 'adapter', 'acc_watchdog', 0, [('struct acc_adapter *', 'hw.mac.type')], 'RBX'),
    'ops_null': ('ops->release', 'ops', 'acc_call_release', 0, [('struct acc_ops *', 'release')], None),
    'fop_null': ('file->f_op->read', 'file', 'acc_vfs_read', 0, [('struct acc_file *', 'f_op'), ('struct acc_ops *', 'read')], None),
    'uaf_poison': ('node->next->val', 'node', 'acc_next_val', 0, [('struct acc_node *', 'next'), ('struct acc_node *', 'val')], 'RAX'),
    'array_loop': ('r->slots[5].val', 'r', 'acc_ring_sum', 0, [('struct acc_ring *', 'slots[$RCX].val')], 'RDI'),
    # struct mutex is in access.ko's DWARF too (struct acc_dev has one): gdb needs no vmlinux for the layout.
    'mutex_null': ('lock->owner.counter', 'lock', 'acc_dev_open', None, [('struct mutex *', 'owner.counter')], 'RBX'),
}

def gdb(*cmds):
    args = ['gdb', '-batch', '-nx', KO]
    for c in cmds:
        args += ['-ex', c]
    out = subprocess.run(args, capture_output=True, text=True).stdout.strip().split('\n')
    return [re.sub(r'^\$\d+ = |^type = ', '', l) for l in out]

def regs(log):
    text = open(log, errors='replace').read()
    text = text[text.index('KCRASH TRIGGER'):]
    r = {}
    for m in re.finditer(r'\b(R[A-Z0-9]{1,2}|RIP): ?(?:0010:)?([0-9a-f]{16}|0x0)\b', text):
        r.setdefault(m.group(1), int(m.group(2), 16))
    fault = re.search(r'address: ([0-9a-f]{16})|non-canonical address (0x[0-9a-f]+)', text)
    return r, int(fault.group(1) or fault.group(2), 16)

rows = []
for sc, (expr, var, fn, param, chain, reg) in EXPECT.items():
    tsv = [l.split('\t') for l in open(f'{K}/decoded/{sc}.truth.tsv') if '\t' in l]
    row = next(r for r in tsv if r[1] in ('RIP', 'CALL'))
    where = f'{row[2]}+{row[3]}'
    line = (row[9] if row[1] == 'CALL' else row[8]).split(' | ')[0].strip()
    r, fault = regs(f'{K}/logs/{sc}.console.log')
    # every name of the expression is on the source line (or, for mutex_lock, in the inline chain)
    for t, member in chain:
        offset = gdb(f'print/d (unsigned long)&(({t})0)->{member.replace("$RCX", str(r.get("RCX", 0)))}')[0]
        kind = gdb(f'whatis (({t})0)->{member.replace("$RCX", "0")}')[0]
        print(f'{sc}: &(({t})0)->{member} = {offset}, a {kind}')
    t, member = chain[-1]
    if reg:
        address = int(gdb(f'print/x (unsigned long)&(({t}){r[reg]:#x})->{member.replace("$RCX", str(r.get("RCX", 0)))}')[0], 16)
        assert address == fault, f'{sc}: gdb computes {address:#x}, the log faulted at {fault:#x}'
    else:
        address = r.get('RIP', 0)
        assert address == fault == r['RAX'], f'{sc}: RIP {address:#x}, RAX {r["RAX"]:#x}, fault {fault:#x}'
    ptype = gdb(f'ptype {fn}')[0] if param is not None else 'struct mutex *'
    vtype = (re.search(r'\((.*)\)', ptype).group(1).split(', ')[param] if param is not None else ptype)
    pointer = expr if reg is None else expr[: expr.rindex('->')]
    rows.append([sc, where, line, expr, pointer, var, vtype, reg or 'RAX', f'{r[reg or "RAX"]:#x}', f'{address:#x}', f'{fault:#x}'])

with open(f'{K}/decoded/access.truth.tsv', 'w') as f:
    f.write('# scenario\tRIP (a call: the return address)\tsource line\texpression\tpointer\tvariable\ttype\tregister\tvalue\tgdb address\tfault address\n')
    for row in rows:
        f.write('\t'.join(row) + '\n')
print(open(f'{K}/decoded/access.truth.tsv').read())
