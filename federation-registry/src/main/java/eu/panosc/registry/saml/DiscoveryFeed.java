package eu.panosc.registry.saml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The discovery feed of the federation's identity providers in pyFF's "discojson" format, which
 * SeamlessAccess (thiss.io) and pyFF-based discovery services read. One object per IdP, sorted by
 * entityID; SPs and attribute authorities are left out. Keys:
 *
 * <ul>
 *   <li>{@code entityID}, {@code entity_id}: the entityID (pyFF writes both)
 *   <li>{@code title}: display name (English mdui:DisplayName, else another language, else
 *       OrganizationDisplayName, else the entityID); {@code title_langs}: language → name, if known
 *   <li>{@code descr}, {@code descr_langs}: mdui:Description, only if present
 *   <li>{@code auth}: {@code "saml"}; {@code type}: {@code "idp"}
 *   <li>{@code hidden}: {@code "true"} if the REFEDS hide-from-discovery category is set, else
 *       {@code "false"} (strings, as pyFF writes them)
 *   <li>{@code registrationAuthority}: mdrpi registration authority, if present
 *   <li>{@code entity_category}: values of {@code http://macedir.org/entity-category}, if present
 *   <li>{@code assurance_certification}: values of
 *       {@code urn:oasis:names:tc:SAML:attribute:assurance-certification} (SIRTFI), if present
 *   <li>{@code entity_icon_url}: {@code {"url", "width", "height"}} (dimensions as strings), if an
 *       https or data: logo is present
 *   <li>{@code scope}: comma-separated shibmd:Scope values, if present
 * </ul>
 *
 * @see <a href="https://github.com/IdentityPython/pyFF">pyFF samlmd.discojson</a>
 * @see <a href="https://seamlessaccess.org/">SeamlessAccess</a>
 */
public final class DiscoveryFeed {
  private DiscoveryFeed() {}

  /** The feed as a JSON array. */
  public static JsonArray render(Collection<SamlEntity> entities) {
    List<SamlEntity> idps = entities.stream()
        .filter(SamlEntity::isIdp)
        .sorted(Comparator.comparing(SamlEntity::entityId))
        .toList();
    JsonArray feed = new JsonArray();
    for (SamlEntity e : idps) {
      feed.add(entry(e));
    }
    return feed;
  }

  /** The feed as UTF-8 JSON bytes, for {@code application/json} responses. */
  public static byte[] toJson(Collection<SamlEntity> entities) {
    return render(entities).encode().getBytes(StandardCharsets.UTF_8);
  }

  /** One IdP's feed entry. */
  public static JsonObject entry(SamlEntity e) {
    JsonObject o = new JsonObject()
        .put("entityID", e.entityId())
        .put("entity_id", e.entityId())
        .put("title", e.displayName());
    if (!e.displayNames().isEmpty()) {
      o.put("title_langs", languages(e.displayNames()));
    }
    if (!e.descriptions().isEmpty()) {
      o.put("descr", e.descriptions().getOrDefault("en", e.descriptions().values().iterator().next()));
      o.put("descr_langs", languages(e.descriptions()));
    }
    o.put("auth", "saml").put("type", "idp").put("hidden", String.valueOf(e.hiddenFromDiscovery()));
    e.registrationAuthority().ifPresent(ra -> o.put("registrationAuthority", ra));
    List<String> categories = e.entityAttribute(SamlNames.ENTITY_CATEGORY);
    if (!categories.isEmpty()) {
      o.put("entity_category", new JsonArray(List.copyOf(categories)));
    }
    List<String> certifications = e.entityAttribute(SamlNames.ASSURANCE_CERTIFICATION);
    if (!certifications.isEmpty()) {
      o.put("assurance_certification", new JsonArray(List.copyOf(certifications)));
    }
    e.logo().ifPresent(logo -> o.put("entity_icon_url", new JsonObject()
        .put("url", logo.url())
        .put("width", String.valueOf(logo.width()))
        .put("height", String.valueOf(logo.height()))));
    if (!e.scopes().isEmpty()) {
      o.put("scope", String.join(",", e.scopes()));
    }
    return o;
  }

  private static JsonObject languages(Map<String, String> byLanguage) {
    JsonObject o = new JsonObject();
    byLanguage.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(en -> o.put(en.getKey().isEmpty() ? "und" : en.getKey(), en.getValue()));
    return o;
  }
}
