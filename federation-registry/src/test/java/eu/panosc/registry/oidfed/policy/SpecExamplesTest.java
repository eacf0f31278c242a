package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.metadata;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worked examples of OpenID Federation 1.0, 6.1.2 (structure), 6.1.3.1.8 (notes table) and 6.1.5 (example). */
class SpecExamplesTest {

  /** 6.1.5: the Trust Anchor's RP policy. */
  private static final JsonObject TRUST_ANCHOR = new JsonObject("""
      {"openid_relying_party": {
        "grant_types": {
          "default": ["authorization_code"],
          "subset_of": ["authorization_code", "refresh_token"],
          "superset_of": ["authorization_code"]},
        "token_endpoint_auth_method": {
          "one_of": ["private_key_jwt", "self_signed_tls_client_auth"],
          "essential": true},
        "token_endpoint_auth_signing_alg": {"one_of": ["PS256", "ES256"]},
        "subject_type": {"value": "pairwise"},
        "contacts": {"add": ["helpdesk@federation.example.org"]}}}""");

  /** 6.1.5: the Intermediate's RP policy. */
  private static final JsonObject INTERMEDIATE = new JsonObject("""
      {"openid_relying_party": {
        "grant_types": {"subset_of": ["authorization_code"]},
        "token_endpoint_auth_method": {"one_of": ["self_signed_tls_client_auth"]},
        "contacts": {"add": ["helpdesk@org.example.org"]}}}""");

  /** 6.1.5: the merged policy. */
  private static final JsonObject MERGED = new JsonObject("""
      {"openid_relying_party": {
        "grant_types": {
          "default": ["authorization_code"],
          "superset_of": ["authorization_code"],
          "subset_of": ["authorization_code"]},
        "token_endpoint_auth_method": {
          "one_of": ["self_signed_tls_client_auth"],
          "essential": true},
        "token_endpoint_auth_signing_alg": {"one_of": ["PS256", "ES256"]},
        "subject_type": {"value": "pairwise"},
        "contacts": {"add": ["helpdesk@federation.example.org", "helpdesk@org.example.org"]}}}""");

  /** 6.1.5: the leaf's RP metadata after the Intermediate's metadata claim was applied to it. */
  private static final JsonObject LEAF = new JsonObject("""
      {"openid_relying_party": {
        "redirect_uris": ["https://rp.example.org/callback"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "contacts": ["rp_admins@rp.example.org"],
        "sector_identifier_uri": "https://org.example.org/sector-ids.json",
        "policy_uri": "https://org.example.org/policy.html"}}""");

  /** 6.1.5: the Resolved Metadata. */
  private static final JsonObject RESOLVED = new JsonObject("""
      {"openid_relying_party": {
        "redirect_uris": ["https://rp.example.org/callback"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "subject_type": "pairwise",
        "sector_identifier_uri": "https://org.example.org/sector-ids.json",
        "policy_uri": "https://org.example.org/policy.html",
        "contacts": ["rp_admins@rp.example.org", "helpdesk@federation.example.org",
                     "helpdesk@org.example.org"]}}""");

  @Test
  void combineWhenSpecExampleThenSpecMergedPolicy() {
    assertThat(MetadataPolicies.combine(TRUST_ANCHOR, INTERMEDIATE)).isEqualTo(MERGED);
    assertThat(MetadataPolicies.combineAll(List.of(TRUST_ANCHOR, INTERMEDIATE))).isEqualTo(MERGED);
  }

  @Test
  void applyWhenSpecExampleThenSpecResolvedMetadata() {
    assertThat(MetadataPolicies.apply(MERGED, LEAF)).isEqualTo(RESOLVED);
  }

  @Test
  void applyWhenSpecExampleLeafUsesPrivateKeyJwtThenIntermediateNarrowingRejectsIt() {
    JsonObject leaf = LEAF.copy();
    leaf.getJsonObject("openid_relying_party").put("token_endpoint_auth_method", "private_key_jwt");

    assertThat(MetadataPolicies.apply(TRUST_ANCHOR, leaf).getJsonObject("openid_relying_party")
        .getString("token_endpoint_auth_method")).isEqualTo("private_key_jwt");
    assertPolicyError(() -> MetadataPolicies.apply(MERGED, leaf), "token_endpoint_auth_method", "one_of");
  }

  /** 6.1.2: {@code default} ES256 with {@code one_of} ES256, ES384, ES512. */
  @ParameterizedTest(name = "id_token_signed_response_alg {0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      ABSENT   | "ES256"
      "ES384"  | "ES384"
      "ES512"  | "ES512"
      """)
  void applyWhenStructureExampleThenDefaultOrListedValue(String input, String expected) {
    String param = "id_token_signed_response_alg";
    JsonObject policy = policy(param, """
        {"default": "ES256", "one_of": ["ES256", "ES384", "ES512"]}""");

    assertThat(MetadataPolicies.apply(policy, metadata(param, input))).isEqualTo(metadata(param, expected));
  }

  @Test
  void applyWhenStructureExampleGetsUnlistedAlgThenOneOfError() {
    String param = "id_token_signed_response_alg";
    JsonObject policy = policy(param, """
        {"default": "ES256", "one_of": ["ES256", "ES384", "ES512"]}""");

    assertPolicyError(() -> MetadataPolicies.apply(policy, metadata(param, "\"RS256\"")), param, "one_of");
  }

  /** 6.1.3.1.8: outputs of {@code essential} with {@code subset_of} [a,b,c] (final text: empty intersection is []). */
  @ParameterizedTest(name = "essential={0} input={1} -> {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      true  | ["a","e"] | ["a"]
      false | ["a","e"] | ["a"]
      true  | ["d","e"] | []
      false | ["d","e"] | []
      false | ABSENT    | ABSENT
      """)
  void applyWhenNotesTableRowThenOutput(boolean essential, String input, String expected) {
    JsonObject policy = policy("{\"essential\":" + essential + ",\"subset_of\":[\"a\",\"b\",\"c\"]}");

    assertThat(MetadataPolicies.apply(policy, metadata(input))).isEqualTo(metadata(expected));
  }

  @Test
  void applyWhenNotesTableEssentialAndAbsentThenEssentialError() {
    JsonObject policy = policy("{\"essential\":true,\"subset_of\":[\"a\",\"b\",\"c\"]}");

    assertPolicyError(() -> MetadataPolicies.apply(policy, metadata("ABSENT")), "essential");
  }
}
