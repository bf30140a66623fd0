package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;

/** One API operation: reads the request, returns the JSON reply (status 200) or throws a problem. */
@FunctionalInterface
public interface Endpoint {

    ObjectNode handle(RequestContext ctx) throws ApiException, SQLException;
}
