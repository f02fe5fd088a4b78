// Which kernel a debug file belongs to, from what the kernel itself embeds: a module's `vermagic=` in
// `.modinfo` (include/linux/vermagic.h: the release first) and vmlinux's `linux_banner` in `.rodata`
// (init/version.c: `Linux version <release> (<builder>) <compiler> #<n> …`).
import { type ElfFile, SHT_NOBITS } from '../elf/elfFile';

/** What a debug file says about the kernel it was built for. */
export interface KernelIdentity {
  /** `uname -r` (`6.1.0-56-amd64`), or null when the file does not say. */
  release: string | null;
  /** Where it was read: `vermagic` or `Linux version banner`. */
  from: string | null;
}

/** `.rodata` is read in blocks; a banner is looked for in at most this much of it. */
const BANNER_SCAN_LIMIT = 64 << 20;
const BLOCK = 1 << 20;
const BANNER = Buffer.from('Linux version ', 'latin1');
/** A release as the kernel prints it (UTS_RELEASE): no spaces, no `%` (the `linux_proc_banner` format). */
const RELEASE = /^[A-Za-z0-9._+~-]{1,64}$/;

export function kernelIdentity(elf: ElfFile): KernelIdentity {
  const modinfo = elf.section('.modinfo');
  if (modinfo && modinfo.type !== SHT_NOBITS && modinfo.size <= 1 << 20) {
    const release = vermagicRelease(elf.readSection(modinfo));
    if (release) return { release, from: 'vermagic' };
  }
  const rodata = elf.section('.rodata');
  if (rodata && rodata.type !== SHT_NOBITS) {
    const release = bannerRelease(rodata.size, (off, len) => elf.readSectionRange(rodata, off, len));
    if (release) return { release, from: 'Linux version banner' };
  }
  return { release: null, from: null };
}

/** The release of `vermagic=<release> SMP preempt mod_unload …` in a `.modinfo` section. */
export function vermagicRelease(modinfo: Buffer): string | null {
  for (const entry of modinfo.toString('latin1').split('\0')) {
    if (!entry.startsWith('vermagic=')) continue;
    const release = entry.slice('vermagic='.length).split(' ')[0];
    return RELEASE.test(release) ? release : null;
  }
  return null;
}

function bannerRelease(size: number, read: (offset: number, length: number) => Buffer): string | null {
  const end = Math.min(size, BANNER_SCAN_LIMIT);
  // Blocks overlap by a release's length so that a banner across a block boundary is still found.
  const overlap = BANNER.length + 80;
  for (let off = 0; off < end; off += BLOCK) {
    const b = read(off, Math.min(BLOCK + overlap, size - off));
    for (let i = b.indexOf(BANNER); i >= 0; i = b.indexOf(BANNER, i + 1)) {
      const rest = b.toString('latin1', i + BANNER.length, Math.min(b.length, i + BANNER.length + 80));
      const release = rest.split(' ')[0];
      // (A release cut by the end of the section is no answer.)
      if (RELEASE.test(release) && rest.length > release.length) return release;
    }
  }
  return null;
}
