// Generates the benchmark log: 1,000,000 lines of ordinary boot and runtime chatter with real crash
// reports from test-fixtures/corpus spliced in (the qemu console captures from their trigger marker on, and
// the console logs of the syzkaller report cases). Deterministic (seeded PRNG, sorted corpus), cached in
// .test-cache/ under a name that changes with GENERATOR_VERSION and the line count.
//   node scripts/gen-big-log.mjs [lines]   → prints the path and what it contains
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, 'test-fixtures/corpus');
const CACHE = join(ROOT, '.test-cache');
const GENERATOR_VERSION = 1;

/** xorshift32: the same log on every machine. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

/** Real reports: qemu captures (from the trigger marker on) and syzkaller console logs (no header, no REPORT:). */
function loadReports() {
  const reports = [];
  for (const arch of ['qemu', 'qemu-arm64']) {
    const dir = join(CORPUS, arch, 'logs');
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.console.log'))
      .sort()) {
      const lines = readFileSync(join(dir, name), 'latin1').split(/\r\n|\r|\n/);
      const from = lines.findIndex((l) => l.startsWith('=== KCRASH TRIGGER'));
      reports.push({
        source: `${arch}/${name}`,
        lines: lines.slice(from + 1).filter((l) => !l.startsWith('=== KCRASH')),
      });
    }
  }
  const syz = join(CORPUS, 'syzkaller', 'report');
  if (existsSync(syz)) {
    const names = readdirSync(syz).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    for (const name of names) {
      const text = readFileSync(join(syz, name), 'latin1').replace(/\r/g, '');
      const lines = text.split('\n');
      const blank = lines.indexOf('');
      const header = lines.slice(0, blank);
      if (!header.some((l) => l.startsWith('TITLE:'))) continue; // negative cases add nothing a crash would
      let body = lines.slice(blank + 1);
      const report = body.indexOf('REPORT:');
      if (report > 0) body = body.slice(0, report - 1);
      reports.push({ source: `syzkaller/report/${name}`, lines: body });
    }
  }
  return reports;
}

// Ordinary kernel chatter, with fields the generator varies. Nothing here is an event.
const CHATTER = [
  (r) => `e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx`,
  (r) =>
    `usb 1-${1 + Math.floor(r() * 8)}: new high-speed USB device number ${Math.floor(r() * 120)} using xhci_hcd`,
  (r) =>
    `usb 1-${1 + Math.floor(r() * 8)}: New USB device found, idVendor=0bda, idProduct=5411, bcdDevice= 1.36`,
  (r) =>
    `EXT4-fs (nvme0n1p${1 + Math.floor(r() * 4)}): mounted filesystem ${Math.floor(r() * 1e9).toString(16)} r/w with ordered data mode. Quota mode: none.`,
  (r) =>
    `audit: type=1400 audit(${(1732269971 + r() * 1e5).toFixed(3)}:${Math.floor(r() * 999)}): apparmor="DENIED" operation="open" profile="snap.firefox" name="/proc/${Math.floor(r() * 9999)}/cgroup" pid=${Math.floor(r() * 99999)} comm="firefox" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0`,
  (r) => `IPv6: ADDRCONF(NETDEV_CHANGE): wlp${Math.floor(r() * 4)}s0: link becomes ready`,
  (r) =>
    `wlp2s0: authenticate with 3c:${Math.floor(r() * 255)
      .toString(16)
      .padStart(2, '0')}:a2:11:5e:0f`,
  (r) => `wlp2s0: send auth to 3c:7d:a2:11:5e:0f (try ${1 + Math.floor(r() * 3)}/3)`,
  (r) => `wlp2s0: associated`,
  (r) =>
    `Bluetooth: hci0: Firmware revision 0.${Math.floor(r() * 9)} build ${Math.floor(r() * 200)} week ${Math.floor(r() * 52)} 2023`,
  (r) =>
    `systemd-journald[${Math.floor(r() * 900)}]: Data hash table of /var/log/journal/system.journal has a fill level at 75.0 (5883 of 7843 items), suggesting rotation.`,
  (r) => `snd_hda_intel 0000:00:1f.3: enabling device (0000 -> 0002)`,
  (r) => `nvme nvme0: ${1 + Math.floor(r() * 16)}/0/0 default/read/poll queues`,
  (r) => `[drm] Initialized i915 1.6.0 20201103 for 0000:00:02.0 on minor ${Math.floor(r() * 2)}`,
  (r) => `PM: suspend entry (s2idle)`,
  (r) => `Filesystems sync: 0.0${Math.floor(r() * 99)} seconds`,
  (r) => `ACPI: EC: interrupt blocked`,
  (r) => `OOM killer disabled.`,
  (r) => `Freezing user space processes completed (elapsed 0.00${Math.floor(r() * 9)} seconds)`,
  (r) => `pcieport 0000:00:1c.${Math.floor(r() * 7)}: AER: Corrected error received: 0000:03:00.0`,
  (r) =>
    `input: Logitech USB Receiver as /devices/pci0000:00/0000:00:14.0/usb1/1-${1 + Math.floor(r() * 4)}/1-1:1.0/0003:046D:C52B.000${Math.floor(r() * 9)}/input/input${Math.floor(r() * 40)}`,
  (r) =>
    `hid-generic 0003:046D:C52B.0003: input,hidraw2: USB HID v1.11 Mouse [Logitech USB Receiver] on usb-0000:00:14.0-1/input1`,
  (r) =>
    `Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via Spectre v2 BHB attacks!`,
  (r) => `kauditd_printk_skb: ${Math.floor(r() * 40)} callbacks suppressed`,
  (r) =>
    `br-${Math.floor(r() * 0xffffff).toString(16)}: port ${1 + Math.floor(r() * 4)}(veth${Math.floor(r() * 0xffffff).toString(16)}) entered forwarding state`,
  (r) => `docker0: port 1(veth${Math.floor(r() * 0xffffff).toString(16)}) entered disabled state`,
  (r) => `device veth${Math.floor(r() * 0xffffff).toString(16)} left promiscuous mode`,
  (r) =>
    `TCP: request_sock_TCP: Possible SYN flooding on port ${Math.floor(r() * 65535)}. Sending cookies.  Check SNMP counters.`,
  (r) =>
    `perf: interrupt took too long (${2500 + Math.floor(r() * 2000)} > ${2500 + Math.floor(r() * 1000)}), lowering kernel.perf_event_max_sample_rate to ${Math.floor(r() * 80000)}`,
  (r) => `ata${1 + Math.floor(r() * 6)}: SATA link up 6.0 Gbps (SStatus 133 SControl 300)`,
];

