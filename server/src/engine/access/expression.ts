// Step 4: the member. The variable's pointed-to type walked to the member at the displacement, and the C
// expression a kernel developer would write.

export interface MemberPath {
  /** `hw.mac.type`, `val`, `[5]`; '' for the pointed-to object itself (`*p`). */
  member: string;
  /** `struct buggy_obj +0x10`, null when the pointee is no struct/union/array. */
  container: string | null;
  /** `o->val`, `tbl[5]`, `*p`. */
  expression: string;
}
