package dev.fallbackwatch.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * OIDC access tokens beside API keys: signature checked against the identity provider's key, roles taken from a
 * configurable nested claim, the user recorded in the audit trail.
 */
@TestPropertySource(properties = "fallbackwatch.security.roles-claim=realm_access.roles")
class AccessTokenTests extends PostgresIntegrationTest {

    private static final KeyPair PROVIDER = rsa();

    private static final KeyPair STRANGER = rsa();

    @DynamicPropertySource
    static void identityProvider(DynamicPropertyRegistry registry) throws IOException {
        Path pem = Files.createTempFile("identity-provider", ".pem");
        String encoded = Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(PROVIDER.getPublic().getEncoded());
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + encoded + "\n-----END PUBLIC KEY-----\n");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem);
    }

    @Test
    void grantsTheRolesOfTheConfiguredClaim() {
        String analyst = token(
                PROVIDER,
                "alice",
                List.of("analyst", "offline_access"),
                Instant.now().plusSeconds(300));

        assertThat(call("/api/v1/findings", analyst)).hasStatusOk();
        assertThat(call("/api/v1/settings/audit", analyst)).hasStatus(403);
    }

    @Test
    void recordsTheUserOfATokenAsTheAuthorOfAChange() {
        String admin =
                token(PROVIDER, "bob", List.of("ROLE_ADMIN"), Instant.now().plusSeconds(300));

        MvcTestResult created = mvc.post()
                .uri("/api/v1/settings/process-exclusions")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"processName\":\"agent.exe\",\"reason\":\"Monitoring agent\"}")
                .exchange();

        assertThat(created).hasStatus(201);
        assertThat(json.readTree(created.getResponse().getContentAsByteArray())
                        .get("createdBy")
                        .asString())
                .isEqualTo("bob");
    }

    @Test
    void refusesExpiredForeignAndRoleLessTokens() {
        String expired =
                token(PROVIDER, "carol", List.of("analyst"), Instant.now().minusSeconds(300));
        String foreign =
                token(STRANGER, "mallory", List.of("admin"), Instant.now().plusSeconds(300));
        String roleLess =
                token(PROVIDER, "dave", List.of("viewer"), Instant.now().plusSeconds(300));

        assertThat(call("/api/v1/findings", expired)).hasStatus(401);
        assertThat(call("/api/v1/findings", foreign)).hasStatus(401);
        assertThat(call("/api/v1/findings", roleLess)).hasStatus(403);
        assertThat(call("/api/v1/findings", "not-a-token")).hasStatus(401);
    }

    private MvcTestResult call(String uri, String token) {
        return mvc.get()
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }

    private static String token(KeyPair signer, String user, List<String> roles, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user + "-id")
                .claim("preferred_username", user)
                .claim("realm_access", Map.of("roles", roles))
                .issueTime(Date.from(Instant.now().minusSeconds(600)))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(new RSASSASigner((RSAPrivateKey) signer.getPrivate()));
        } catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
        return jwt.serialize();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
