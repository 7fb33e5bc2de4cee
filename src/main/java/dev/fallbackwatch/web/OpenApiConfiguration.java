package dev.fallbackwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

/** Describes the API for Swagger UI and puts the bundled sample batch into the ingest request example. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String EXAMPLE_BATCH = "samples/example-batch.json";

    private static final String BEARER = "bearer";

    @Bean
    OpenApiCustomizer apiDescription() {
        return openApi -> {
            openApi.info(new Info()
                    .title("fallback-watch")
                    .version("v1")
                    .description("""
                            Detects MITRE ATT&CK T1008 Fallback Channels in Microsoft Defender for Endpoint \
                            DeviceNetworkEvents: non-browser processes that reach several public destinations or \
                            ports within one hour. Send events, run detection, read findings.""")
                    .license(new License().name("Apache-2.0")));

            // One scheme for both credentials, so Swagger UI's Authorize button takes an API key.
            openApi.schemaRequirement(
                    BEARER,
                    new SecurityScheme()
                            .type(SecurityScheme.Type.HTTP)
                            .scheme("bearer")
                            .bearerFormat("API key (fw_…) or OIDC access token")
                            .description("An API key from POST /api/v1/api-keys, or an access token of the"
                                    + " configured identity provider."));
            openApi.addSecurityItem(new SecurityRequirement().addList(BEARER));

            PathItem events = openApi.getPaths().get("/api/v1/events");
            if (events != null && events.getPost() != null) {
                exampleBatch(events.getPost());
            }
        };
    }

    private static void exampleBatch(Operation ingest) {
        MediaType json = ingest.getRequestBody().getContent().get("application/json");
        if (json != null) {
            json.setExample(readExample());
        }
    }

    private static JsonNode readExample() {
        try (InputStream in = new ClassPathResource(EXAMPLE_BATCH).getInputStream()) {
            return Json.mapper().readTree(in);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + EXAMPLE_BATCH, ex);
        }
    }
}
