// Lines built to provoke catastrophic backtracking in the grammar's regexes: long runs of what a
// pattern's prefix accepts with the suffix it needs missing. Shared by robustness.test.ts and
// scripts/bench-grammar.mjs (which times them).
const KB100 = 100 * 1024;
const rep = (s, n) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
const TS = '[   12.345678] ';

export function adversarialLines() {
  return [
    { name: '100 KB of hex', line: rep('0123456789abcdef', KB100) },
    { name: '100 KB of hex after timestamp', line: TS + rep('deadbeef ', KB100) },
    { name: '100 KB of [', line: '['.repeat(KB100) },
    { name: '100 KB of [ after timestamp', line: TS + '['.repeat(KB100) },
    { name: '100 KB of [< without >]', line: rep('[<ffffffff81', KB100) },
    { name: '20000-char symbol without offset', line: TS + ' ' + 'a'.repeat(20_000) },
    { name: '20000-char dotted symbol', line: TS + ' ' + rep('a.', 20_000) },
    { name: 'very long frame', line: TS + ' ' + rep('x_', 20_000) + '+0x1f/0x60 [' + 'm'.repeat(5000) + ']' },
    { name: '5000 frames on one line', line: TS + rep(' ? func_name+0x1f/0x60 [mod]', 20_000) },
    { name: 'path without extension', line: TS + rep('a/', 20_000) + ':12' },
    { name: 'path with many colons', line: TS + rep('mm/slub.c:', 20_000) },
    { name: 'register-like names', line: TS + rep('RAX: RBX: ', 20_000) },
    { name: 'register line of 20000 chars', line: TS + rep('RAX: 0000000000000000 ', 20_000) },
    { name: 'Code: line of 20000 chars', line: TS + 'Code: ' + rep('8b <48 (0f ', 20_000) },
    { name: 'Tainted: letters forever', line: TS + 'CPU: 0 PID: 1 Comm: x Tainted: ' + rep('G W ', 20_000) },
    { name: 'unterminated quote', line: TS + '"' + 'x'.repeat(20_000) },
    { name: 'many quotes', line: TS + '"'.repeat(20_000) },
    { name: 'key=value chain', line: TS + rep('k=', 20_000) },
    { name: 'task a:a:a:a… without pid', line: TS + 'INFO: task ' + rep('a:', 20_000) },
    { name: 'BUG: then 20000 chars', line: TS + 'BUG: ' + rep('word ', 20_000) },
    { name: 'timestamps run together', line: rep('[   12.345678]', 20_000) },
    { name: 'shadow row without bytes', line: TS + rep('ffff8801d92ca700: ', 20_000) },
    { name: 'OOM row without name', line: TS + '[    117]' + rep('     0', 20_000) },
    { name: 'ANSI escapes', line: rep('\x1b[0m\x1b[?25l', 20_000) + TS },
    { name: 'spaces then nothing', line: TS + ' '.repeat(20_000) },
    { name: 'CRLF leftovers', line: TS + rep('\r', 20_000) },
  ];
}
