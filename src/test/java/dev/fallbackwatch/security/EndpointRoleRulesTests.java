package dev.fallbackwatch.security;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Fails the build for any HTTP endpoint that does not declare the role it needs. */
class EndpointRoleRulesTests {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fallbackwatch");

    @Test
    void everyEndpointDeclaresItsRole() {
        methods()
                .that()
                .areDeclaredInClassesThat()
                .areAnnotatedWith(RestController.class)
                .and(areEndpoints())
                .should(declareARole())
                .check(SERVICE);
    }

    private static DescribedPredicate<JavaMethod> areEndpoints() {
        return DescribedPredicate.describe("are endpoints", method -> method.isMetaAnnotatedWith(RequestMapping.class));
    }

    private static ArchCondition<JavaMethod> declareARole() {
        return new ArchCondition<>("declare a role with @IngestAccess, @AnalystAccess or @AdminAccess") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                boolean declared = method.isMetaAnnotatedWith(PreAuthorize.class)
                        || method.getOwner().isMetaAnnotatedWith(PreAuthorize.class);
                events.add(new SimpleConditionEvent(
                        method,
                        declared,
                        method.getFullName() + (declared ? " declares" : " does not declare") + " the role it needs"));
            }
        };
    }
}
