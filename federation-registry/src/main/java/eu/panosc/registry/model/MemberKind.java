package eu.panosc.registry.model;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of federation member the registry holds, with the admin API collection each lives in. */
public enum MemberKind {
  FACILITY("facility", "facilities"),
  OIDC_CLIENT("oidc_client", "clients"),
  RESOURCE_SERVER("resource_server", "resource-servers"),
  SAML_ENTITY("saml_entity", "saml-entities"),
  UPSTREAM_IDP("upstream_idp", "upstream-idps"),
  CLUSTER("cluster", "clusters");

  private final String dbName;
  private final String collection;

  MemberKind(String dbName, String collection) {
    this.dbName = dbName;
    this.collection = collection;
  }

  /** The value of {@code member.kind}. */
  public String dbName() {
    return dbName;
  }

  /** The admin API path segment, e.g. {@code clients}. */
  public String collection() {
    return collection;
  }

  public static MemberKind ofDb(String value) {
    return Arrays.stream(values()).filter(k -> k.dbName.equals(value)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown member kind " + value));
  }

  public static Optional<MemberKind> ofCollection(String collection) {
    return Arrays.stream(values()).filter(k -> k.collection.equals(collection)).findFirst();
  }
}
