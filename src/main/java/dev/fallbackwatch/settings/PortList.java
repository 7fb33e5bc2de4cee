package dev.fallbackwatch.settings;

import dev.fallbackwatch.web.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The remote ports detection looks at: the seed's {@code C2FallbackPorts}. */
@Schema(description = "Remote ports detection looks at")
public record PortList(
        @Schema(example = "[53, 80, 443, 4443, 8080, 8443, 8888, 1194, 4444, 9443, 2222, 3128]")
        @NotNull
        @NotEmpty
        @Size(max = 65535)
        List<@NotNull @Min(1) @Max(65535) Integer> ports) {

    List<FieldProblem> inconsistencies() {
        List<FieldProblem> problems = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            if (!seen.add(ports.get(i))) {
                problems.add(new FieldProblem("ports[" + i + "]", "repeats port " + ports.get(i)));
            }
        }
        return problems;
    }
}
