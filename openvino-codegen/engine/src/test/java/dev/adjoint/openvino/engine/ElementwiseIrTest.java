package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.openvino.ir.OpRegistry;
import dev.adjoint.openvino.ir.OpType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The elementwise table is total over BinaryOp, one-to-one, names ops the IR module defines, and each entry is the
 * op the engine runs that IR op with (the export module's round trip checks the values).
 */
class ElementwiseIrTest {
    @Test
    void everyBinaryOpHasOneIrOpTheEngineRuns() {
        List<String> supported = Core.supportedOps();
        Set<String> seen = new HashSet<>();
        for (BinaryOp op : BinaryOp.values()) {
            String ir = ElementwiseIr.irOf(op);
            assertNotNull(ir, op + " has no IR op");
            assertTrue(seen.add(ir), ir + " is mapped twice");
            assertTrue(supported.contains(ir + "-" + ElementwiseIr.version(ir)), ir + " has no engine kernel");
            assertNotNull(OpRegistry.standard().definition(new OpType(ir, ElementwiseIr.version(ir))), ir);
            assertEquals(op, ElementwiseIr.binaryByIrName().get(ir));
        }
    }

    @Test
    void unaryOpsWithAnIrOpAreRunByTheEngine() {
        List<String> supported = Core.supportedOps();
        int direct = 0;
        for (UnaryOp op : UnaryOp.values()) {
            var ir = ElementwiseIr.irOf(op);
            if (ir.isPresent()) {
                direct++;
                String name = ir.get();
                assertTrue(supported.contains(name + "-" + ElementwiseIr.version(name)), name + " has no engine kernel");
                assertEquals(op, ElementwiseIr.unaryByIrName().get(name));
            }
        }
        // The compositions are square, log1p, rsqrt, softplus and gelu (Gelu-7 with an attribute).
        assertEquals(UnaryOp.values().length - 5, direct);
    }
}
