// The deterministic world of eu.panosc.pdp.engine.Fixtures (policy-decision-point test sources) as Cedar
// entities: for each facility (esrf, ill) one proposal "<f>:P-1" ending 2025-01-01T00:00:00Z with a PI,
// a co-proposer and a local contact, facility staff (staff-scientist, data-manager, admin) and three
// datasets: "<f>/embargoed", "<f>/released" (release override 2026-01-01) and "<f>/public".
// Decision time NOW = 2026-11-26T12:00:00Z. Keep in step with Fixtures.java.

export const NS = 'PaNOSC';
export const NOW = '2026-11-26T12:00:00Z';
export const FACILITIES = ['esrf', 'ill'];
export const EMBARGO_YEARS = 3;
export const ACTIONS = ['read', 'download', 'analyse', 'annotate', 'publish'];

const uid = (type, id) => ({ type: `${NS}::${type}`, id });
const datetime = (iso) => ({ __extn: { fn: 'datetime', arg: iso } });
const ref = (type, id) => ({ __entity: uid(type, id) });

/** Adds years in UTC, like Proposal.releaseDate (ZonedDateTime.plusYears). */
function plusYears(iso, years) {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * Every entity of the world, keyed by "Type::id". The dataset's releaseDate is the effective release
 * date the PDP derives at decision time (dataset override, else proposal override, else proposal end +
 * the facility's embargo years); Cedar has no such derivation, so it is stored precomputed.
 */
export function worldEntities() {
  const all = new Map();
  const add = (type, id, attrs = {}, parents = []) => {
    all.set(`${type}::${id}`, { uid: uid(type, id), attrs, parents });
  };
  for (const f of FACILITIES) {
    const p = `${f}:P-1`;
    const proposalEnd = '2025-01-01T00:00:00Z';
    const proposalRelease = plusYears(proposalEnd, EMBARGO_YEARS);   // no proposal override in Fixtures
    add('Facility', f, {
      staffScientists: ref('FacilityRole', `${f}#staff-scientist`),
      dataManagers: ref('FacilityRole', `${f}#data-manager`),
    });
    for (const role of ['staff-scientist', 'data-manager', 'admin']) add('FacilityRole', `${f}#${role}`);
    add('Proposal', p, { facility: ref('Facility', f), pi: ref('ProposalRole', `${p}#pi`) });
    for (const role of ['pi', 'co-proposer', 'local-contact']) {
      add('ProposalRole', `${p}#${role}`, {}, [uid('Proposal', p)]);
    }
    add('User', `pi@${f}`, {}, [uid('ProposalRole', `${p}#pi`)]);
    add('User', `co@${f}`, {}, [uid('ProposalRole', `${p}#co-proposer`)]);
    add('User', `lc@${f}`, {}, [uid('ProposalRole', `${p}#local-contact`)]);
    add('User', `scientist@${f}`, {}, [uid('FacilityRole', `${f}#staff-scientist`)]);
    add('User', `manager@${f}`, {}, [uid('FacilityRole', `${f}#data-manager`)]);
    add('User', `admin@${f}`, {}, [uid('FacilityRole', `${f}#admin`)]);
    const dataset = (name, releaseOverride, isPublic) => add('Dataset', `${f}/${name}`, {
      facility: ref('Facility', f),
      proposal: ref('Proposal', p),
      public: isPublic,
      releaseDate: datetime(releaseOverride ?? proposalRelease),
    });
    dataset('embargoed', null, false);
    dataset('released', '2026-01-01T00:00:00Z', false);
    dataset('public', null, true);
  }
  return all;
}

/** Users the world knows, plus one it does not (outsider@nowhere, as in DecisionBenchmark). */
export function worldUsers() {
  return [...FACILITIES.flatMap((f) => ['pi', 'co', 'lc', 'scientist', 'manager', 'admin'].map((u) => `${u}@${f}`)),
    'outsider@nowhere'];
}

export function worldDatasets() {
  return FACILITIES.flatMap((f) => ['embargoed', 'released', 'public'].map((d) => `${f}/${d}`));
}

/**
 * The entities one request needs, as an application following Cedar's advice would load them: the
 * principal and its ancestors (so `in` can walk the hierarchy), the resource, and the entities whose
 * attributes the policies read (the dataset's facility and proposal). An unknown principal is left out:
 * schema-less Cedar treats it as an entity with no attributes and no parents.
 */
export function slice(all, user, dataset) {
  const out = new Map();
  const take = (key) => {
    const e = all.get(key);
    if (!e || out.has(key)) return;
    out.set(key, e);
    for (const p of e.parents) take(`${p.type.slice(NS.length + 2)}::${p.id}`);
  };
  take(`User::${user}`);
  const d = all.get(`Dataset::${dataset}`);
  if (!d) throw new Error(`unknown dataset ${dataset}`);
  take(`Dataset::${dataset}`);
  take(`Facility::${d.attrs.facility.__entity.id}`);
  take(`Proposal::${d.attrs.proposal.__entity.id}`);
  return [...out.values()];
}

/** The call fields of one request: principal, action, resource, context (time = NOW as a Cedar datetime). */
export function request(user, action, dataset, time = NOW) {
  return {
    principal: uid('User', user),
    action: uid('Action', action),
    resource: uid('Dataset', dataset),
    context: { time: datetime(time) },
  };
}
