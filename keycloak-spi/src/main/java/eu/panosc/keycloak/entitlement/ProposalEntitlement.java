package eu.panosc.keycloak.entitlement;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A proposal membership read from an AARC group entitlement as the aai-broker emits it:
 * {@code <namespace>:group:<community>:<facility>:<proposal>[:role=<role>]#<authority>}, e.g.
 * {@code urn:geant:demo.panosc.eu:group:panosc:ESRF:MX-2415:role=pi#demo.panosc.eu}. Parsing is strict: a URN
 * namespace, exactly the community, facility and proposal groups (no deeper subgroups), an optional role last, and
 * one {@code #authority} (AARC-G069); without it (AARC-G002) the authority is the namespace's delegated part when
 * that is a DNS name. Names use URN characters only (RFC 8141 {@code pchar} without {@code /} and {@code ?}), so each
 * is a safe Keycloak group name. No Keycloak types: the mapper decides what to do with the result.
 *
 * @see <a href="https://aarc-community.org/guidelines/aarc-g069/">AARC-G069</a>
 * @see <a href="https://aarc-community.org/guidelines/aarc-g002/">AARC-G002</a>
 */
public record ProposalEntitlement(String authority, String facility, String proposal, Optional<String> role) {
  /** The longest entitlement looked at (the aai-broker's own bound). */
  public static final int MAX_LENGTH = 1024;
  private static final String GROUP = ":group:";
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=@%-]{1,255}");
  private static final Pattern NAMESPACE =
      Pattern.compile("(?i:urn):[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9._~!$&'()*+,;=@%:-]+");
  private static final Pattern DNS_NAME = Pattern.compile(
      "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** Why a value was not taken; logged as counts, never with the value. */
  public enum Rejection {
    /** Not an AARC group entitlement of the expected shape. */
    MALFORMED,
    /** Well-formed, but its authority is not trusted. */
    UNTRUSTED_AUTHORITY,
    /** Well-formed and trusted, but of another community (or a facility group that is no proposal). */
    NOT_A_PROPOSAL
  }

  /** The outcome of reading one value: a membership or the reason there is none. */
  public record Result(Optional<ProposalEntitlement> entitlement, Optional<Rejection> rejection) {
    static Result of(ProposalEntitlement e) {
      return new Result(Optional.of(e), Optional.empty());
    }

    static Result rejected(Rejection r) {
      return new Result(Optional.empty(), Optional.of(r));
    }
  }

  public ProposalEntitlement {
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(role, "role");
  }

  /**
   * Reads {@code value} as a membership of a proposal of {@code community} (e.g. {@code panosc}) issued by one of
   * {@code trustedAuthorities} (compared ignoring case); groups named in {@code nonProposals} (e.g. a facility's
   * {@code staff} group) are not proposals.
   */
  public static Result read(Object value, String community, List<String> trustedAuthorities,
      List<String> nonProposals) {
    if (!(value instanceof String text) || text.isEmpty() || text.length() > MAX_LENGTH) {
      return Result.rejected(Rejection.MALFORMED);
    }
    int hash = text.indexOf('#');
    if (hash >= 0 && hash != text.lastIndexOf('#')) {
      return Result.rejected(Rejection.MALFORMED);
    }
    String body = hash < 0 ? text : text.substring(0, hash);
    int g = body.indexOf(GROUP);
    if (g <= 0) {
      return Result.rejected(Rejection.MALFORMED);
    }
    String namespace = body.substring(0, g);
    if (!NAMESPACE.matcher(namespace).matches()) {
      return Result.rejected(Rejection.MALFORMED);
    }
    String authority;
    if (hash >= 0) {
      authority = text.substring(hash + 1);
      if (!PART.matcher(authority).matches()) {
        return Result.rejected(Rejection.MALFORMED);
      }
    } else {
      String[] ns = namespace.split(":", -1);
      if (ns.length < 3 || !DNS_NAME.matcher(ns[2]).matches()) {
        return Result.rejected(Rejection.MALFORMED);
      }
      authority = ns[2];
    }
    List<String> parts = Arrays.asList(body.substring(g + GROUP.length()).split(":", -1));
    Optional<String> role = Optional.empty();
    if (parts.get(parts.size() - 1).startsWith("role=")) {
      role = Optional.of(parts.get(parts.size() - 1).substring("role=".length()));
      parts = parts.subList(0, parts.size() - 1);
    }
    for (String p : parts) {
      if (!PART.matcher(p).matches() || p.startsWith("role=")) {
        return Result.rejected(Rejection.MALFORMED);
      }
    }
    if (role.isPresent() && !PART.matcher(role.get()).matches()) {
      return Result.rejected(Rejection.MALFORMED);
    }
    if (parts.size() != 3) {
      return Result.rejected(parts.isEmpty() ? Rejection.MALFORMED : Rejection.NOT_A_PROPOSAL);
    }
    String lowerAuthority = authority.toLowerCase(java.util.Locale.ROOT);
    if (trustedAuthorities.stream().noneMatch(t -> t.toLowerCase(java.util.Locale.ROOT).equals(lowerAuthority))) {
      return Result.rejected(Rejection.UNTRUSTED_AUTHORITY);
    }
    if (!parts.get(0).equals(community) || nonProposals.contains(parts.get(2))) {
      return Result.rejected(Rejection.NOT_A_PROPOSAL);
    }
    return Result.of(new ProposalEntitlement(authority, parts.get(1), parts.get(2), role));
  }
}
