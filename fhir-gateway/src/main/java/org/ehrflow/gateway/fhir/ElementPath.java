package org.ehrflow.gateway.fhir;

/**
 * An element's path ({@code Bundle.entry[3].resource.birthDate}), rendered only when there is something to report:
 * building the strings for every element of a 100-entry Bundle cost more than the check itself.
 */
record ElementPath(ElementPath parent, String name, int index) {

    static ElementPath root(String name) {
        return new ElementPath(null, name, -1);
    }

    ElementPath child(String n) {
        return new ElementPath(this, n, -1);
    }

    ElementPath item(String n, int i) {
        return new ElementPath(this, n, i);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        render(b);
        return b.toString();
    }

    private void render(StringBuilder b) {
        if (parent != null) {
            parent.render(b);
            b.append('.');
        }
        b.append(name);
        if (index >= 0) {
            b.append('[').append(index).append(']');
        }
    }
}
