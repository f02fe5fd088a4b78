import test from 'node:test';
import assert from 'node:assert/strict';
import { demangleRust } from '../../src/engine/rust-demangle';

// Symbols from Rust-for-Linux stack traces (rust_binder, ashmem, core).
test('demangles v0 paths, inherent and trait impls, with backreferences', () => {
  assert.equal(
    demangleRust('_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref'),
    '<rust_binder::process::Process>::update_ref',
  );
  assert.equal(
    demangleRust(
      '_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap',
    ),
    '<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap',
  );
  assert.equal(demangleRust('_RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt'), 'core::panicking::panic_fmt');
  // An identifier starting with `_` is separated from its length by one `_`.
  assert.equal(demangleRust('_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind'), '__rustc::rust_begin_unwind');
  // References and trait impls for them.
  assert.equal(
    demangleRust('_RNvXs1b_NtCs9jEwPDbx20M_4core3fmtRNtNtNtB8_5panic10panic_info9PanicInfoNtB6_7Display3fmt'),
    '<&core::panic::panic_info::PanicInfo as core::fmt::Display>::fmt',
  );
  // Generic arguments and linker suffixes.
  assert.equal(demangleRust('_RINvCs1_4core3fooNtCs2_3bar3BazmE.llvm.123'), 'core::foo::<bar::Baz, u32>');
});

test('gives null for what it does not demangle, never throws', () => {
  assert.equal(demangleRust('do_syscall_64'), null);
  assert.equal(demangleRust('_RAX'), null);
  assert.equal(demangleRust('_RNvCs1_4core'), null); // truncated
  assert.equal(demangleRust('_RNvCs1_4coreu3foo'), null); // punycode
  assert.equal(demangleRust('_RNvB0_3foo'), null); // backref to itself
  assert.equal(demangleRust('_R' + 'I'.repeat(5000)), null);
});
