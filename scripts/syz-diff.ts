// Dev tool: prints every syzkaller corpus case where our first event's title differs from TITLE/ALT.
//   npx tsx scripts/syz-diff.ts [--neg] [--miss]
import { analyzeText } from '../server/src/engine';
import { loadSyzkallerCases } from '../server/test/engine/syzkaller-corpus';

const show = process.argv[2] ?? '--title';
let detected = 0,
  positives = 0,
  titled = 0,
  negatives = 0,
  negHits = 0;
for (const c of loadSyzkallerCases()) {
  const events = analyzeText(c.log).events.filter((e) => e.severity !== 'information');
  if (c.titles.length === 0) {
    negatives++;
    if (events.length) {
      negHits++;
      if (show === '--neg') console.log(`NEG ${c.name}: ${events.map((e) => e.title).join(' | ')}`);
    }
    continue;
  }
  positives++;
  if (events.length) detected++;
  else if (show === '--miss') console.log(`MISS ${c.name}: want ${c.titles[0]}`);
  if (events.length && c.titles.includes(events[0].title)) titled++;
  else if (events.length && show === '--title')
    console.log(
      `${c.name}: got  ${events[0].title}\n${' '.repeat(c.name.length)}  want ${c.titles.join(' || ')}`,
    );
}
console.log(
  `detection ${detected}/${positives}, titles ${titled}/${positives}, negatives with events ${negHits}/${negatives}`,
);
