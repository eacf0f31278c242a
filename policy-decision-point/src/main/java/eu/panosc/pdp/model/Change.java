package eu.panosc.pdp.model;

import java.util.Objects;

/** One write to the PDP's data: an upsert of an entity or a delete by key. Applied in order. */
public sealed interface Change {
  /** Upserts a facility. */
  record PutFacility(Facility facility) implements Change {}

  /** Upserts a proposal. */
  record PutProposal(Proposal proposal) implements Change {}

  /** Upserts a member (key: proposal, user). */
  record PutMember(Member member) implements Change {}

  /** Adds a staff role (key: user, facility, role). */
  record PutStaff(StaffRole staff) implements Change {}

  /** Upserts a dataset (key: pid). */
  record PutDataset(Dataset dataset) implements Change {}

  /** Deletes a facility; refused while proposals or datasets refer to it. */
  record DeleteFacility(String id) implements Change {}

  /** Deletes a proposal and its members; refused while datasets refer to it. */
  record DeleteProposal(String id) implements Change {}

  /** Deletes a membership. */
  record DeleteMember(String proposal, String user) implements Change {}

  /** Deletes one staff role. */
  record DeleteStaff(String user, String facility, String role) implements Change {
    public DeleteStaff {
      Objects.requireNonNull(role, "role");
    }
  }

  /** Deletes a dataset. */
  record DeleteDataset(String pid) implements Change {}
}
