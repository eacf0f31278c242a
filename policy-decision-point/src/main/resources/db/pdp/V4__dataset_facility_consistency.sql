-- Referential consistency: a dataset's facility is its proposal's facility (issue 9, item 3). Before this, a
-- dataset of esrf:MX-2415 could be stored with facility 'ill', and ILL staff were then granted ESRF's data.
-- The foreign key over (proposal_id, facility_id) refuses such a dataset, and refuses moving a proposal with
-- datasets to another facility. NOT VALID: rows stored before are not checked here (the migration never
-- fails on old data); the relation cache leaves such a dataset out, so decisions about it deny, and the
-- next write of that row must be consistent.
ALTER TABLE proposal ADD CONSTRAINT proposal_id_facility UNIQUE (id, facility_id);
ALTER TABLE dataset ADD CONSTRAINT dataset_proposal_facility FOREIGN KEY (proposal_id, facility_id)
  REFERENCES proposal (id, facility_id) NOT VALID;
