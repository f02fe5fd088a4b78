// Step 3: the variable. The variables and parameters in scope at the PC whose DWARF location there is the
// base register.

export interface VariableAtPc {
  name: string;
  kind: 'parameter' | 'local';
  /** The function that owns it (the inlined callee when it belongs to an inlined call). */
  function: string;
  /** The functions that function is inlined into, innermost first ([] when not inlined). */
  inlinedIn: string[];
  /** C spelling of its type: `struct buggy_obj *`. */
  type: string;
  /** Its location at the PC: `RDI`, `RBX+0x8` (the variable's value is the register plus 8). */
  location: string;
}
