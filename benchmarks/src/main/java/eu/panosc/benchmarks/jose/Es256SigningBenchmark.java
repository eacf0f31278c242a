package eu.panosc.benchmarks.jose;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ES256 (ECDSA P-256 / SHA-256) signing and verification of RFC 9068 access tokens with Nimbus JOSE+JWT.
 *
 * <p>Peers: {@link #sign} and {@link #verify} are each other's named peer; report the ratio
 * {@code sign / verify} from one run (docs/benchmarks.md). {@code sign} is claims to compact JWS
 * (payload JSON, base64url, ECDSA, serialization); {@code verify} is compact JWS to verified token (parse,
 * ECDSA verification), i.e. what an issuer and a resource server pay per token.
 *
 * <p>Each thread has its own key (generated once per trial) and its own copy of the fixed claim set of the
 * {@link AccessTokenScenario}. The class is not {@code final}: JMH subclasses {@code @State} classes.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.4">RFC 7518 section 3.4 (ES256)</a>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Threads(1) // override with -t N
@State(Scope.Thread)
public class Es256SigningBenchmark {

    /** Key id carried in every header. */
    public static final String KEY_ID = "panosc-bench-es256-1";

    /** RFC 9068 section 2.1: the header typ of an access token. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    /** Length of a base64url (unpadded) ES256 signature: 64 bytes R || S. */
    static final int ES256_SIGNATURE_CHARS = 86;

    @Param
    public AccessTokenScenario scenario;

    private JWSHeader header;
    private JWTClaimsSet claims;
    private ECDSASigner signer;
    private ECDSAVerifier verifier;

    /** header.payload. — every token signed here must start with it, the claims being fixed. */
    private String expectedPrefix;
    private int expectedLength;

    /** A token signed in setup, parsed and verified by {@link #verify}. */
    private String preSigned;

    /** The last token {@link #sign} produced; fully verified after each iteration. */
    private String lastSigned;

    @Setup(Level.Trial)
    public void setUp() throws JOSEException, ParseException {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID(KEY_ID).generate();
        signer = new ECDSASigner(key);
        verifier = new ECDSAVerifier(key.toPublicJWK());
        header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(ACCESS_TOKEN_TYPE).keyID(KEY_ID).build();
        claims = scenario.claims();

        String signingInput = new String(new SignedJWT(header, claims).getSigningInput(), StandardCharsets.US_ASCII);
        expectedPrefix = signingInput + ".";
        expectedLength = expectedPrefix.length() + ES256_SIGNATURE_CHARS;

        preSigned = signCompact();
        checkSigned(preSigned);
        checkFully(preSigned);
        lastSigned = null;
    }

    /** Fails the iteration (and, with {@code -foe true}, the run) if the last signed token does not verify. */
    @TearDown(Level.Iteration)
    public void checkLastSigned() throws JOSEException, ParseException {
        if (lastSigned != null) {
            checkFully(lastSigned);
        }
    }

    @Benchmark
    public String sign() throws JOSEException {
        String token = signCompact();
        checkSigned(token);
        lastSigned = token;
        return token;
    }

    @Benchmark
    public boolean verify() throws JOSEException, ParseException {
        boolean valid = SignedJWT.parse(preSigned).verify(verifier);
        if (!valid) {
            throw new IllegalStateException("ES256 verification of the pre-signed token returned false");
        }
        return valid;
    }

    private String signCompact() throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** Cheap per-call check: fixed header and payload, then one 86-character signature and no more dots. */
    private void checkSigned(String token) {
        if (token.length() != expectedLength || !token.startsWith(expectedPrefix)
                || token.indexOf('.', expectedPrefix.length()) >= 0) {
            throw new IllegalStateException("ES256 signer produced an unexpected token: " + token);
        }
    }

    /** Full check: signature verifies, header and claims round-trip. */
    private void checkFully(String token) throws JOSEException, ParseException {
        SignedJWT parsed = SignedJWT.parse(token);
        if (!parsed.verify(verifier)) {
            throw new IllegalStateException("ES256 token does not verify: " + token);
        }
        if (!ACCESS_TOKEN_TYPE.equals(parsed.getHeader().getType())
                || !KEY_ID.equals(parsed.getHeader().getKeyID())
                || !claims.toJSONObject().equals(parsed.getJWTClaimsSet().toJSONObject())) {
            throw new IllegalStateException("ES256 token does not round-trip header and claims: " + token);
        }
    }
}
