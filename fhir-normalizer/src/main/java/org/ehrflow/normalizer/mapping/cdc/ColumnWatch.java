package org.ehrflow.normalizer.mapping.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ehrflow.cdcmap.TableMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports, once per column, a column the source added while running that the mapping does not declare: it is
 * not mapped (the mapping stays valid), but whoever owns the mapping should know. Names only, never values.
 */
final class ColumnWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ColumnWatch.class);

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    void check(TableMapping t, JsonNode row) {
        if (row.size() <= t.columns().size()) {
            return;
        }
        for (Iterator<String> it = row.fieldNames(); it.hasNext();) {
            String c = it.next();
            if (!t.columns().containsKey(c) && reported.add(t.name() + "." + c)) {
                LOG.warn("CDC table {} has column {} that its mapping does not declare; it is not mapped", t.name(), c);
            }
        }
    }
}
