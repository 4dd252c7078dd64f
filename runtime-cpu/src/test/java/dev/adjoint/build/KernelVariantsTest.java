package dev.adjoint.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.build.KernelVariants.TemplateException;
import dev.adjoint.build.KernelVariants.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generator's rules and directives on small templates, against the exact expected text. */
class KernelVariantsTest {
    private static final String PATH = "dev/adjoint/cpu/SnippetF32.java";

    private static String header(Variant variant) {
        return KernelVariants.HEADER_START + " (runtime-cpu/src/build/java) from the float32 source " + PATH
                + ",\n// as its " + variant + " variant. Do not edit: edit the float32 source.\n";
    }

    /** The generated text without its two header lines, after checking them. */
    private static String body(String template, Variant variant) {
        String generated = KernelVariants.generate(PATH, template, variant);
        assertTrue(generated.startsWith(header(variant)), generated);
        return generated.substring(header(variant).length());
    }

    @Test
    void rewritesTypesNamesCastsAndLiteralsToFloat64() {
        String template = """
                //autocode:variants float64
                /** The float32 kernel of SnippetF32; a Float32 sum. */
                final class SnippetF32 {
                    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
                    static float scale(float[] x, double s, int n) {
                        float a = 1f, b = 2.5f, c = 1e-3f, d = 0x1f, e = .5F;
                        x[0] = (float) Math.exp(s) + (float)(n * 2);
                        String message = "(float) 2f in a float32 string";  // (float) 3f in a comment
                        return Float.isNaN(a) ? GemmF32Vector.one(DType.FLOAT32) : Float.NEGATIVE_INFINITY;
                    }
                }
                """;
        String expected = """
                /** The float64 kernel of SnippetF64; a Float64 sum. */
                final class SnippetF64 {
                    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
                    static double scale(double[] x, double s, int n) {
                        double a = 1.0, b = 2.5, c = 1e-3, d = 0x1f, e = .5;
                        x[0] = Math.exp(s) + (n * 2);
                        String message = "(double) 2f in a float64 string";  // (double) 3f in a comment
                        return Double.isNaN(a) ? GemmF64Vector.one(DType.FLOAT64) : Double.NEGATIVE_INFINITY;
                    }
                }
                """;
        assertEquals(expected, body(template, Variant.FLOAT64));
    }

    @ParameterizedTest
    @CsvSource({"INT32, I32, int, Integer, 0", "INT64, I64, long, Long, 0L"})
    void rewritesToIntegers(Variant variant, String suffix, String type, String boxed, String zero) {
        String template = """
                //autocode:variants float64,int32,int64 (a note)
                final class SnippetF32 {
                    static void fill(float[] c, int n) {
                        java.util.Arrays.fill(c, 0, n, 0f);
                        c[0] = (float) (n * n);
                        Float boxed = Float.valueOf(c[0]);
                    }
                }
                """;
        String expected = """
                final class Snippet%1$s {
                    static void fill(%2$s[] c, int n) {
                        java.util.Arrays.fill(c, 0, n, %4$s);
                        c[0] = (%2$s) (n * n);
                        %3$s boxed = %3$s.valueOf(c[0]);
                    }
                }
                """.formatted(suffix, type, boxed, zero);
        assertEquals(expected, body(template, variant));
    }

    @Test
    void appliesDirectivesPerVariant() {
        String template = """
                //autocode:variants float64,int32,int64 (a note)
                final class SnippetF32 {
                    static float f(float x) {
                        //autocode:replace int32 int y = Integer.signum(x);
                        //autocode:replace int64 long y = Long.signum(x);
                        float y = Math.signum(x);
                        //autocode:omit integer integers have no NaN
                        if (Float.isNaN(x)) return x;
                        //autocode:omit-begin float64,int64 only float32 and int32 keep these
                        y += 1f;
                        y *= 2f;
                        //autocode:omit-end
                        //autocode:add integer y = Math.abs(y);
                        //autocode:add int64 if (y > 1) {
                        //autocode:add int64     y = 1;
                        //autocode:add int64 }
                        return y;
                    }
                }
                """;
        assertEquals("""
                final class SnippetF64 {
                    static double f(double x) {
                        double y = Math.signum(x);
                        if (Double.isNaN(x)) return x;
                        return y;
                    }
                }
                """, body(template, Variant.FLOAT64));
        assertEquals("""
                final class SnippetI32 {
                    static int f(int x) {
                        int y = Integer.signum(x);
                        y += 1;
                        y *= 2;
                        y = Math.abs(y);
                        return y;
                    }
                }
                """, body(template, Variant.INT32));
        assertEquals("""
                final class SnippetI64 {
                    static long f(long x) {
                        long y = Long.signum(x);
                        y = Math.abs(y);
                        if (y > 1) {
                            y = 1;
                        }
                        return y;
                    }
                }
                """, body(template, Variant.INT64));
    }

