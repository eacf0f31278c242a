// Cedar peer of eu.panosc.benchmarks.pdp.DecisionBenchmark: the PaNOSC data policy (policies.cedar) over
// the same deterministic world (world.mjs), the same six scenarios, with @cedar-policy/cedar-wasm under
// Node. First checks every scenario's decision and deciding policy (and, with --matrix FILE, every
// decision of the PDP engine printed by eu.panosc.benchmarks.pdp.DecisionMatrix); then measures.
// Any wrong answer, before or during measurement, exits 1.
//
//   node bench.mjs [--matrix FILE] [--out FILE]
//
// Variants (BENCH_CEDAR_VARIANTS, comma-separated; default all three):
//   stateful-slice  statefulIsAuthorized with the policy set preparsed once (preparsePolicySet) and the
//                   request's entity slice (principal + ancestors, dataset, its facility and proposal).
//                   The peer: the way cedar-wasm is meant to be called repeatedly.
//   stateful-world  the same with all 34 entities of the world on every call.
//   stateless-slice isAuthorized with the policy texts (keyed by @id) and the slice on every call (parses the policies
//                   per call).
//   floor           not a scenario: statefulIsAuthorized of a preparsed one-line policy
//                   `permit(principal, action, resource);` with no entities and an empty context, measured
//                   once (scenario "trivial-permit"): the fixed cost of a call through the binding.
//
// Timing, per variant and scenario: warm-up (BENCH_CEDAR_WARMUP_S, default 6 s like JMH's 3 x 2 s), then
// per-call samples for BENCH_CEDAR_MEASURE_S (default 10 s like JMH's 5 x 2 s): process.hrtime.bigint()
// before and after EVERY call (like JMH SampleTime, which also times single calls), giving median, p90,
// p99, p99.9, max and mean. Then BENCH_CEDAR_BATCH_S (default 2 s) of batches of 100 calls timed as a
// whole, giving the mean per call without the per-call timer. The timer's own cost (an empty
// hrtime.bigint() pair) is measured and reported, not subtracted. The secondary variants use a quarter
// of the warm-up and measurement time. Every measured call checks its decision.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { NOW, worldEntities, worldUsers, worldDatasets, slice, request, ACTIONS } from './world.mjs';

const HERE = new URL('.', import.meta.url);
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const num = (name, dflt) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!(n > 0)) fail(`${name}=${v} is not a positive number`);
  return n;
};
function fail(msg) { console.error(`bench.mjs: ${msg}`); process.exit(1); }

const WARMUP_S = num('BENCH_CEDAR_WARMUP_S', 6);
const MEASURE_S = num('BENCH_CEDAR_MEASURE_S', 10);
const BATCH_S = num('BENCH_CEDAR_BATCH_S', 2);
const BATCH = 100;
const VARIANTS = (process.env.BENCH_CEDAR_VARIANTS || 'stateful-slice,stateful-world,stateless-slice,floor').split(',');
const KNOWN_VARIANTS = ['stateful-slice', 'stateful-world', 'stateless-slice', 'floor'];
for (const v of VARIANTS) if (!KNOWN_VARIANTS.includes(v)) fail(`unknown variant ${v} (${KNOWN_VARIANTS})`);

/** scenario: user, action, dataset, expected decision, expected satisfied policies (as DecisionBenchmark). */
const SCENARIOS = [
  ['member-read-embargoed', 'co@esrf', 'read', 'esrf/embargoed', true, ['proposal-member']],
  ['staff-read-embargoed', 'scientist@esrf', 'read', 'esrf/embargoed', true, ['facility-data-staff']],
  ['outsider-read-released', 'outsider@nowhere', 'read', 'esrf/released', true, ['released']],
  ['outsider-read-public', 'outsider@nowhere', 'download', 'esrf/public', true, ['public-dataset']],
  ['outsider-read-embargoed-deny', 'outsider@nowhere', 'read', 'esrf/embargoed', false, []],
  ['co-publish-deny', 'co@esrf', 'publish', 'esrf/embargoed', false, []],
];

// ------------------------------------------------------------------------------------- policy set
const policyText = readFileSync(new URL('policies.cedar', HERE), 'utf8');
const parts = cedar.policySetTextToParts(policyText);
if (parts.type !== 'success') fail(`policies.cedar does not parse: ${JSON.stringify(parts.errors)}`);
/** Policies keyed by their @id, so diagnostics name the rule of default.yaml. */
const staticPolicies = {};
for (const p of parts.policies) {
  const id = /@id\("([^"]+)"\)/.exec(p)?.[1];
  if (!id || staticPolicies[id]) fail(`policy without a unique @id: ${p}`);
  staticPolicies[id] = p;
}
const policies = { staticPolicies };
const PSET = 'panosc-data';
const pre = cedar.preparsePolicySet(PSET, policies);
if (pre.type !== 'success') fail(`preparsePolicySet failed: ${JSON.stringify(pre.errors)}`);

