package org.ehrflow.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.ehrflow.api.TestTokens;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    private static final String PK = "pk_0123456789abcdef0123456789abcdef";
    private final TestTokens idp = new TestTokens();
    private final JwtVerifier verifier = new JwtVerifier(JwksKeys.parse(idp.jwks()), TestTokens.ISSUER,
            TestTokens.AUDIENCE, Duration.ofSeconds(30), "patients", Clock.systemUTC());

    @Test
    void acceptsRs256PatientToken() throws Exception {
        Caller c = verifier.verify(idp.patient("app-1", PK));
        assertThat(c.clientId()).isEqualTo("app-1");
        assertThat(c.scopes()).containsExactly("patient/*.read");
        assertThat(c.patientClaim()).isEqualTo(PK);
    }

    @Test
    void acceptsEs256UserTokenWithPatientsClaim() throws Exception {
        Caller c = verifier.verify(idp.user("clin", "user/*.read openid", List.of(PK)));
        assertThat(c.scopes()).containsExactlyInAnyOrder("user/*.read", "openid");
        assertThat(c.userPatients()).containsExactly(PK);
    }

    @Test
    void refusesTamperedPayload() {
        String t = idp.patient("app-1", PK);
        String[] p = t.split("\\.");
        String other = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1])).replace(PK, PK.replace('0', '1')).getBytes());
        assertReason(p[0] + "." + other + "." + p[2], "token_signature_invalid");
    }

    @Test
    void refusesExpiredWrongIssuerWrongAudienceAndNoExpiry() {
        ObjectNode expired = idp.claims("a", "patient/*.read", Map.of());
        expired.put("exp", Instant.now().minusSeconds(120).getEpochSecond());
        assertReason(idp.sign("RS256", expired), "token_expired");
        ObjectNode iss = idp.claims("a", "patient/*.read", Map.of());
        iss.put("iss", "https://evil.test");
        assertReason(idp.sign("RS256", iss), "token_issuer_refused");
        ObjectNode aud = idp.claims("a", "patient/*.read", Map.of());
        aud.put("aud", "someone-else");
        assertReason(idp.sign("ES256", aud), "token_audience_refused");
        ObjectNode noExp = idp.claims("a", "patient/*.read", Map.of());
        noExp.remove("exp");
        assertReason(idp.sign("RS256", noExp), "token_without_expiry");
    }

    @Test
    void refusesAlgNoneAndAlgorithmConfusion() {
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"kid\":\"rsa-1\"}".getBytes());
        String body = idp.patient("a", PK).split("\\.")[1];
        assertReason(none + "." + body + ".", "token_algorithm_refused");
        String hs = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}".getBytes());
        assertReason(hs + "." + body + ".AAAA", "token_algorithm_refused");
        assertReason("not-a-token", "token_malformed");
    }

    private void assertReason(String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(JwtVerifier.InvalidToken.class)
                .satisfies(e -> assertThat(((JwtVerifier.InvalidToken) e).reason()).isEqualTo(reason));
    }
}
