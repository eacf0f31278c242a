package eu.panosc.aai.oidc;

import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.aai.attributes.IdentityAttributes;
import eu.panosc.aai.attributes.UpstreamAttributeSettings;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.yaml.YamlReader;
import eu.panosc.aai.registry.RegistryClient;
import eu.panosc.aai.registry.UpstreamIdp;
import eu.panosc.platform.config.Secret;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured upstream OPs plus the OpenID providers approved in the federation-registry ({@code upstream-idps} of
 * protocol {@code oidc} registered with the broker's {@code clientId}): no broker configuration per OP. A registry OP
 * becomes an {@link OidcUpstream} with the defaults of {@link OidcUpstreamSettings#registered}, the OIDC attribute
 * profile and the registry's trusted entitlement authorities; its client secret comes from its {@code credentialsRef}
 * ({@link UpstreamSecrets}), never from the registry. The list is read again on every registry change to
 * {@code upstream-idps} (the change feed the registry client follows) and by {@link #refresh}; {@link #usable} asks the
 * registry client (whose cache the feed keeps fresh) each time, so a suspended OP stops at sign-in start and callback.
 * An upstream is built once per registry document (its discovery and key caches kept while the document is unchanged).
 * A configured upstream, or any configured upstream id (a SAML one too), hides a registry member of the same id.
 */
public final class RegistryOidcUpstreams implements OidcUpstreams {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryOidcUpstreams.class);

  /** Builds the provider of a registry OP (the metadata source: discovery, or an OpenID Federation trust chain). */
  public interface Providers {
    OidcProvider provider(OidcUpstreamSettings settings, UpstreamIdp.RelyingParty registered);
  }

  private record Built(UpstreamIdp member, OidcUpstream upstream) {}

  private final OidcUpstreams configured;
  private final Set<String> reserved;
  private final RegistryClient registry;
  private final UpstreamSecrets secrets;
  private final Providers providers;
  private final YamlReader files;
  private final Map<String, Built> built = new ConcurrentHashMap<>();
  /** Failures already logged, per upstream id and reason: logged once at WARN until the member changes. */
  private final Map<String, String> warned = new ConcurrentHashMap<>();
  private volatile List<OidcUpstream> fromRegistry = List.of();

  /**
   * @param configured the configured upstreams (always usable, listed first)
   * @param reserved every configured upstream id (SAML ones too): registry members of these ids are not used
   */
  public RegistryOidcUpstreams(OidcUpstreams configured, Set<String> reserved, RegistryClient registry,
      UpstreamSecrets secrets, Providers providers, YamlReader files) {
    this.configured = Objects.requireNonNull(configured, "configured");
    this.reserved = Set.copyOf(reserved);
    this.registry = Objects.requireNonNull(registry, "registry");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.providers = Objects.requireNonNull(providers, "providers");
    this.files = Objects.requireNonNull(files, "files");
  }

  /** Follows the registry: every change to an upstream IdP reads the list again. */
  public RegistryOidcUpstreams follow() {
    registry.onChange(c -> {
      if ("upstream-idps".equals(c.collection())) {
        refresh();
      }
    });
    return this;
  }

  @Override
  public List<OidcUpstream> current() {
    List<OidcUpstream> all = new ArrayList<>(configured.current());
    all.addAll(fromRegistry);
    return List.copyOf(all);
  }

  @Override
  public Future<Optional<OidcUpstream>> usable(String id) {
    return configured.usable(id).compose(found -> {
      if (found.isPresent() || reserved.contains(id)) {
        return Future.succeededFuture(found);
      }
      return registry.upstreamIdp(id).compose(member -> {
        if (member.isEmpty() || member.get().relyingParty().isEmpty()) {
          built.remove(id);
          return Future.succeededFuture(Optional.<OidcUpstream>empty());
        }
        return upstream(member.get()).map(Optional::of);
      });
    });
  }

  /** Reads the registry's approved OPs again; on failure the last list stays. */
  public Future<Void> refresh() {
    return registry.upstreamIdps().compose(members -> {
      Map<String, UpstreamIdp> ops = new LinkedHashMap<>();
      for (UpstreamIdp m : members) {
        if (m.relyingParty().isPresent() && !reserved.contains(m.id())) {
          ops.put(m.id(), m);
        }
      }
      built.keySet().retainAll(ops.keySet());
      List<Future<Optional<OidcUpstream>>> each = new ArrayList<>();
      for (UpstreamIdp m : ops.values()) {
        each.add(upstream(m).map(Optional::of).otherwise(Optional.empty()));
      }
      return Future.join(each).otherwise(v -> null).map(v -> {
        List<OidcUpstream> now = new ArrayList<>();
        each.forEach(f -> f.result().ifPresent(now::add));
        fromRegistry = List.copyOf(now);
        return (Void) null;
      });
    }).onFailure(e -> LOG.warn("reading the registry's OpenID providers failed ({}); the last list stays",
        e.getMessage()));
  }

  /** The upstream of {@code member}: the one built for this very document, or a new one. */
  private Future<OidcUpstream> upstream(UpstreamIdp member) {
    Built b = built.get(member.id());
    if (b != null && b.member().equals(member)) {
      return Future.succeededFuture(b.upstream());
    }
    UpstreamIdp.RelyingParty rp = member.relyingParty().orElseThrow();
    OidcUpstreamSettings.ClientAuth auth = OidcUpstreamSettings.clientAuth(rp.clientAuth())
        .orElse(OidcUpstreamSettings.ClientAuth.PRIVATE_KEY_JWT);
    Future<Optional<Secret>> secret = auth == OidcUpstreamSettings.ClientAuth.PRIVATE_KEY_JWT
        ? Future.succeededFuture(Optional.empty())
        : secrets.resolve(rp.credentialsRef().orElse("")).map(Optional::of);
    return secret.map(s -> {
      OidcUpstreamSettings settings = OidcUpstreamSettings.registered(member.id(), rp.issuer(), rp.clientId(), s, auth,
          rp.scopes(), member.displayName(), rp.trustAnchor());
      AttributeMapper mapper = AttributeMapper.load(new UpstreamAttributeSettings(member.id(),
          UpstreamAttributes.Protocol.OIDC, Optional.empty(), List.of(), List.of(), List.of(),
          UpstreamAttributeSettings.OIDC_DEFAULT_ORDER, member.trustedEntitlementAuthorities(), Optional.empty(),
          IdentityAttributes.DEFAULT), files);
      OidcUpstream upstream = new OidcUpstream(member.id(), providers.provider(settings, rp), mapper);
      built.put(member.id(), new Built(member, upstream));
      if (warned.remove(member.id()) != null || b == null) {
        LOG.info("OIDC upstream {} ({}) from the registry", member.id(), rp.issuer());
      }
      return upstream;
    }).onFailure(e -> {
      String reason = String.valueOf(e.getMessage());
      if (!reason.equals(warned.put(member.id(), reason))) {
        LOG.warn("OIDC upstream {} of the registry not usable: {}", member.id(), reason);
      }
    });
  }

  /** For tests and metrics: the ids of the registry's OPs known now. */
  List<String> registryIds() {
    return fromRegistry.stream().map(OidcUpstream::id).toList();
  }
}
