package dev.adjoint.processor.model;

import java.util.List;
import java.util.Map;

/**
 * A differentiable method after normalisation: the model every generator reads (today the
 * gradient writer).
 *
 * @param name the method's simple name
 * @param parameters every parameter, in order, with its type
 * @param selected the parameters gradients are taken with respect to, in order
 * @param locals every hoisted local (user locals, temporaries, flags) with its type, in declaration order
 * @param body the normalised statements
 * @param result the local holding the returned value
 * @param resultType the method's return type
 * @param self the name of the receiver parameter of an instance method, or {@code null}
 * @param selfType the receiver's type, or {@code null}
 * @param refusals constructs that are errors if they receive a differentiated value
 * @param names the allocator that named the locals, for the names the transform adds
 */
public record LoweredMethod(String name, Map<String, JType> parameters, List<String> selected,
        Map<String, JType> locals, List<Stmt> body, String result, JType resultType, String self, JType selfType,
        List<Refusal> refusals, Names names) {

    /** The type of a parameter or hoisted local. */
    public JType typeOf(String local) {
        JType type = locals.get(local);
        return type != null ? type : parameters.get(local);
    }
}
