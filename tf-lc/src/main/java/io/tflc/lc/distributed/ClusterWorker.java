package io.tflc.lc.distributed;

import io.tflc.savedmodels.SavedModelWriter;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Server;
import org.tensorflow.TargetedSessions;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * This process as worker {@code index} of a cluster: its TF server, started once and alive until the process ends
 * (TF cannot stop one: "Clean shutdown is not currently implemented"), and models moved onto it.
 */
public final class ClusterWorker {
    /** The one worker this process is, once its server started. */
    private static ClusterWorker started;
    private final Cluster cluster;
    private final int index;

    private ClusterWorker(Cluster cluster, int index) {
        this.cluster = cluster;
        this.index = index;
    }

    /**
     * Starts worker {@code index}'s server. Call it once per process: the server is never closed.
     *
     * @throws IllegalStateException when TF cannot start it (e.g. its port is taken), naming the address
     */
    @SuppressWarnings("resource")
    public static synchronized ClusterWorker start(Cluster cluster, int index) {
        if (started != null) {
            if (started.cluster.equals(cluster) && started.index == index) {
                return started;
            }
            throw new IllegalStateException("this process is already worker " + started.index + " of "
                    + started.cluster.workers() + " (a TF server cannot stop): run another cluster in a new process");
        }
        try {
            new Server(cluster.serverDef(index)).start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("worker " + index + " could not start its TF server at "
                    + cluster.workers().get(index) + ": " + e.getMessage(), e);
        }
        started = new ClusterWorker(cluster, index);
        return started;
    }

    public Cluster cluster() {
        return cluster;
    }

    public int index() {
        return index;
    }

    /**
     * {@code model}'s inference graph with the same weights, in a session that runs on this worker's server (the
     * collectives exist there only); the caller closes both models.
     */
    public TrainableModel onServer(TrainableModel model) {
        List<String> roots = new ArrayList<>(List.of(model.output().op().name(), model.logits().op().name()));
        roots.addAll(model.declared().outputOps());
        if (model.computedTargets()) {
            roots.add(model.targets().op().name());
        }
        GraphDef def = namedResources(SavedModelWriter.prune(model.graph().toGraphDef(), roots.toArray(String[]::new)));
        return model.rebuilt(def, model.access().readAll(), model.declared().nonTrainable(),
                graph -> TargetedSessions.open(graph, cluster.target(index), cluster.sessionConfig(index)));
    }

    /**
     * Gives every unnamed variable its node's name: on a server, variables without a {@code shared_name} alias each
     * other on one device (DESIGN §6), where in process each had its own.
     */
    static GraphDef namedResources(GraphDef def) {
        GraphDef.Builder out = def.toBuilder().clearNode();
        for (NodeDef node : def.getNodeList()) {
            AttrValue shared = node.getAttrOrDefault("shared_name", null);
            if (node.getOp().equals("VarHandleOp") && (shared == null || shared.getS().isEmpty())) {
                out.addNode(node.toBuilder().putAttr("shared_name", AttrValue.newBuilder()
                        .setS(com.google.protobuf.ByteString.copyFromUtf8(node.getName())).build()));
            } else {
                out.addNode(node);
            }
        }
        return out.build();
    }
}
