package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.SatosaCorpus;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HasherTest {
  /** Known answers computed with Python's hashlib as SATOSA's hash_data does (value, then salt). */
  private static final String SHA256_ALICE = "cad997bd28e843bc8927ef5ec1a6b93224d3bb7eb35e567b45d9e02d4adcea7c";
  private static final String SHA512_ALICE = "06b82432524a97a21c493ba9257403859a06837f50457b7640e1054ec42f871aec1d"
      + "32877e83f7e510acff94a57f69319f7fb6c1888654049f9f8a718e6b999b";
  private static final String SHA1_X = "3c082bae7941520646b140b50abeb9af9b62a457";
  private static final String SALT = "abcdef0123456789";

  private final List<String> warnings = new ArrayList<>();

  private Hasher corpus() {
    return Hasher.from(SatosaCorpus.read("hasher.yaml").mapping("file").get("config"), "edupersontargetedid",
        warnings);
  }

  private static Map<String, List<String>> apply(Hasher h, String requester, Map<String, List<String>> in) {
    Map<String, List<String>> attrs = new LinkedHashMap<>(in);
    h.apply(new ProcessingContext("u", "https://idp", requester, List.of()), attrs);
    return attrs;
  }

  @Test
  void hashWhenKnownVectorsThenSameAsSatosa() {
    Salt salt = new Salt(SALT);

    assertThat(HashAlgorithm.SHA256.hash("alice@demo.panosc.eu", salt)).isEqualTo(SHA256_ALICE);
    assertThat(HashAlgorithm.SHA512.hash("alice@demo.panosc.eu", salt)).isEqualTo(SHA512_ALICE);
    assertThat(HashAlgorithm.SHA1.hash("x", salt)).isEqualTo(SHA1_X);
  }

  @Test
  void applyWhenCorpusDefaultsThenListedAttributeHashedWithSha256() {
    Map<String, List<String>> out = apply(corpus(), null, Map.of("edupersontargetedid",
        List.of("alice@demo.panosc.eu"), "mail", List.of("a@x.eu")));

    assertThat(out).containsEntry("edupersontargetedid", List.of(SHA256_ALICE)).containsEntry("mail",
        List.of("a@x.eu"));
  }

  @Test
  void applyWhenCorpusRequesterOverridesThenTheirSettings() {
    Hasher h = corpus();
    Map<String, List<String>> in = Map.of("edupersontargetedid", List.of("alice@demo.panosc.eu"),
        "identifier", List.of("x"), "gender", List.of("x"));

    // some_entityid: sha1, no attributes, but subject_id still hashed (default yes) with the default salt
    assertThat(apply(h, "some_entityid", in)).containsEntry("edupersontargetedid",
        List.of(HashAlgorithm.SHA1.hash("alice@demo.panosc.eu", new Salt(SALT)))).containsEntry("identifier",
        List.of("x"));
    // some_other_entityid: own salt, subject id not hashed, identifier and gender hashed with sha256
    Map<String, List<String>> other = apply(h, "some_other_entityid", in);
    assertThat(other.get("edupersontargetedid")).containsExactly("alice@demo.panosc.eu");
    assertThat(other.get("identifier")).containsExactly(HashAlgorithm.SHA256.hash("x", new Salt("abcd1234")));
    assertThat(warnings).singleElement().asString().contains("hasher.yaml line").contains("sha1 is weak");
  }

  @Test
  void describeAndErrorsWhenSaltConfiguredThenNeverShowIt() {
    Hasher h = corpus();

    assertThat(h.describe()).doesNotContain(SALT);
    assertThat(h.settingsFor(null).toString()).doesNotContain(SALT).contains("redacted");
    assertThatThrownBy(() -> Hasher.from(new YamlReader(n -> null).parse("h.yaml",
        "\"\":\n  salt: topsecret\n  alg: md5\n"), null, warnings))
        .hasMessageContaining("h.yaml line 3").hasMessageContaining("unknown hash algorithm 'md5'")
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void fromWhenNoDefaultSaltThenError() {
    assertThatThrownBy(() -> Hasher.from(new YamlReader(n -> null).parse("h.yaml", "\"\":\n  alg: sha256\n"), null,
        warnings)).hasMessageContaining("h.yaml line 2").hasMessageContaining("a salt is required");
    assertThatThrownBy(() -> Hasher.from(new YamlReader(n -> null).parse("h.yaml", "x:\n  salt: s\n"), null,
        warnings)).hasMessageContaining("the default settings");
  }
}
