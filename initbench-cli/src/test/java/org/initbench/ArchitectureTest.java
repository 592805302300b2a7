package org.initbench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The one-way package flow of the main code of both modules (the CLI module sees the core's):
 * cli → {perf, report, diag} → experiment → train → {init, data} → model, where data and model
 * know nothing of each other, init nothing of data, and the three top packages nothing of each
 * other. A package may use any package below it, never one above or beside it. The root package
 * ({@link BadInputException}, {@link Seeds}) is usable by all and uses none of them.
 */
@AnalyzeClasses(packages = "org.initbench", importOptions = ArchitectureTest.MainCodeOnly.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule PACKAGES_DEPEND_ONE_WAY = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("cli").definedBy("org.initbench.cli..")
            .layer("perf").definedBy("org.initbench.perf..")
            .layer("report").definedBy("org.initbench.report..")
            .layer("diag").definedBy("org.initbench.diag..")
            .layer("experiment").definedBy("org.initbench.experiment..")
            .layer("train").definedBy("org.initbench.train..")
            .layer("init").definedBy("org.initbench.init..")
            .layer("data").definedBy("org.initbench.data..")
            .layer("model").definedBy("org.initbench.model..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("perf").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("report").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("diag").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("experiment").mayOnlyBeAccessedByLayers("cli", "perf", "report", "diag")
            .whereLayer("train").mayOnlyBeAccessedByLayers("cli", "perf", "report", "diag", "experiment")
            .whereLayer("init").mayOnlyBeAccessedByLayers("cli", "perf", "report", "diag", "experiment", "train")
            .whereLayer("data").mayOnlyBeAccessedByLayers("cli", "perf", "report", "diag", "experiment", "train")
            .whereLayer("model")
            .mayOnlyBeAccessedByLayers("cli", "perf", "report", "diag", "experiment", "train", "init");

    @ArchTest
    static final ArchRule ROOT_PACKAGE_USES_NO_OTHER = noClasses()
            .that().resideInAPackage("org.initbench")
            .should().dependOnClassesThat().resideInAnyPackage("org.initbench.cli..", "org.initbench.perf..",
                    "org.initbench.report..", "org.initbench.diag..", "org.initbench.experiment..",
                    "org.initbench.train..", "org.initbench.init..", "org.initbench.data..", "org.initbench.model..");

    /** Main code only: no test classes, whether from a test-classes folder or a {@code -tests.jar}. */
    static final class MainCodeOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/") && !location.contains("-tests.jar");
        }
    }
}
