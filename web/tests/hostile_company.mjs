// Rewrites a company written by `cxm generate --format jsonl` so that every text field a person
// could type into an export holds a script payload, for the report's injection test. Ids,
// timestamps, numbers, enums (kind, speaker, outcome) and the writer's language stay as they
// are, so the company still loads and analyses; a value is rewritten the same way wherever it
// appears, so touchpoints still join.
//
//   node tests/hostile_company.mjs FOLDER
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const payloads = [
  '<img src=x onerror="window.__cxmXss=(window.__cxmXss||0)+1">',
  '</script><script>window.__cxmXss=(window.__cxmXss||0)+1</script>',
  '"><svg onload="window.__cxmXss=(window.__cxmXss||0)+1"></svg>',
  "'><iframe srcdoc=\"<script>parent.__cxmXss=1</script>\"></iframe>",
];

const hostileFields = {
  customers: ['segment', 'persona', 'country'],
  interactions: ['channel', 'touchpoint', 'journey_stage', 'team', 'failure'],
  feedback: ['text', 'touchpoint'],
  messages: ['text'],
  transactions: ['category'],
  churn: ['reason'],
  employees: ['team', 'name'],
  employee_feedback: ['text'],
  self_assessment: ['touchpoint'],
};

function hostile(value) {
  let hash = 0;
  for (const c of value) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  return `${value} ${payloads[hash % payloads.length]}`;
}

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node tests/hostile_company.mjs FOLDER');
  process.exit(2);
}
for (const [table, fields] of Object.entries(hostileFields)) {
  const path = join(folder, `${table}.jsonl`);
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const rewritten = lines.map((line) => {
    const row = JSON.parse(line);
    for (const field of fields) {
      if (typeof row[field] === 'string' && row[field] !== '') row[field] = hostile(row[field]);
    }
    return JSON.stringify(row);
  });
  writeFileSync(path, `${rewritten.join('\n')}\n`);
}
