package dev.adjoint;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages of dsl-api form layers, each depending only on those below it (docs/design.md):
 * {@code core} (shapes, dtypes, devices) under {@code op} (the op table) under {@code spi} (what a
 * backend implements) under {@code dev.adjoint} ({@code Tensor}, {@code Variable}) under
 * {@code rules}, {@code grad} and {@code optim}, with {@code io} (checkpoints) on top. A backend or an IR mapping can then use the op
 * table without pulling in tensors, and nothing below {@code Tensor} can reach back up to it.
 */
class PackageLayeringTest {

    private static final JavaClasses DSL_API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.adjoint");

    @Test
    void layersDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy("dev.adjoint.core..")
                .layer("op").definedBy("dev.adjoint.op..")
                .layer("annotation").definedBy("dev.adjoint.annotation..")
                .layer("spi").definedBy("dev.adjoint.spi..")
                .layer("tensor").definedBy("dev.adjoint")
                .layer("rules").definedBy("dev.adjoint.rules..")
                .layer("grad").definedBy("dev.adjoint.grad..")
                .layer("optim").definedBy("dev.adjoint.optim..")
                .layer("io").definedBy("dev.adjoint.io..")
                .whereLayer("core").mayNotAccessAnyLayer()
                .whereLayer("op").mayOnlyAccessLayers("core")
                .whereLayer("annotation").mayOnlyAccessLayers("op")
                .whereLayer("spi").mayOnlyAccessLayers("core", "op")
                .whereLayer("tensor").mayOnlyAccessLayers("core", "op", "spi", "annotation")
                .whereLayer("rules").mayOnlyAccessLayers("core", "op", "tensor", "annotation", "grad")
                .whereLayer("grad").mayOnlyAccessLayers("core", "op", "tensor", "annotation")
                .whereLayer("optim").mayOnlyAccessLayers("core", "op", "spi", "tensor", "grad")
                .whereLayer("io").mayOnlyAccessLayers("core", "op", "tensor", "optim")
                .check(DSL_API);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.adjoint.(**)").should().beFreeOfCycles().check(DSL_API);
    }
}
