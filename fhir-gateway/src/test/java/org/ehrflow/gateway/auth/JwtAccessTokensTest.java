package org.ehrflow.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtAccessTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00Z");
    private static final String ISS = "https://auth.example.org";
    private static final String AUD = "https://gateway.example.org/fhir";
    private static KeyPair rsa;
    private static KeyPair ec;
    private static JwtAccessTokens tokens;

    @BeforeAll
    static void keys() throws Exception {
        rsa = TestJwts.rsa();
        ec = TestJwts.ec384();
        tokens = new JwtAccessTokens(Jwks.parse(Json.MAPPER.readTree(TestJwts.jwks("r1", rsa, "e1", ec))), ISS, AUD,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String claims(String iss, String aud, long exp, String scope) {
        return "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"exp\":" + exp + ",\"client_id\":\"lab-system\","
                + "\"scope\":\"" + scope + "\"}";
    }

    private static final long LATER = NOW.getEpochSecond() + 300;

    @Test
    void rs384AndEs384TokensGiveTheClientAndItsWritableTypes() throws Exception {
        String rs = TestJwts.sign("RS384", "r1", claims(ISS, AUD, LATER,
                "system/Observation.write system/Patient.read system/DiagnosticReport.cud"), rsa.getPrivate());
        assertThat(tokens.authenticate(rs)).hasValueSatisfying(c -> {
            assertThat(c.id()).isEqualTo("lab-system");
            assertThat(c.allowedTypes()).containsExactlyInAnyOrder("Observation", "DiagnosticReport");
        });
        String es = TestJwts.sign("ES384", "e1", claims(ISS, AUD, LATER, "system/*.write"), ec.getPrivate());
        assertThat(tokens.authenticate(es)).hasValueSatisfying(c -> assertThat(c.mayWrite("Patient")).isTrue());
    }

    @Test
    void everyFailedCheckIsUnauthenticated() throws Exception {
        String good = claims(ISS, AUD, LATER, "system/*.write");
        KeyPair other = TestJwts.rsa();
        List<String> bad = List.of(
                TestJwts.sign("RS384", "r1", good, other.getPrivate()),                         // wrong key
                TestJwts.sign("RS384", "nokid", good, rsa.getPrivate()),                        // unknown kid
                TestJwts.sign("RS384", "r1", claims(ISS, AUD, NOW.getEpochSecond() - 120, "system/*.write"),
                        rsa.getPrivate()),                                                      // expired
                TestJwts.sign("RS384", "r1", claims("https://evil.example", AUD, LATER, "system/*.write"),
                        rsa.getPrivate()),                                                      // issuer
                TestJwts.sign("RS384", "r1", claims(ISS, "https://other/fhir", LATER, "system/*.write"),
                        rsa.getPrivate()),                                                      // audience
                TestJwts.sign("ES384", "r1", good, ec.getPrivate()));                           // EC alg, RSA key
        for (String t : bad) {
            assertThat(tokens.authenticate(t)).isEmpty();
        }
        // alg "none": an unsigned token.
        String none = TestJwts.b64("{\"alg\":\"none\",\"kid\":\"r1\"}".getBytes()) + "."
                + TestJwts.b64(good.getBytes()) + ".";
        assertThat(tokens.authenticate(none)).isEmpty();
        // A tampered payload under a valid signature.
        String valid = TestJwts.sign("RS384", "r1", good, rsa.getPrivate());
        String[] p = valid.split("\\.");
        String tampered = p[0] + "." + TestJwts.b64(good.replace("lab-system", "admin").getBytes()) + "." + p[2];
        assertThat(tokens.authenticate(tampered)).isEmpty();
    }

    @Test
    void theRegistryTakesStaticTokensAndSmartTokens() throws Exception {
        ClientRegistry reg = new ClientRegistry(List.of(new ClientRegistry.Entry(
                new Client("ehr", Set.of(Client.ANY_TYPE)), new Secret("static-token-0123456789"))), tokens);
        assertThat(reg.authenticate("Bearer static-token-0123456789")).hasValueSatisfying(
                c -> assertThat(c.id()).isEqualTo("ehr"));
        String jwt = TestJwts.sign("RS384", "r1", claims(ISS, AUD, LATER, "system/Observation.write"),
                rsa.getPrivate());
        assertThat(reg.authenticate("Bearer " + jwt)).hasValueSatisfying(c
                -> assertThat(c.id()).isEqualTo("lab-system"));
        assertThat(reg.authenticate("Bearer nope")).isEmpty();
        assertThat(reg.authenticate(null)).isEmpty();
    }

    @Test
    void scopes() {
        assertThat(JwtAccessTokens.writableTypes("system/Observation.read user/Patient.write system/Encounter.c"))
                .containsExactly("Encounter");
        assertThat(JwtAccessTokens.writableTypes("system/*.*")).containsExactly(Client.ANY_TYPE);
    }
}
