package eu.panosc.pdp.mesh.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import eu.panosc.pdp.mesh.ExtAuthzOutcome;
import eu.panosc.pdp.mesh.ExtAuthzRequest;
import eu.panosc.platform.input.Input;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Envoy's {@code CheckRequest}/{@code CheckResponse} (ext_authz v3) to and from the forward-auth's plain
 * {@link ExtAuthzRequest}/{@link ExtAuthzOutcome}: the only place that knows Envoy's protos besides the server.
 *
 * <p>In: method, path (query and fragment removed), host and headers from {@code attributes.request.http} (the
 * {@code headers} map, else {@code header_map} when Envoy sends raw headers); the service from the context extension
 * {@code service} (set per route in Envoy), else the host. Out: OK with {@code x-panosc-subject} and
 * {@code x-panosc-decision-id} set (overwriting a client's) and every other {@code x-panosc-*} header the client sent
 * removed; DENIED with an HTTP 403 (reason as text and in {@code x-panosc-reason}) or 401 (with
 * {@code WWW-Authenticate}) for Envoy to answer.
 */
final class CheckTranslation {
  /** The context extension naming the resource server (its registry id, the audience URL). */
  static final String SERVICE_EXTENSION = "service";
  static final String SUBJECT = "x-panosc-subject";
  static final String DECISION_ID = "x-panosc-decision-id";
  static final String REASON = "x-panosc-reason";
  private static final String PREFIX = "x-panosc-";
  private static final String REALM = "panosc";
  /** google.rpc.Code values Envoy reads. */
  static final int OK = 0;
  static final int PERMISSION_DENIED = 7;
  static final int UNAUTHENTICATED = 16;

  private CheckTranslation() {}

  /** The parsed message, or null when {@code bytes} is not a {@code CheckRequest}. */
  static CheckRequest parse(byte[] bytes) {
    try {
      return CheckRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  static ExtAuthzRequest request(CheckRequest check) {
    AttributeContext.HttpRequest http = check.getAttributes().getRequest().getHttp();
    Map<String, String> headers = headers(http);
    String path = http.getPath().isEmpty() ? null : withoutQuery(http.getPath());
    String method = http.getMethod().isEmpty() ? null : http.getMethod();
    String service = check.getAttributes().getContextExtensionsMap().get(SERVICE_EXTENSION);
    if (service != null && service.isEmpty()) {
      service = null;
    }
    String host = !http.getHost().isEmpty() ? http.getHost() : headers.get(":authority");
    if (host == null) {
      host = headers.get("host");
    }
    String id = http.getId();
    return new ExtAuthzRequest(method, path, service, host, headers.get("authorization"),
        Input.isClean(id, 128) && !id.isEmpty() ? id : null);
  }

  /** The request headers by lower-case name (Envoy sends them lower case; a repeated raw header keeps its first value). */
  private static Map<String, String> headers(AttributeContext.HttpRequest http) {
    if (http.getHeadersCount() > 0 || !http.hasHeaderMap()) {
      return http.getHeadersMap();
    }
    Map<String, String> out = new java.util.HashMap<>();
    for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
      String value = !h.getValue().isEmpty() ? h.getValue() : h.getRawValue().toStringUtf8();
      out.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), value);
    }
    return out;
  }

  /** The {@code x-panosc-*} headers the client sent, lower case, sorted. */
  static List<String> panoscHeaders(CheckRequest check) {
    AttributeContext.HttpRequest http = check.getAttributes().getRequest().getHttp();
    TreeSet<String> names = new TreeSet<>();
    for (String k : headers(http).keySet()) {
      String lower = k.toLowerCase(Locale.ROOT);
      if (lower.startsWith(PREFIX)) {
        names.add(lower);
      }
    }
    return new ArrayList<>(names);
  }

  /** {@code clientPanosc}: the {@code x-panosc-*} headers of the client's request (to be removed upstream). */
  static CheckResponse response(ExtAuthzOutcome outcome, List<String> clientPanosc) {
    return switch (outcome) {
      case ExtAuthzOutcome.Allow a -> {
        OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
        List<String> set = new ArrayList<>();
        if (a.subject() != null) {
          ok.addHeaders(header(SUBJECT, a.subject()));
          set.add(SUBJECT);
        }
        if (a.decisionId() != null) {
          ok.addHeaders(header(DECISION_ID, a.decisionId()));
          set.add(DECISION_ID);
        }
        TreeSet<String> remove = new TreeSet<>(clientPanosc);
        // on a public route nothing is set: a client's own subject or decision id never reaches the upstream
        remove.add(SUBJECT);
        remove.add(DECISION_ID);
        remove.removeAll(set);
        ok.addAllHeadersToRemove(remove);
        yield CheckResponse.newBuilder().setStatus(status(OK, "")).setOkResponse(ok).build();
      }
      case ExtAuthzOutcome.Deny d -> {
        DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCode(StatusCode.Forbidden))
            .addHeaders(header(REASON, d.reason()))
            .addHeaders(header("content-type", "text/plain; charset=utf-8"))
            .addHeaders(header("cache-control", "no-store"))
            .setBody(d.reason() + "\n");
        if (d.decisionId() != null) {
          denied.addHeaders(header(DECISION_ID, d.decisionId()));
        }
        yield CheckResponse.newBuilder().setStatus(status(PERMISSION_DENIED, d.reason())).setDeniedResponse(denied)
            .build();
      }
      case ExtAuthzOutcome.Unauthenticated u -> {
        String challenge = "Bearer realm=\"" + REALM + "\"" + (u.error() == null ? ""
            : ", error=\"" + u.error() + "\", error_description=\"" + quoted(u.description()) + "\"");
        String body = u.error() == null ? "A bearer token is required."
            : "The bearer token was refused: " + u.description();
        yield CheckResponse.newBuilder().setStatus(status(UNAUTHENTICATED, body))
            .setDeniedResponse(DeniedHttpResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCode(StatusCode.Unauthorized))
                .addHeaders(header("www-authenticate", challenge))
                .addHeaders(header("content-type", "text/plain; charset=utf-8"))
                .addHeaders(header("cache-control", "no-store"))
                .setBody(body + "\n"))
            .build();
      }
    };
  }

  private static com.google.rpc.Status status(int code, String message) {
    return com.google.rpc.Status.newBuilder().setCode(code).setMessage(message).build();
  }

  private static HeaderValueOption header(String name, String value) {
    return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(headerValue(value)))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build();
  }

  private static String withoutQuery(String path) {
    int q = path.indexOf('?');
    int f = path.indexOf('#');
    int end = q < 0 ? f : f < 0 ? q : Math.min(q, f);
    return end < 0 ? path : path.substring(0, end);
  }

  /** Printable ASCII only (other characters become ?), so a header never breaks. */
  static String headerValue(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return b.toString();
  }

  /** RFC 6750 §3: error_description is quoted printable ASCII without " and \\. */
  private static String quoted(String s) {
    return headerValue(s == null ? "" : s).replace('"', '\'').replace('\\', '/');
  }
}
