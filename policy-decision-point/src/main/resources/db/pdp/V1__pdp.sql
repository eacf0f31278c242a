-- The PDP's facts. Release dates are derived at decision time:
-- dataset.release_override, else proposal.release_override, else proposal.end_at + facility.embargo_years.
CREATE TABLE facility (
  id            text PRIMARY KEY,
  name          text,
  embargo_years integer NOT NULL DEFAULT 3 CHECK (embargo_years >= 0)
);

CREATE TABLE proposal (
  id               text PRIMARY KEY,
  facility_id      text NOT NULL REFERENCES facility (id),
  title            text,
  start_at         timestamptz,
  end_at           timestamptz NOT NULL,
  release_override timestamptz
);
CREATE INDEX proposal_facility ON proposal (facility_id);

CREATE TABLE member (
  proposal_id text NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
  user_id     text NOT NULL,
  orcid       text,
  role        text NOT NULL CHECK (role IN ('pi', 'co-proposer', 'local-contact')),
  PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX member_user ON member (user_id);

CREATE TABLE staff_role (
  user_id     text NOT NULL,
  facility_id text NOT NULL REFERENCES facility (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('staff-scientist', 'data-manager', 'admin')),
  PRIMARY KEY (user_id, facility_id, role)
);

CREATE TABLE dataset (
  pid              text PRIMARY KEY,
  proposal_id      text NOT NULL REFERENCES proposal (id),
  facility_id      text NOT NULL REFERENCES facility (id),
  instrument       text,
  created_at       timestamptz NOT NULL,
  release_override timestamptz,
  public           boolean NOT NULL DEFAULT false,
  storage_site     text,
  storage_path     text,
  size_bytes       bigint
);
CREATE INDEX dataset_proposal ON dataset (proposal_id);
CREATE INDEX dataset_facility ON dataset (facility_id);

-- Policy versions: one row per accepted version of a facility's policy ('*' is the default policy).
CREATE TABLE policy (
  facility   text NOT NULL,
  version    integer NOT NULL,
  file       text NOT NULL,
  source     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (facility, version)
);
