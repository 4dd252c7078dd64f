package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The reader's promise on hostile input: it returns a model or throws {@link IrFormatException}; never another
 * exception, never an out-of-memory error, never a hang.
 *
 * <p>{@link #fuzzRead} is a Jazzer {@code @FuzzTest}: a plain {@code mvn verify} runs it in regression mode over its
 * seed inputs ({@code src/test/resources/.../IrReaderFuzzTestInputs}); {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=IrReaderFuzzTest#fuzzRead} fuzzes with coverage guidance for as long as you like.
 * {@link #seededMutationsOfRealFixtures} is the bounded run CI does every time: seeded random mutations of the real
 * fixtures and the malformed corpus, for a fixed number of inputs and at most a few seconds.
 */
class IrReaderFuzzTest {
    private static final IrReader READER = new IrReader(IrReader.Options.defaults().withLogWarnings(false));

    /** Weights the fuzzed XML can point into: 4 KiB of a fixed pattern. */
    private static final byte[] BIN = new byte[4096];

    static {
        for (int i = 0; i < BIN.length; i++) {
            BIN[i] = (byte) (i * 31 + 7);
        }
    }

    /** Reads and checks the property; returns whether the input was accepted. */
    static boolean readsOrRefuses(byte[] xml, byte[] bin) {
        try {
            ReadResult r = READER.read(xml, bin == null ? null : ByteBuffer.wrap(bin), "fuzz.xml");
            // Whatever was accepted must also be writable and read back equal.
            IrWriter.Written w = IrWriter.toBytes(r.model(), IrWriter.Options.defaults());
            IrModel back = READER.read(w.xml().getBytes(StandardCharsets.UTF_8), ByteBuffer.wrap(w.bin()), "back.xml")
                    .model();
            Assertions.assertEquals(java.util.Optional.empty(), ModelDiff.firstDifference(r.model(), back));
            return true;
        } catch (IrFormatException e) {
            assertTrue(e.getMessage().startsWith("fuzz.xml: "), e.getMessage());
            return false;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void fuzzRead(byte[] xml) {
        readsOrRefuses(xml, BIN);
    }

    // ---- the bounded, seeded mutation run ----

    private static final String[] TOKENS = {"-1", "0", "1", "-2", "?", "..", "...", "1..", "..3", "4294967296",
        "18446744073709551615", "18446744073709551616", "9223372036854775807", "-9223372036854775808", "1e309", "nan",
        ",", ", ,", "opset0", "opset8", "opset16", "Const", "Result", "Parameter", "Assign", "ReadValue", "f16", "u1",
        "i4", "boolean", "true", "&amp;", "&#0;", "<dim>", "</dim>", "<port id=\"9\">", "</layer>", "<![CDATA[x]]>",
        "<!DOCTYPE x>", "\u0000", "\uFFFF", "\"", "'", "<", ">", "\\,", " ", "\n", "2147483648"};

    static byte[] mutate(byte[] seed, SplittableRandom r) {
        String s = new String(seed, StandardCharsets.UTF_8);
        int rounds = 1 + r.nextInt(2);
        for (int k = 0; k < rounds && !s.isEmpty(); k++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(7)) {
                case 0 -> { // replace a number with an interesting token
                    int start = at;
                    while (start < s.length() && !Character.isDigit(s.charAt(start))) {
                        start++;
                    }
                    int end = start;
                    while (end < s.length() && Character.isDigit(s.charAt(end))) {
                        end++;
                    }
                    s = s.substring(0, start) + TOKENS[r.nextInt(TOKENS.length)] + s.substring(end);
                }
                case 1 -> s = s.substring(0, at) + TOKENS[r.nextInt(TOKENS.length)] + s.substring(at);
                case 2 -> s = s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + r.nextInt(40)));
                case 3 -> { // duplicate a line (a layer, a port, an edge...)
                    int ls = s.lastIndexOf('\n', at) + 1;
                    int le = s.indexOf('\n', at);
                    le = le < 0 ? s.length() : le + 1;
                    s = s.substring(0, le) + s.substring(ls, le) + s.substring(le);
                }
                case 4 -> { // swap two quoted attribute values
                    List<int[]> quotes = new ArrayList<>();
                    for (int i = s.indexOf('"'); i >= 0 && quotes.size() < 2000; ) {
                        int j = s.indexOf('"', i + 1);
                        if (j < 0) {
                            break;
                        }
                        quotes.add(new int[] {i + 1, j});
                        i = s.indexOf('"', j + 1);
                    }
                    if (quotes.size() >= 2) {
                        int[] a = quotes.get(r.nextInt(quotes.size()));
                        int[] b = quotes.get(r.nextInt(quotes.size()));
                        if (a[0] > b[0]) {
                            int[] t = a;
                            a = b;
                            b = t;
                        }
                        if (a[1] <= b[0]) {
                            s = s.substring(0, a[0]) + s.substring(b[0], b[1]) + s.substring(a[1], b[0])
                                    + s.substring(a[0], a[1]) + s.substring(b[1]);
                        }
                    }
                }
                case 5 -> s = s.substring(0, at); // truncate
                default -> { // flip a byte
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    return b;
                }
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    record Seed(byte[] xml, byte[] bin, boolean valid) {
    }

    static List<Seed> seeds() throws Exception {
        List<Seed> seeds = new ArrayList<>();
        Path root = Fixtures.root();
        if (root != null) {
            for (String rel : Fixtures.allXml()) {
                Path xml = root.resolve(rel);
                Path bin = IrReader.besideXml(xml);
                seeds.add(new Seed(Files.readAllBytes(xml), Files.exists(bin) ? Files.readAllBytes(bin) : BIN, true));
            }
        }
        Path corpus = MalformedCorpusTest.corpus();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                Path bin = IrReader.besideXml(p);
                seeds.add(new Seed(Files.readAllBytes(p), Files.exists(bin) ? Files.readAllBytes(bin) : null, false));
            }
        }
        return seeds;
    }

    private static final int MIN_INPUTS = 500;

    @Test
    void seededMutationsOfRealFixtures() throws Exception {
        List<Seed> seeds = seeds();
        List<Seed> valid = seeds.stream().filter(Seed::valid).toList();
        assumeTrue(!seeds.isEmpty());
        // -Dir.fuzz.seconds and -Dir.fuzz.seed give longer or different local runs; CI uses the defaults.
        SplittableRandom r = new SplittableRandom(Long.getLong("ir.fuzz.seed", 20261202));
        long seconds = Long.getLong("ir.fuzz.seconds", 8);
        int maxInputs = seconds > 8 ? Integer.MAX_VALUE : 20_000;
        int[] accepted = {0};
        int[] total = {0};
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(seconds + 60), () -> {
            // A fixed number of inputs, cut short on a slow machine so that CI stays fast, but never below the
            // 500 the assertions below need (a loaded machine runs them more slowly, not fewer of them).
            for (int i = 0; i < maxInputs && (i < MIN_INPUTS || System.nanoTime() < deadline); i++) {
                // Mostly mutations of valid models, which reach deeper than the parser; some of the malformed corpus.
                List<Seed> pool = !valid.isEmpty() && r.nextInt(4) != 0 ? valid : seeds;
                Seed seed = pool.get(r.nextInt(pool.size()));
                byte[] xml = mutate(seed.xml(), r);
                long t0 = System.nanoTime();
                if (readsOrRefuses(xml, seed.bin())) {
                    accepted[0]++;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 2000, "one input took " + ms + " ms: " + new String(xml, StandardCharsets.UTF_8));
                total[0]++;
            }
        });
        assertTrue(total[0] >= MIN_INPUTS, "only " + total[0] + " inputs ran");
        // The mutations of valid models must keep some inputs valid, or the loop only exercises the XML parser.
        // Without the shared fixtures (a user's clone) every seed is malformed and nearly every input is refused.
        if (!valid.isEmpty()) {
            assertTrue(accepted[0] > total[0] / 50, accepted[0] + " of " + total[0] + " accepted");
        }
        System.out.println("fuzz: " + total[0] + " mutated inputs, " + accepted[0] + " accepted");
    }

    @Test
    void hugeAndDeepInputsAreRefusedCheaply() throws Exception {
        // A chain of 10000 ReLUs, read on a thread with a 256 KiB stack: deep graphs must not recurse.
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?><net name=\"deep\" version=\"11\"><layers>");
        sb.append("<layer id=\"0\" name=\"x\" type=\"Parameter\" version=\"opset1\"><data shape=\"2\" element_type=\"f32\"/>"
                + "<output><port id=\"0\"/></output></layer>");
        int n = 10_000;
        for (int i = 1; i <= n; i++) {
            sb.append("<layer id=\"").append(i).append("\" name=\"r").append(i)
                    .append("\" type=\"ReLU\" version=\"opset1\"><input><port id=\"0\"/></input><output><port id=\"1\"/>"
                            + "</output></layer>");
        }
        sb.append("<layer id=\"").append(n + 1).append("\" name=\"y\" type=\"Result\" version=\"opset1\"><input>"
                + "<port id=\"0\"/></input></layer></layers><edges>");
        sb.append("<edge from-layer=\"0\" from-port=\"0\" to-layer=\"1\" to-port=\"0\"/>");
        for (int i = 1; i <= n; i++) {
            sb.append("<edge from-layer=\"").append(i).append("\" from-port=\"1\" to-layer=\"").append(i + 1)
                    .append("\" to-port=\"0\"/>");
        }
        sb.append("</edges></net>");
        IrModel[] read = new IrModel[1];
        Throwable[] failure = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                IrModel m = READER.read(sb.toString().getBytes(StandardCharsets.UTF_8), null, "deep.xml").model();
                IrWriter.toBytes(m, IrWriter.Options.defaults());
                read[0] = m;
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();
        Assertions.assertNull(failure[0]);
        Assertions.assertEquals(n + 2, read[0].nodes().size());
        // The same chain closed into a cycle is found without recursion.
        String cyclic = sb.toString().replace("<edge from-layer=\"0\" from-port=\"0\" to-layer=\"1\" to-port=\"0\"/>",
                "<edge from-layer=\"" + n + "\" from-port=\"1\" to-layer=\"1\" to-port=\"0\"/>");
        IrFormatException e = Assertions.assertThrows(IrFormatException.class,
                () -> READER.read(cyclic.getBytes(StandardCharsets.UTF_8), null, "cyclic.xml"));
        assertTrue(e.getMessage().contains("the graph has a cycle"), e.getMessage());
        // A Const claiming an exabyte is refused before anything is allocated.
        String huge = new String(Files.readAllBytes(MalformedCorpusTest.corpus().resolve("const-beyond-bin.xml")),
                StandardCharsets.UTF_8).replace("shape=\"2,3\" offset=\"8\" size=\"24\"",
                        "shape=\"1000000000,1000000000\" offset=\"0\" size=\"4000000000000000000\"");
        e = Assertions.assertThrows(IrFormatException.class,
                () -> READER.read(huge.getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(24), "huge.xml"));
        assertTrue(e.getMessage().endsWith("offset 0 + size 4000000000000000000 is beyond the end of the .bin file"
                + " (24 bytes)"), e.getMessage());
    }
}
