package io.tflc.savedmodels.safety;

/**
 * One node the scan does not allow.
 *
 * @param function the library function the node sits in, or null for the graph itself
 */
public record OpFinding(String opType, String node, String function, String reason) {
    @Override
    public String toString() {
        return opType + " (node " + node + (function == null ? "" : " in function " + function) + "): " + reason;
    }
}
