package io.tflc.savedmodels;

import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Replaces ops of older graphs that TF registers no gradient for by their current equivalents, which compute the
 * same: {@code FusedBatchNorm} (TF 1.x) and {@code FusedBatchNormV2} become {@code FusedBatchNormV3}, whose first
 * five outputs are theirs (it adds a sixth, reserve space that nothing of the old graph reads).
 */
final class LegacyOps {
    private LegacyOps() {
    }

    static GraphDef upgrade(GraphDef graph) {
        if (graph.getNodeList().stream().noneMatch(LegacyOps::isOldBatchNorm)) {
            return graph;
        }
        GraphDef.Builder builder = graph.toBuilder();
        for (int i = 0; i < builder.getNodeCount(); i++) {
            NodeDef node = builder.getNode(i);
            if (isOldBatchNorm(node)) {
                NodeDef.Builder v3 = node.toBuilder().setOp("FusedBatchNormV3");
                if (!node.containsAttr("U")) {
                    // V1 has one type for all inputs; V3's statistics type U is then that type.
                    v3.putAttr("U", node.getAttrOrDefault("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT)
                            .build()));
                }
                builder.setNode(i, v3.build());
            }
        }
        return builder.build();
    }

    private static boolean isOldBatchNorm(NodeDef node) {
        return node.getOp().equals("FusedBatchNorm") || node.getOp().equals("FusedBatchNormV2");
    }
}
