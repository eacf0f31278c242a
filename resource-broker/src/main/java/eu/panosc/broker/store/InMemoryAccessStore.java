package eu.panosc.broker.store;

import eu.panosc.broker.model.AccessRecord;
import eu.panosc.broker.model.Share;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link AccessStore} in memory, for tests; one monitor makes every operation atomic. */
public final class InMemoryAccessStore implements AccessStore {
  private final Map<String, Share> shares = new LinkedHashMap<>();
  private final List<AccessRecord> log = new ArrayList<>();
  private byte[] key;

  @Override
  public synchronized Future<Share> putShare(Share share) {
    if (shares.containsKey(share.id())) {
      return Future.failedFuture(new IllegalStateException("share " + share.id() + " exists"));
    }
    if (share.tokenHash().isPresent() && shares.values().stream().anyMatch(s -> s.tokenHash().equals(share.tokenHash()))) {
      return Future.failedFuture(new IllegalStateException("an invitation with this token exists"));
    }
    shares.put(share.id(), share);
    return Future.succeededFuture(share);
  }

  @Override
  public synchronized Future<List<Share>> shares(String sessionId) {
    return Future.succeededFuture(shares.values().stream().filter(s -> s.sessionId().equals(sessionId))
        .sorted(Comparator.comparing(Share::created).thenComparing(Share::id)).toList());
  }

  @Override
  public synchronized Future<Optional<Share>> invitation(String tokenHash) {
    return Future.succeededFuture(shares.values().stream().filter(s -> s.tokenHash().equals(Optional.of(tokenHash)))
        .findFirst());
  }

  @Override
  public synchronized Future<Integer> revoke(String sessionId, String shareId, Instant at) {
    int n = 0;
    for (Share s : List.copyOf(shares.values())) {
      boolean target = s.sessionId().equals(sessionId)
          && (s.id().equals(shareId) || s.via().equals(Optional.of(shareId)));
      if (target && s.revokedAt().isEmpty()) {
        shares.put(s.id(), new Share(s.id(), s.sessionId(), s.grantee(), s.tokenHash(), s.via(), s.mode(),
            s.createdBy(), s.created(), s.expiresAt(), Optional.of(at)));
        n++;
      }
    }
    return Future.succeededFuture(n);
  }

  @Override
  public synchronized Future<Void> log(AccessRecord record) {
    log.add(record);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<AccessRecord>> accessLog(String sessionId) {
    return Future.succeededFuture(log.stream().filter(r -> r.sessionId().equals(sessionId)).toList());
  }

  @Override
  public synchronized Future<byte[]> cookieKey(byte[] candidate) {
    if (key == null) {
      key = candidate.clone();
    }
    return Future.succeededFuture(key.clone());
  }
}