const TRIVIAL = 'trivial';
if (cedar.preparsePolicySet(TRIVIAL, { staticPolicies: { 'trivial-permit': 'permit (principal, action, resource);' } }).type !== 'success') {
  fail('preparsePolicySet of the trivial policy failed');
}

const all = worldEntities();
const worldList = [...all.values()];
const check = cedar.checkParseEntities({ entities: worldList });
if (check.type !== 'success') fail(`entities do not parse: ${JSON.stringify(check.errors)}`);

/** The call object and the function of a variant, built once per scenario (outside the timing). */
function callOf(variant, user, action, dataset) {
  const req = request(user, action, dataset);
  switch (variant) {
    case 'stateful-slice':
      return [cedar.statefulIsAuthorized, { ...req, preparsedPolicySetId: PSET, entities: slice(all, user, dataset) }];
    case 'stateful-world':
      return [cedar.statefulIsAuthorized, { ...req, preparsedPolicySetId: PSET, entities: worldList }];
    case 'stateless-slice':
      return [cedar.isAuthorized, { ...req, policies, entities: slice(all, user, dataset) }];
    case 'floor':
      return [cedar.statefulIsAuthorized, { ...req, context: {}, preparsedPolicySetId: TRIVIAL, entities: [] }];
    default: throw new Error(variant);
  }
}

function decide(fn, call, what) {
  const a = fn(call);
  if (a.type !== 'success') fail(`${what}: ${JSON.stringify(a.errors)}`);
  if (a.warnings.length) fail(`${what}: warnings ${JSON.stringify(a.warnings)}`);
  if (a.response.diagnostics.errors.length) fail(`${what}: evaluation errors ${JSON.stringify(a.response.diagnostics.errors)}`);
  return a.response;
}

// ------------------------------------------------------------------------------------------ checks
for (const variant of KNOWN_VARIANTS.filter((v) => v !== 'floor')) {
  for (const [name, user, action, dataset, permit, reasons] of SCENARIOS) {
    const [fn, call] = callOf(variant, user, action, dataset);
    const r = decide(fn, call, `${variant} ${name}`);
    const got = [...r.diagnostics.reason].sort();
    if ((r.decision === 'allow') !== permit || JSON.stringify(got) !== JSON.stringify([...reasons].sort())) {
      fail(`${variant} ${name}: expected ${permit ? 'allow' : 'deny'} by [${reasons}], got ${r.decision} by [${got}]`);
    }
  }
}
let matrixChecked = 0;
const matrixFile = opt('--matrix');
if (matrixFile) {
  // Every decision of our engine over the world (DecisionMatrix), against Cedar's (slice and whole world).
  // Our engine stops at the first rule that holds; Cedar reports every policy that holds, so the rule
  // must be one of Cedar's reasons.
  const lines = readFileSync(matrixFile, 'utf8').split('\n').filter((l) => l.trim());
  const seen = new Set();
  for (const line of lines) {
    const m = JSON.parse(line);
    seen.add(`${m.user} ${m.action} ${m.dataset}`);
    for (const variant of ['stateful-slice', 'stateful-world']) {
      const [fn, call] = callOf(variant, m.user, m.action, m.dataset);
      const r = decide(fn, call, `matrix ${variant} ${line}`);
      if ((r.decision === 'allow') !== m.permit || (m.permit && !r.diagnostics.reason.includes(m.rule))) {
        fail(`matrix ${variant}: ours ${line}, Cedar ${r.decision} by [${r.diagnostics.reason}]`);
      }
    }
    matrixChecked++;
  }
  const expected = worldUsers().length * (ACTIONS.length + 1) * worldDatasets().length;
  if (seen.size !== expected || matrixChecked !== expected) {
    fail(`matrix: ${matrixChecked} lines (${seen.size} distinct), expected ${expected}`);
  }
  console.error(`bench.mjs: all ${matrixChecked} decisions of the PDP engine's matrix agree with Cedar`);
}

// ---------------------------------------------------------------------------------------- measuring
const hr = process.hrtime.bigint;

function timerOverheadNs() {
  const n = 200000, s = new Float64Array(n);
  for (let i = 0; i < n; i++) { const t0 = hr(); const t1 = hr(); s[i] = Number(t1 - t0); }
  s.sort();
  return { median: s[n >> 1], p99: s[Math.floor(n * 0.99)] };
}

