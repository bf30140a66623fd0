package org.ehrflow.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

    @Test
    void aTokenVerifiedBeforeStillExpiresAndNeedsItsKey() throws Exception {
        Instant[] now = {Instant.now()};
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        JwksKeys jwks = JwksKeys.parse(idp.jwks());
        boolean[] rotatedOut = {false};
        JwtVerifier v = new JwtVerifier(kid -> rotatedOut[0] ? null : jwks.find(kid), TestTokens.ISSUER,
                TestTokens.AUDIENCE, Duration.ofSeconds(30), "patients", clock);
        String token = idp.patient("app-1", PK);
        Caller first = v.verify(token);
        assertThat(v.verify(token)).as("the same token again").isEqualTo(first);
        // exp is 600 s ahead: past it (and the skew), the cached verification refuses as a fresh one does
        now[0] = now[0].plusSeconds(700);
        assertThatThrownBy(() -> v.verify(token)).satisfies(
                e -> assertThat(((JwtVerifier.InvalidToken) e).reason()).isEqualTo("token_expired"));
        now[0] = now[0].minusSeconds(700);
        assertThat(v.verify(token).clientId()).isEqualTo("app-1");
        rotatedOut[0] = true;
        assertThatThrownBy(() -> v.verify(token)).as("its key is gone").satisfies(
                e -> assertThat(((JwtVerifier.InvalidToken) e).reason()).isEqualTo("token_unknown_key"));
        ObjectNode later = idp.claims("app-2", "patient/*.read", Map.of("patient", PK));
        later.put("nbf", now[0].plusSeconds(300).getEpochSecond());
        rotatedOut[0] = false;
        String notYet = idp.sign("RS256", later);
        assertThatThrownBy(() -> v.verify(notYet)).satisfies(
                e -> assertThat(((JwtVerifier.InvalidToken) e).reason()).isEqualTo("token_not_yet_valid"));
        now[0] = now[0].plusSeconds(300);
        assertThat(v.verify(notYet).clientId()).isEqualTo("app-2");
    }

    private void assertReason(String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(JwtVerifier.InvalidToken.class)
                .satisfies(e -> assertThat(((JwtVerifier.InvalidToken) e).reason()).isEqualTo(reason));
    }
}
