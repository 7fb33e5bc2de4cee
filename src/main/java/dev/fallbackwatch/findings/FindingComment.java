package dev.fallbackwatch.findings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A note an analyst left on a finding. */
@Schema(description = "A note an analyst left on a finding")
public record FindingComment(long id, long findingId, Instant createdAt, String author, String text) {}
