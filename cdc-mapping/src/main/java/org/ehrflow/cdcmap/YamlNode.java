package org.ehrflow.cdcmap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node with its line, read leniently: a wrong shape is recorded as a problem (file and line) and read as
 * absent, so one pass reports everything wrong with a file.
 */
final class YamlNode {

    private final Node node;
    private final Problems problems;
    private final int keyLine;

    YamlNode(Node node, Problems problems) {
        this(node, problems, 0);
    }

    /** @param keyLine the line of the key this node is the value of (a block mapping starts on the next line) */
    private YamlNode(Node node, Problems problems, int keyLine) {
        this.node = node;
        this.problems = problems;
        this.keyLine = keyLine;
    }

    int line() {
        if (keyLine > 0) {
            return keyLine;
        }
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    boolean isMap() {
        return node instanceof MappingNode;
    }

    /** This node's text (settings substituted), or null with a problem when it is not a scalar. */
    String text(String what) {
        if (node instanceof ScalarNode s) {
            return problems.substitute(s.getValue(), line());
        }
        problems.add(line(), what + " must be a single value");
        return null;
    }

    /** Entries of a mapping node in file order; empty (with a problem) for anything else. */
    Map<String, YamlNode> entries(String what) {
        Map<String, YamlNode> out = new LinkedHashMap<>();
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                out.put(k, new YamlNode(t.getValueNode(), problems, t.getKeyNode().getStartMark().getLine() + 1));
            }
        } else if (node != null) {
            problems.add(line(), what + " must be a mapping");
        }
        return out;
    }

    /** Items of a sequence; a single scalar reads as a one-item list. */
    List<YamlNode> items(String what) {
        List<YamlNode> out = new ArrayList<>();
        if (node instanceof SequenceNode s) {
            s.getValue().forEach(n -> out.add(new YamlNode(n, problems)));
        } else if (node instanceof ScalarNode) {
            out.add(this);
        } else if (node != null) {
            problems.add(line(), what + " must be a list");
        }
        return out;
    }

    List<String> texts(String what) {
        List<String> out = new ArrayList<>();
        for (YamlNode y : items(what)) {
            String t = y.text(what);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }
}
