package io.tflc.savedmodels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReadVariableOp;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.types.TFloat32;

/**
 * Reads and writes resource variables from Java: one read op and one placeholder-fed assign op per variable,
 * built once. The one mechanism behind initialisation, C-step targets, nested evaluation and checkpoints.
 */
public final class WeightAccess {

    /** A float variable this object can read and write. */
    public record Variable(String name, org.tensorflow.ndarray.Shape shape, Operand<?> handle) {
    }

    private final Session session;
    private final Map<String, Variable> variables = new LinkedHashMap<>();
    private final Map<String, ReadVariableOp<TFloat32>> reads = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
    private final Map<String, AssignVariableOp> assigns = new LinkedHashMap<>();

    public WeightAccess(Graph graph, Session session, List<Variable> variables, String scope) {
        this.session = session;
        Ops tf = Scopes.under(Ops.create(graph), scope);
        int i = 0;
        for (Variable v : variables) {
            Ops op = tf.withSubScope("v" + i++);
            this.variables.put(v.name(), v);
            reads.put(v.name(), op.withName("read").readVariableOp(v.handle(), TFloat32.class));
            Placeholder<TFloat32> feed = op.withName("value").placeholder(TFloat32.class,
                    Placeholder.shape(v.shape()));
            feeds.put(v.name(), feed);
            assigns.put(v.name(), op.withName("assign").assignVariableOp(v.handle(), feed));
        }
    }

    /** The current values of the named variables, in the order given. */
    public Map<String, float[]> read(List<String> names) {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        Session.Runner runner = session.runner();
        for (String name : names) {
            runner.fetch(require(reads, name));
        }
        try (Result result = runner.run()) {
            for (int i = 0; i < names.size(); i++) {
                TFloat32 t = (TFloat32) result.get(i);
                float[] values = new float[Math.toIntExact(t.shape().size())];
                t.asRawTensor().data().asFloats().read(values);
                out.put(names.get(i), values);
            }
        }
        return out;
    }

    /** All variables' current values. */
    public Map<String, float[]> readAll() {
        return read(new ArrayList<>(variables.keySet()));
    }

    /** Writes the given values (one session run for all of them). */
    public void assign(Map<String, float[]> values) {
        if (values.isEmpty()) {
            return;
        }
        List<TFloat32> tensors = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                Variable v = require(variables, e.getKey());
                if (e.getValue().length != v.shape().size()) {
                    throw new IllegalArgumentException("variable " + v.name() + " of shape " + v.shape() + " takes "
                            + v.shape().size() + " values, got " + e.getValue().length);
                }
                TFloat32 t = TFloat32.tensorOf(v.shape());
                tensors.add(t);
                t.asRawTensor().data().asFloats().write(e.getValue());
                runner.feed(feeds.get(v.name()), t).addTarget(assigns.get(v.name()));
            }
            runner.run().close();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    /** The shape of the named variable. */
    public org.tensorflow.ndarray.Shape shape(String name) {
        return require(variables, name).shape();
    }

    public List<String> names() {
        return new ArrayList<>(variables.keySet());
    }

    private static <T> T require(Map<String, T> map, String name) {
        T t = map.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no variable '" + name + "'; variables: " + map.keySet());
        }
        return t;
    }
}
