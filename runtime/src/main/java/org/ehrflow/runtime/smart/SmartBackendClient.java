package org.ehrflow.runtime.smart;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.schemas.Json;

/**
 * A SMART Backend Services client (the gateway's Bulk Data exports, the document extractor's fetches of documents
 * by reference): the client-credentials grant with a
 * signed JWT assertion ({@code RS384} or {@code ES384}, as the SMART spec requires servers to support), the access
 * token cached until shortly before it expires. The private key is a PKCS#8 PEM file; it and the tokens never appear
 * in logs or exceptions.
 */
public final class SmartBackendClient {

    /** Settings: token endpoint, client id, signing key and its kid, algorithm, requested scope. */
    public record Settings(String tokenUrl, String clientId, Path keyFile, String kid, String alg, String scope) {
        public Settings {
            if (!alg.equals("RS384") && !alg.equals("ES384")) {
                throw new IllegalArgumentException("alg must be RS384 or ES384");
            }
        }
    }

    /**
     * The client configured under {@code <sub>SMART_TOKEN_URL}, {@code _CLIENT_ID}, {@code _KEY_FILE} (PKCS#8 PEM),
     * {@code _KID} (default: the client id), {@code _ALG} (RS384 | ES384) and {@code _SCOPE} (default
     * {@code system/*.read}), or null when no token URL is set; problems go to {@code r}.
     */
    public static SmartBackendClient read(ConfigReader r, String sub) {
        String tokenUrl = r.string(sub + "SMART_TOKEN_URL", null);
        if (tokenUrl == null) {
            return null;
        }
        String clientId = r.requiredString(sub + "SMART_CLIENT_ID");
        String keyFile = r.requiredString(sub + "SMART_KEY_FILE");
        String alg = r.string(sub + "SMART_ALG", "RS384");
        boolean algOk = alg.equals("RS384") || alg.equals("ES384");
        r.check(algOk, r.key(sub + "SMART_ALG") + " must be RS384 or ES384");
        if (clientId == null || keyFile == null || !algOk) {
            return null;
        }
        try {
            return new SmartBackendClient(new Settings(tokenUrl, clientId, Path.of(keyFile),
                    r.string(sub + "SMART_KID", clientId), alg, r.string(sub + "SMART_SCOPE", "system/*.read")),
                    Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            r.check(false, r.key(sub + "SMART_KEY_FILE") + " must be a PKCS#8 PEM private key for " + alg);
            return null;
        }
    }

    private final Settings settings;
    private final PrivateKey key;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant expires = Instant.MIN;

    public SmartBackendClient(Settings settings, Clock clock) {
        this.settings = settings;
        this.key = load(settings.keyFile(), settings.alg());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.clock = clock;
    }

    /** A valid access token, from the cache or a fresh grant. */
    public synchronized String accessToken() throws IOException, InterruptedException {
        if (token != null && clock.instant().isBefore(expires.minusSeconds(30))) {
            return token;
        }
        String form = "grant_type=client_credentials&scope=" + enc(settings.scope())
                + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + enc(assertion());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(settings.tokenUrl()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("token endpoint answered " + r.statusCode());
        }
        JsonNode body = Json.MAPPER.readTree(r.body());
        if (!body.hasNonNull("access_token")) {
            throw new IOException("token endpoint answered without access_token");
        }
        token = body.get("access_token").asText();
        expires = clock.instant().plusSeconds(body.path("expires_in").asLong(300));
        return token;
    }

    /** The client's signed assertion: iss = sub = client id, aud = token URL, 5 minutes, a fresh jti. */
    String assertion() {
        long now = clock.instant().getEpochSecond();
        String header = "{\"alg\":\"" + settings.alg() + "\",\"kid\":\"" + settings.kid() + "\",\"typ\":\"JWT\"}";
        String claims;
        try {
            claims = Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("iss", settings.clientId())
                    .put("sub", settings.clientId()).put("aud", settings.tokenUrl()).put("exp", now + 300)
                    .put("jti", UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String signed = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance(settings.alg().equals("RS384") ? "SHA384withRSA"
                    : "SHA384withECDSAinP1363Format");
            s.initSign(key);
            s.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the client assertion (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey load(Path file, String alg) {
        try {
            String pem = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance(alg.startsWith("RS") ? "RSA" : "EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the SMART signing key file is not a PKCS#8 " + alg + " key");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