function pct(sorted, n, q) {   // nearest rank
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
}

function measure(fn, call, permit, warmupS, measureS, batchS, what) {
  const want = permit ? 'allow' : 'deny';
  const bad = (a) => fail(`${what}: wrong answer during measurement: ${JSON.stringify(a)}`);
  let end = hr() + BigInt(Math.round(warmupS * 1e9));
  let warm = 0;
  while (hr() < end) {
    for (let i = 0; i < 100; i++) { const a = fn(call); if (a.type !== 'success' || a.response.decision !== want) bad(a); }
    warm += 100;
  }
  let samples = new Float64Array(1 << 20), n = 0;
  const start = hr();
  end = start + BigInt(Math.round(measureS * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) {
      const t0 = hr();
      const a = fn(call);
      const t1 = hr();
      if (a.type !== 'success' || a.response.decision !== want) bad(a);
      if (n === samples.length) { const g = new Float64Array(n * 2); g.set(samples); samples = g; }
      samples[n++] = Number(t1 - t0);
      now = t1;
    }
  }
  const s = samples.subarray(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i];
  // batches: the mean per call with one timer pair per BATCH calls
  const batchMeans = [];
  end = hr() + BigInt(Math.round(batchS * 1e9));
  let batchCalls = 0, batchNs = 0;
  while (hr() < end) {
    const t0 = hr();
    for (let i = 0; i < BATCH; i++) { const a = fn(call); if (a.type !== 'success' || a.response.decision !== want) bad(a); }
    const dt = Number(hr() - t0);
    batchMeans.push(dt / BATCH / 1000);
    batchCalls += BATCH; batchNs += dt;
  }
  batchMeans.sort((a, b) => a - b);
  const us = (v) => Math.round(v) / 1000;
  return {
    unit: 'us',
    warmupCalls: warm,
    samples: n,
    p0: us(s[0]), p50: us(pct(s, n, 0.5)), p90: us(pct(s, n, 0.9)), p99: us(pct(s, n, 0.99)),
    'p99.9': us(pct(s, n, 0.999)), p100: us(s[n - 1]), mean: us(sum / n),
    batch: batchCalls ? {
      size: BATCH, batches: batchMeans.length, meanPerCall: Math.round(batchNs / batchCalls) / 1000,
      medianBatchMeanPerCall: Math.round(batchMeans[batchMeans.length >> 1] * 1000) / 1000,
    } : null,
  };
}

const LOAD0 = os.loadavg();
const started = new Date().toISOString();
const timer = timerOverheadNs();
const results = [];
for (const variant of VARIANTS) {
  const f = variant === 'stateful-slice' ? 1 : 0.25;
  const scenarios = variant === 'floor' ? [['trivial-permit', 'co@esrf', 'read', 'esrf/embargoed', true]] : SCENARIOS;
  for (const [name, user, action, dataset, permit] of scenarios) {
    const [fn, call] = callOf(variant, user, action, dataset);
    const r = measure(fn, call, permit, WARMUP_S * f, MEASURE_S * f, BATCH_S, `${variant} ${name}`);
    results.push({ variant, scenario: name, entities: call.entities.length, ...r });
    console.error(`bench.mjs: ${variant.padEnd(15)} ${name.padEnd(28)} p50 ${r.p50} us  p99 ${r.p99} us  ` +
      `mean ${r.mean} us  batch mean ${r.batch?.meanPerCall} us  (${r.samples} samples)`);
  }
}

const out = {
  tool: 'benchmarks/cedar/bench.mjs',
  started,
  finished: new Date().toISOString(),
  cedar: { package: '@cedar-policy/cedar-wasm', version: cedar.getCedarSDKVersion(), cedarVersion: cedar.getCedarVersion(), langVersion: cedar.getCedarLangVersion() },
  node: process.version, v8: process.versions.v8,
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), loadavgAtStart: loadAtStart(), loadavgAtEnd: os.loadavg() },
  now: NOW,
  settings: { warmupS: WARMUP_S, measureS: MEASURE_S, batchS: BATCH_S, batch: BATCH, secondaryVariantsTimeFactor: 0.25, variants: VARIANTS },
  timing: 'per-call samples with process.hrtime.bigint() around every call (nearest-rank percentiles; timer cost not subtracted), then batches of ' + BATCH + ' calls timed as a whole',
  timerOverheadNs: timer,
  matrixDecisionsChecked: matrixChecked,
  results,
};
function loadAtStart() { return LOAD0; }
const json = JSON.stringify(out, null, 2) + '\n';
const outFile = opt('--out');
if (outFile) writeFileSync(outFile, json); else process.stdout.write(json);