    @Test
    void appliesAFilesOwnRenameBeforeTheRules() {
        String template = """
                //autocode:variants float64,int64
                //autocode:rename int64 double long (integer sums are exact)
                final class SnippetF32 {
                    /** Sums in double. */
                    static double sum(float[] x) {
                        double s = 0;
                        for (float v : x) s += v;
                        return s;
                    }
                }
                """;
        assertTrue(body(template, Variant.FLOAT64).contains("    static double sum(double[] x) {\n        double s = 0;\n"),
                "the rename is for int64 only");
        assertEquals("""
                final class SnippetI64 {
                    /** Sums in long. */
                    static long sum(long[] x) {
                        long s = 0;
                        for (long v : x) s += v;
                        return s;
                    }
                }
                """, body(template, Variant.INT64));
    }

    @Test
    void leavesCommentsAndStringsAloneForCastsAndLiteralsAcrossLines() {
        String template = """
                //autocode:variants float64
                final class SnippetF32 {
                    /* a block comment with (float) 1f
                       that goes on with 2f and float */ float x = 3f; /* 4f */ float y = (float) 5f;
                    char q = '"'; String s = "\\"(float) 6f\\"" + (float) 7f;
                }
                """;
        assertEquals("""
                final class SnippetF64 {
                    /* a block comment with (double) 1f
                       that goes on with 2f and double */ double x = 3.0; /* 4f */ double y = 5.0;
                    char q = '"'; String s = "\\"(double) 6f\\"" + 7.0;
                }
                """, body(template, Variant.FLOAT64));
    }

    @Test
    void namesGeneratedFilesAndListsDeclaredVariants() {
        assertEquals("GemmF64Vector.java", KernelVariants.generatedFileName("a/b/GemmF32Vector.java", Variant.FLOAT64));
        assertEquals("PoolI64.java", KernelVariants.generatedFileName("PoolF32.java", Variant.INT64));
        assertEquals(List.of(Variant.FLOAT64, Variant.INT64), KernelVariants.variants(PATH,
                "//autocode:variants int64,float64\nclass SnippetF32 {}\n"));
        assertTrue(KernelVariants.isTemplate("package p;\n  // autocode:variants float64\nclass SnippetF32 {}\n"));
        assertFalse(KernelVariants.isTemplate("package p;\n/** Mentions autocode:variants in prose. */\n"));
    }

