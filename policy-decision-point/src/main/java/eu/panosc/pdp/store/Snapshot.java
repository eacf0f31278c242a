package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import java.util.List;

/** The whole content of a {@link PdpStore}, each list ordered by key. */
public record Snapshot(List<Facility> facilities, List<Proposal> proposals, List<Member> members,
    List<StaffRole> staff, List<Dataset> datasets) {
  public Snapshot {
    facilities = List.copyOf(facilities);
    proposals = List.copyOf(proposals);
    members = List.copyOf(members);
    staff = List.copyOf(staff);
    datasets = List.copyOf(datasets);
  }
}
