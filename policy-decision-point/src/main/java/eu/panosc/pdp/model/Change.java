package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.util.Objects;

/** One write to the PDP's data: an upsert of an entity or a delete by key. Applied in order. */
public sealed interface Change {
  /**
   * {@code change} with every field checked by the platform's {@link Input} rule (instants truncated to
   * microseconds), else {@link InvalidInputException} naming the field: what may be stored and replayed.
   */
  static Change checked(Change change) {
    return switch (change) {
      case PutFacility(Facility f) -> new PutFacility(f.checked());
      case PutProposal(Proposal p) -> new PutProposal(p.checked());
      case PutMember(Member m) -> new PutMember(m.checked());
      case PutStaff(StaffRole s) -> new PutStaff(s.checked());
      case PutDataset(Dataset d) -> new PutDataset(d.checked());
      case DeleteFacility(String id) -> key(change, "id", id);
      case DeleteProposal(String id) -> key(change, "id", id);
      case DeleteMember(String proposal, String user) -> key(key(change, "proposal", proposal), "user", user);
      case DeleteStaff(String user, String facility, String role) ->
          key(key(change, "user", user), "facility", facility);
      case DeleteDataset(String pid) -> key(change, "pid", pid);
    };
  }

  private static Change key(Change change, String field, String value) {
    Input.id(field, value);
    return change;
  }

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
      StaffRole.checkRole(role);
    }
  }

  /** Deletes a dataset. */
  record DeleteDataset(String pid) implements Change {}
}
