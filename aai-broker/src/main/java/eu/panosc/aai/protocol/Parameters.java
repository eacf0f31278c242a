package eu.panosc.aai.protocol;

import eu.panosc.platform.http.FormBodies;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The one rule for every request parameter of the provider, form body or query string, known or not (RFC 6749
 * §3.1 ignores unknown ones, but a pushed request stores them): strictly encoded ({@link FormBodies}), names of at
 * most {@value #MAX_NAME} characters, values free of control characters, valid UTF-8 and bounded ({@link #maxOf}):
 * tokens and assertions {@value #MAX_TOKEN}, {@code client_id} {@value #MAX_CLIENT_ID} (what the registry can
 * register), a SAML Response {@value #MAX_SAML_RESPONSE}, everything else {@value #MAX_VALUE}. A refusal is an {@link InvalidInputException} naming the
 * parameter, which OAuth endpoints answer as {@code invalid_request} and the pages a person sees as an error page;
 * nothing refused reaches PostgreSQL or the registry.
 */
public final class Parameters {
  static final int MAX_NAME = 128;
  static final int MAX_VALUE = 2048;
  public static final int MAX_TOKEN = 16 * 1024;
  /** The registry's client ids are 3 to 64 characters; a longer one cannot name a client. */
  public static final int MAX_CLIENT_ID = 64;
  /** A POSTed SAML Response (base64): the SAML response validator's own bound. */
  public static final int MAX_SAML_RESPONSE = 256 * 1024;
  /** A POSTed SAML LogoutRequest (base64, Single Logout over HTTP-POST). */
  public static final int MAX_SAML_REQUEST = 64 * 1024;
  private static final Map<String, Integer> MAX = Map.ofEntries(
      Map.entry("client_id", MAX_CLIENT_ID),
      Map.entry("token", MAX_TOKEN), Map.entry("access_token", MAX_TOKEN), Map.entry("refresh_token", MAX_TOKEN),
      Map.entry("subject_token", MAX_TOKEN), Map.entry("actor_token", MAX_TOKEN),
      Map.entry("client_assertion", MAX_TOKEN), Map.entry("id_token_hint", MAX_TOKEN),
      Map.entry("request", MAX_TOKEN), Map.entry("SAMLResponse", MAX_SAML_RESPONSE),
      Map.entry("SAMLRequest", MAX_SAML_REQUEST));
  private static final String FORM_KEY = Parameters.class.getName() + ".form";
  private static final String QUERY_KEY = Parameters.class.getName() + ".query";

  private Parameters() {}

  /** The bound of parameter {@code name}'s values, in characters. */
  static int maxOf(String name) {
    return MAX.getOrDefault(name, MAX_VALUE);
  }

  /** Checks every name and value of {@code params}; returns them. */
  public static MultiMap check(MultiMap params) {
    for (Map.Entry<String, String> p : params) {
      Input.text("parameter name", p.getKey(), MAX_NAME, true);
      Input.text(p.getKey(), p.getValue(), maxOf(p.getKey()), false);
    }
    return params;
  }

  /**
   * The checked form body of a route whose body handler is {@link FormBodies#reader}.
   *
   * @throws InvalidInputException when the body is malformed or a parameter breaks the rule
   */
  public static MultiMap form(RoutingContext ctx) {
    MultiMap form = ctx.get(FORM_KEY);
    if (form == null) {
      form = check(FormBodies.of(ctx));
      ctx.put(FORM_KEY, form);
    }
    return form;
  }

  /** The checked query string parameters. */
  public static MultiMap query(RoutingContext ctx) {
    MultiMap query = ctx.get(QUERY_KEY);
    if (query == null) {
      query = check(FormBodies.parse(ctx.request().query()));
      ctx.put(QUERY_KEY, query);
    }
    return query;
  }

  /** Whether {@code clientId} could be a registered client's id, so that it is worth asking the registry. */
  public static boolean plausibleClientId(String clientId) {
    return clientId != null && clientId.length() >= 3 && Input.isClean(clientId, MAX_CLIENT_ID);
  }
}
