// Joins a Cedar run of bench.mjs and JMH's JSON of DecisionBenchmark into one file and prints the table
// ours / Cedar per scenario (medians and p99 of per-call samples). Used by benchmarks/pdp-vs-cedar.sh.
//
//   node compare.mjs --cedar CEDAR.json --jmh JMH.json --out JOINED.json [--env.KEY VALUE ...]
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opts = {};
for (let i = 0; i < args.length; i += 2) {
  if (!args[i].startsWith('--') || i + 1 >= args.length) fail(`bad arguments near ${args[i]}`);
  opts[args[i].slice(2)] = args[i + 1];
}
function fail(msg) { console.error(`compare.mjs: ${msg}`); process.exit(1); }
for (const k of ['cedar', 'jmh', 'out']) if (!opts[k]) fail(`--${k} is required`);

const cedar = JSON.parse(readFileSync(opts.cedar, 'utf8'));
const jmh = JSON.parse(readFileSync(opts.jmh, 'utf8'));
const env = Object.fromEntries(Object.entries(opts).filter(([k]) => k.startsWith('env.')).map(([k, v]) => [k.slice(4), v]));

const ours = new Map();
for (const b of jmh) {
  if (!b.benchmark.endsWith('DecisionBenchmark.decide')) continue;
  if (b.primaryMetric.scoreUnit !== 'us/op' || b.mode !== 'sample') fail(`unexpected JMH result ${b.mode} ${b.primaryMetric.scoreUnit}`);
  const p = b.primaryMetric.scorePercentiles;
  ours.set(b.params.scenario, { p50: p['50.0'], p90: p['90.0'], p99: p['99.0'], 'p99.9': p['99.9'], mean: b.primaryMetric.score,
    samples: b.primaryMetric.rawDataHistogram.flat(2).reduce((n, [, c]) => n + c, 0) });
}
const round = (v, d = 2) => (v == null ? null : Math.round(v * 10 ** d) / 10 ** d);
const rows = [];
for (const r of cedar.results) {
  if (r.variant === 'floor') continue;
  const o = ours.get(r.scenario);
  if (!o) fail(`JMH has no result for scenario ${r.scenario}`);
  rows.push({ scenario: r.scenario, variant: r.variant, entitiesPerCall: r.entities,
    ours: { p50: o.p50, p99: o.p99, mean: round(o.mean, 3), samples: o.samples },
    cedar: { p50: r.p50, p99: r.p99, mean: r.mean, batchMeanPerCall: r.batch?.meanPerCall, samples: r.samples },
    ratioP50: round(o.p50 / r.p50, 4), ratioP99: round(o.p99 / r.p99, 4) });
}
const floor = cedar.results.find((r) => r.variant === 'floor');
const joined = { tool: 'benchmarks/pdp-vs-cedar.sh', ratio: 'ours / Cedar (below 1: ours is faster)', env,
  cedarFile: opts.cedar, jmhFile: opts.jmh, cedarFloor: floor ?? null, cedarTimerOverheadNs: cedar.timerOverheadNs,
  matrixDecisionsChecked: cedar.matrixDecisionsChecked, rows };
writeFileSync(opts.out, JSON.stringify(joined, null, 2) + '\n');

const f = (v) => (v == null ? '-' : String(round(v, 2)));
for (const variant of [...new Set(rows.map((r) => r.variant))]) {
  console.log(`\nCedar variant: ${variant}   (times in µs per decision; ratio = ours / Cedar)`);
  console.log('| scenario | ours p50 | Cedar p50 | **ratio p50** | ours p99 | Cedar p99 | ratio p99 | Cedar batch mean |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows.filter((x) => x.variant === variant)) {
    console.log(`| ${r.scenario} | ${f(r.ours.p50)} | ${f(r.cedar.p50)} | **${round(r.ratioP50, 4)}** | ${f(r.ours.p99)} | ${f(r.cedar.p99)} | ${round(r.ratioP99, 4)} | ${f(r.cedar.batchMeanPerCall)} |`);
  }
}
if (floor) console.log(`\nCedar floor (trivial preparsed policy, no entities): p50 ${floor.p50} µs, p99 ${floor.p99} µs, batch mean ${floor.batch?.meanPerCall} µs`);
console.log(`Cedar timer overhead (hrtime.bigint pair): median ${cedar.timerOverheadNs.median} ns`);
console.log(`Matrix decisions checked (ours = Cedar): ${cedar.matrixDecisionsChecked}`);
