-- A decision taken at a caller-supplied context.time (what-if, scope pdp:simulate) is marked simulated;
-- every other decision is taken at the PDP's own clock.
ALTER TABLE decision_log ADD COLUMN simulated boolean NOT NULL DEFAULT false;