    /** Each mistake stops generation with the file, the line and what is wrong. */
    @Test
    void reportsMistakesWithFileAndLine() {
        assertError(":2: unknown variant 'float16'", "//autocode:variants float64\n//autocode:omit float16\nx;\n");
        assertError(":2: int32 is not a variant of this file [float64]",
                "//autocode:variants float64\n//autocode:omit int32\nx;\n");
        assertError(":2: 'integer' names no variant", "//autocode:variants float64\n//autocode:omit integer\nx;\n");
        assertError(":2: unknown directive autocode:delete", "//autocode:variants float64\n//autocode:delete float64\n");
        assertError(":2: the directive has no line to apply to",
                "//autocode:variants float64\n//autocode:replace float64 y;\n");
        assertError(":3: a second directive for float64 on line 4 (the first is at line 2)",
                "//autocode:variants float64\n//autocode:omit float64\n//autocode:replace float64 y;\nx;\n");
        assertError(":2: autocode:omit-begin without omit-end", "//autocode:variants float64\n//autocode:omit-begin float64\n");
        assertError(":2: autocode:omit-end without omit-begin", "//autocode:variants float64\n//autocode:omit-end\n");
        assertError(":3: omit blocks do not nest (one began at line 2)",
                "//autocode:variants float64\n//autocode:omit-begin float64\n//autocode:omit-begin float64\n");
        assertError(":2: autocode:omit must be followed by the line it applies to, not by autocode:omit-begin",
                "//autocode:variants float64\n//autocode:omit float64\n//autocode:omit-begin float64\nx;\n");
        assertError(":2: autocode:replace needs the code to put in",
                "//autocode:variants float64\n//autocode:replace float64\nx;\n");
        assertError(":2: a directive must stand alone on its line", "//autocode:variants float64\nx; //autocode:omit float64\n");
        assertError(":1: autocode:variants must come before other directives", "//autocode:omit float64\nx;\n");
        assertError(":2: autocode:variants must come once", "//autocode:variants float64\n//autocode:variants int32\n");
        assertError(": not a template: no //autocode:variants line", "x;\n");
        assertError(":3: autocode:rename applies to the whole file",
                "//autocode:variants float64\n//autocode:omit float64\n//autocode:rename float64 a b\nx;\n");
        assertError(":2: autocode:rename needs a word and its replacement, got 'a'",
                "//autocode:variants float64\n//autocode:rename float64 a\n");
        assertError(":3: a second autocode:rename of a",
                "//autocode:variants float64\n//autocode:rename float64 a b\n//autocode:rename float64 a c\n");
        assertError(": a template must declare the class its file is named after, SnippetF32",
                "//autocode:variants float64\nclass Other {}\n");
        assertError(":3: the literal 2.5f has no int32 form: give the line its int32 text with //autocode:replace",
                "//autocode:variants int32\nclass SnippetF32 {\n  float x = 2.5f;\n}\n");
        assertError(":3: text blocks are not supported in templates",
                "//autocode:variants float64\nclass SnippetF32 {\nString s = \"\"\"\n}\n");
        assertThrows(TemplateException.class, () -> KernelVariants.generatedFileName("Snippet.java", Variant.FLOAT64));
    }

    private static void assertError(String expected, String template) {
        TemplateException e = assertThrows(TemplateException.class, () -> {
            for (Variant variant : KernelVariants.variants(PATH, template)) {
                KernelVariants.generate(PATH, template, variant);
            }
        });
        assertTrue(e.getMessage().startsWith(PATH + expected), () -> "expected " + PATH + expected + "..., got "
                + e.getMessage());
    }

    @Test
    void writesVariantsRefusesHandWrittenCopiesAndDeletesStaleOutput(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("src");
        Path output = dir.resolve("out");
        Path pkg = Files.createDirectories(source.resolve("p"));
        Files.writeString(pkg.resolve("KernelF32.java"), "package p;\n//autocode:variants float64,int64\n"
                + "final class KernelF32 {\n    float[] x;\n}\n");
        Files.writeString(pkg.resolve("Plain.java"), "package p;\nfinal class Plain {\n}\n");
        Path stale = Files.createDirectories(output.resolve("p")).resolve("OldF64.java");
        Files.writeString(stale, KernelVariants.HEADER_START + " from an old template\n");
        Path foreign = output.resolve("p/NotOurs.java");
        Files.writeString(foreign, "package p;\n");

        assertEquals(List.of(Path.of("p/KernelF64.java"), Path.of("p/KernelI64.java")),
                KernelVariants.run(source, output));
        assertTrue(Files.readString(output.resolve("p/KernelF64.java")).contains("final class KernelF64 {\n    double[] x;"));
        assertTrue(Files.readString(output.resolve("p/KernelI64.java")).contains("final class KernelI64 {\n    long[] x;"));
        assertFalse(Files.exists(stale), "a generated file no template produces is deleted");
        assertTrue(Files.exists(foreign), "files the generator did not write are left alone");

        Files.writeString(pkg.resolve("KernelF64.java"), "package p;\nfinal class KernelF64 {\n}\n");
        TemplateException e = assertThrows(TemplateException.class, () -> KernelVariants.run(source, output));
        assertTrue(e.getMessage().startsWith("p/KernelF32.java: p/KernelF64.java is generated from this template: "
                + "delete the hand-written copy"), e.getMessage());
    }
}
