// What the faulting access adds to the hover of a register or of the fault address (CR2, the arm64 FAR in
// `Unable to handle kernel … at virtual address`): the register's part in the faulting instruction and the
// variable DWARF puts there, the fault address as base + displacement = `&expression`. Only when the hovered
// value is the one the access used: a second register dump of the same event (user-space pt_regs) says nothing.
import { EXCEPTION_FRAME_NOTE, type FaultAccess } from './faultAccess';

const hex = (v: bigint) => '0x' + v.toString(16);
const valueText = (v: string | null) => (v === null ? 'not in the dump' : v === '0x0' ? 'NULL' : v);

/** The register's part in the faulting access, one markdown line, or null when it had none. */
export function registerInAccess(a: FaultAccess, register: string, value: bigint): string | null {
  const same = (r: { register: string; value: string | null } | null) =>
    r !== null && r.register.toLowerCase() === register.toLowerCase() && r.value === hex(value);
  const instruction = `\`${a.instruction}\` at ${a.function ?? '??'}+0x${(a.offset ?? 0).toString(16)}`;
  if (same(a.base)) {
    const v = a.variable;
    const loaded = v && a.pointer && a.pointer !== v.name ? a.pointer : null;
    const holds = loaded
      ? `holds \`${loaded}\` (loaded from \`${v!.name}\`, ${v!.kind} of ${[v!.function, ...v!.inlinedIn].join(', inlined in ')}) here: `
      : v && v.location.toLowerCase().startsWith(register.toLowerCase())
        ? `holds \`${v.name}\` (${v.kind} of ${[v.function, ...v.inlinedIn].join(', inlined in ')}${v.location.toLowerCase() === register.toLowerCase() ? '' : `; \`${v.name}\` = ${v.location}`}) here: `
        : '';
    const part =
      a.kind === 'exec'
        ? `the register the faulting call ${instruction} went through`
        : `the base register of the faulting ${instruction}`;
    const result = a.expression
      ? ` — ${a.kind === 'exec' ? 'calling' : 'the access is'} \`${a.expression}\`${a.address ? ` at ${a.address}` : ''}`
      : a.address
        ? ` — the access is at ${a.address}`
        : '';
    return `**Faulting access:** ${register} ${holds || 'is '}${part}${result}.`;
  }
  if (same(a.index))
    return `**Faulting access:** ${register} is the index register (×${a.index!.scale}) of the faulting ${instruction}${a.expression ? ` — \`${a.expression}\`` : ''}.`;
  return null;
}

/** The fault address as the faulting access computed it, one markdown line, or null when it is not that address. */
export function faultAddressInAccess(a: FaultAccess, value: bigint): string | null {
  const fault = a.faultAddress === hex(value);
  // A stack guard hit reported at the push of the exception frame, below the access.
  const pushed = fault ? a.notes.find((n) => n.startsWith(EXCEPTION_FRAME_NOTE)) : undefined;
  if (pushed)
    return `**Faulting access:** \`${a.instruction}\` wrote ${a.expression ? `\`${a.expression}\` at ` : ''}${a.stack?.byte ?? a.address ?? 'an address not known'}, not this address: ${pushed}.`;
  // A string instruction faults anywhere in what it has left to write, not only at RDI.
  if (fault && a.agreesWithFaultAddress && a.address !== hex(value) && /^rep /.test(a.instruction)) {
    const named = a.stack?.byte === hex(value) && a.expression ? ` = \`&${a.expression}\`` : '';
    return `**Faulting access:** \`${a.instruction}\` had this address left to write from ${a.base?.register ?? 'RDI'} (${valueText(a.base?.value ?? null)})${named}.`;
  }
  if (a.address !== hex(value) && !(a.agreesWithFaultAddress && a.faultAddress === hex(value))) return null;
  const base = a.base && a.kind !== 'exec' ? `${a.base.register} (${valueText(a.base.value)})` : null;
  const index = a.index ? `${a.index.register} (${valueText(a.index.value)}) × ${a.index.scale}` : null;
  const disp = a.displacement && !/^-?0x0$/.test(a.displacement) ? a.displacement : null;
  const sum = [base, index, disp]
    .filter((p) => p)
    .join(' + ')
    .replace('+ -', '− ');
  const target = a.expression
    ? a.kind === 'exec'
      ? `calling \`${a.expression}\``
      : `\`&${a.expression}\``
    : null;
  return `**Faulting access:** \`${a.instruction}\`${sum ? `: ${sum}` : ''}${target ? ` = ${target}` : ` = ${a.address}`}${a.agreesWithFaultAddress === false ? ` — not this address (${a.notes.find((n) => n.includes('not the computed')) ?? 'disagrees'})` : ''}.`;
}