export function bigLogPath(lines = 1_000_000) {
  return join(CACHE, `bench-v${GENERATOR_VERSION}-${lines}.log`);
}

/** Creates the log if it is not cached yet; returns {path, lines, reports, reportLines, sources}. */
export function ensureBigLog(lines = 1_000_000) {
  const path = bigLogPath(lines);
  const metaPath = path.replace(/\.log$/, '.json');
  if (existsSync(path) && existsSync(metaPath)) return JSON.parse(readFileSync(metaPath, 'utf8'));
  const reports = loadReports();
  if (reports.length === 0)
    throw new Error(`no reports under ${CORPUS}: the benchmark needs test-fixtures/corpus`);
  const rand = prng(0x5eed);
  const out = [];
  let time = 0;
  let inserted = 0;
  let reportLines = 0;
  let next = 0;
  const stamp = () => `[${time.toFixed(6).padStart(12)}] `;
  while (out.length < lines) {
    // A stretch of chatter, then one report, round-robin through the corpus.
    const chatter = 150 + Math.floor(rand() * 1500);
    for (let i = 0; i < chatter && out.length < lines; i++) {
      time += rand() * 0.05;
      out.push(stamp() + CHATTER[Math.floor(rand() * CHATTER.length)](rand));
    }
    const report = reports[next++ % reports.length];
    const room = lines - out.length;
    if (room < report.lines.length) {
      // Pad with chatter rather than cutting a report short.
      while (out.length < lines) {
        time += rand() * 0.05;
        out.push(stamp() + CHATTER[Math.floor(rand() * CHATTER.length)](rand));
      }
      break;
    }
    for (const l of report.lines) out.push(l);
    inserted++;
    reportLines += report.lines.length;
  }
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(path, out.join('\n') + '\n', 'latin1');
  const meta = {
    path,
    lines: out.length,
    bytes: Buffer.byteLength(out.join('\n') + '\n', 'latin1'),
    reports: inserted,
    reportLines,
    distinctSources: Math.min(inserted, reports.length),
  };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return meta;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const lines = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(ensureBigLog(lines), null, 2));
}
