package eu.panosc.aai.discovery;

import io.vertx.core.Future;
import java.util.List;

/** The sign-ins waiting for the person to choose an identity provider (pending authorizations, account sign-ins). */
public interface PendingLogins {
  /** What the page needs of a pending sign-in. */
  record PendingLogin(String clientName, List<String> allowedUpstreams) {
    public PendingLogin {
      allowedUpstreams = List.copyOf(allowedUpstreams);
    }
  }

  /** The pending sign-in {@code pendingId}; a failed future with an error page when it is unknown or expired. */
  Future<PendingLogin> find(String pendingId);
}
