package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Proposal;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/** The facts one decision needs, read from memory without blocking. */
public interface Relations {
  /** Why no decision can be made from these relations right now (e.g. a reload is pending), or null. */
  default String suspended() {
    return null;
  }

  /** A dataset with its effective release date, or empty when unknown. */
  Optional<DatasetFacts> dataset(String pid);

  /** The facts of a dataset already at hand (its proposal, facility and derived release date). */
  DatasetFacts factsOf(Dataset dataset);

  /** The role of {@code user} in {@code proposal}, or null when not a member. */
  String memberRole(String user, String proposal);

  /** The staff roles of {@code user} at {@code facility} (empty when none). */
  Set<String> staffRoles(String user, String facility);

  /** Datasets in PID order, starting after {@code afterPid} ({@code ""} = from the first). */
  Iterator<Dataset> datasetsAfter(String afterPid);

  /** Users known as members or staff, in id order, starting after {@code afterUser}. */
  Iterator<String> usersAfter(String afterUser);

  /** PIDs of the datasets of {@code proposal}, in PID order, starting after {@code afterPid}. */
  Iterator<String> datasetsOfProposal(String proposal, String afterPid);

  /** PIDs of public datasets after {@code afterPid}, in PID order (possibly with a few that no longer are). */
  Iterator<String> publicAfter(String afterPid);

  /**
   * PIDs after {@code afterPid}, in PID order, of every dataset released at or before {@code time}
   * (possibly with some that are not: callers test each).
   */
  Iterator<String> releasedAfter(String afterPid, Instant time);

  /** Every known facility id. */
  Set<String> facilityIds();

  /** The proposals {@code user} is a member of, with the role in each (empty when none). */
  java.util.Map<String, String> membershipsOf(String user);

  /** A dataset, its proposal, its facility and the release date derived from them. */
  record DatasetFacts(Dataset dataset, Proposal proposal, Facility facility, Instant releaseDate) {}
}
