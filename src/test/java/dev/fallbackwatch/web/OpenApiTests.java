package dev.fallbackwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** The OpenAPI description behind Swagger UI: every endpoint, described, with a sample batch that works. */
class OpenApiTests extends PostgresIntegrationTest {

    @Test
    void describesEveryEndpointWithASummary() {
        JsonNode paths = apiDocs().get("paths");

        assertThat(paths.propertyNames())
                .contains(
                        "/api/v1/events",
                        "/api/v1/findings",
                        "/api/v1/findings/{id}",
                        "/api/v1/detection/runs",
                        "/api/v1/detection/runs/{id}");
        paths.forEachEntry((path, operations) -> operations.forEachEntry((method, operation) ->
                assertThat(operation.get("summary")).as(method + " " + path).isNotNull()));
    }

    @Test
    void offersTheBundledSampleBatchAsAnExampleThatIngests() {
        JsonNode example = apiDocs().at("/paths/~1api~1v1~1events/post/requestBody/content/application~1json/example");

        assertThat(example.isArray()).isTrue();
        MvcTestResult result = ingestJson(example.toString());
        JsonNode body = json.readTree(result.getResponse().getContentAsByteArray());
        assertThat(body.get("accepted").asInt()).isEqualTo(example.size());
        assertThat(body.get("rejected").asInt()).isZero();
    }

    @Test
    void servesSwaggerUi() {
        MvcTestResult result = mvc.get().uri("/swagger-ui/index.html").exchange();

        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.TEXT_HTML);
    }

    private JsonNode apiDocs() {
        MvcTestResult result = mvc.get().uri("/v3/api-docs").exchange();
        assertThat(result).hasStatusOk();
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
