package eu.panosc.benchmarks.jose;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Date;
import java.util.List;

/**
 * Scenario table of fixed RFC 9068 access-token claim sets; every value is a constant, so every run signs
 * the same bytes.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 section 2.2</a>
 */
public enum AccessTokenScenario {

    /** One facility audience, the scopes a data portal asks for. */
    SINGLE_FACILITY(
            "d3f1c6a2-5b7e-4c0a-9e21-000000000001",
            List.of("https://api.esrf.fr"),
            "esrf-data-portal",
            "openid profile datasets:read",
            "8c6a3f0e-1d2b-4e5f-a6b7-000000000001"),

    /** Three facility audiences and a wider scope, as a federated analysis session requests. */
    FEDERATED(
            "d3f1c6a2-5b7e-4c0a-9e21-000000000002",
            List.of("https://api.esrf.fr", "https://api.ill.eu", "https://api.psi.ch"),
            "panosc-jupyterhub",
            "openid profile email eduperson_entitlement datasets:read datasets:write sessions:write",
            "8c6a3f0e-1d2b-4e5f-a6b7-000000000002");

    /** Issuer shared by all scenarios. */
    public static final String ISSUER = "https://aai.panosc.eu";

    /** Fixed issue time: 2026-01-01T00:00:00Z. */
    public static final long ISSUED_AT_EPOCH_SECONDS = 1_767_225_600L;

    /** Fixed lifetime of five minutes. */
    public static final long LIFETIME_SECONDS = 300L;

    private final String subject;
    private final List<String> audience;
    private final String clientId;
    private final String scope;
    private final String jwtId;

    AccessTokenScenario(String subject, List<String> audience, String clientId, String scope, String jwtId) {
        this.subject = subject;
        this.audience = audience;
        this.clientId = clientId;
        this.scope = scope;
        this.jwtId = jwtId;
    }

    /** Builds this scenario's claim set: iss, sub, aud, exp, iat, jti, client_id, scope. */
    public JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .expirationTime(new Date((ISSUED_AT_EPOCH_SECONDS + LIFETIME_SECONDS) * 1000L))
                .issueTime(new Date(ISSUED_AT_EPOCH_SECONDS * 1000L))
                .jwtID(jwtId)
                .claim("client_id", clientId)
                .claim("scope", scope)
                .build();
    }
}
