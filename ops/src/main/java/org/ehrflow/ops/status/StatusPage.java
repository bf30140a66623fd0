package org.ehrflow.ops.status;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.ops.OpsSnapshot;
import org.ehrflow.ops.canary.Canary;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.slot.SlotLag;

/**
 * The ops app's status page: lag per stage and partition, freshness over time as an inline SVG chart, DLQ
 * counts by reason and the CDC slot. Self-contained HTML (no scripts, no external resources), refreshed by the
 * browser every few seconds. Shows codes and positions only, never payloads or patient keys.
 */
public final class StatusPage {

    private StatusPage() {
    }

    public static String render(OpsSnapshot s, List<History.Point> history) {
        return render(s, history, null);
    }

    /** @param canary the canary's recent measurements, or null when the canary is off */
    public static String render(OpsSnapshot s, List<History.Point> history, List<Canary.Measurement> canary) {
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"5\"><title>ehrflow status</title><style>")
                .append("body{font-family:sans-serif;margin:20px;color:#222}h1{font-size:22px}h2{font-size:17px;")
                .append("margin-top:22px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 9px;")
                .append("font-size:13px}th{background:#f0f0f0;text-align:left}td.n{text-align:right}")
                .append(".bad{background:#fdd}.ok{color:#286628}.warn{color:#a00;font-weight:bold}</style></head><body>");
        sb.append("<h1>ehrflow pipeline status</h1><p>measured at ").append(escape(s.at().toString()));
        if (s.failures().isEmpty()) {
            sb.append(" &#8212; <span class=\"ok\">all sources measured</span>");
        } else {
            sb.append(" &#8212; <span class=\"warn\">not measured: ").append(escape(String.join(", ", s.failures())))
                    .append("</span>");
        }
        sb.append("</p>");
        if (canary != null) {
            sb.append("<h2>Freshness canary: injection to searchable (s), per source</h2>")
                    .append(SvgChart.render(canary.stream().map(m -> new History.Point(m.at(),
                            Map.of(m.source().name().toLowerCase(Locale.ROOT), m.seconds()))).toList()));
        }
        sb.append("<h2>Lag: worst partition's lag in seconds per stage</h2>").append(SvgChart.render(history));
        lagTable(sb, s.lags());
        dlqTable(sb, s);
        slot(sb, s.slot());
        sb.append("</body></html>");
        return sb.toString();
    }

    private static void lagTable(StringBuilder sb, List<PartitionLag> lags) {
        sb.append("<h2>Lag per stage and partition</h2><table id=\"lag\"><tr><th>stage</th><th>topic</th>")
                .append("<th>partition</th><th>end</th><th>committed</th><th>lag (records)</th><th>lag (s)</th></tr>");
        for (PartitionLag l : lags) {
            sb.append(l.lagSeconds() >= 60 ? "<tr class=\"bad\">" : "<tr>")
                    .append(td(l.stage())).append(td(l.topic())).append(num(l.partition())).append(num(l.endOffset()))
                    .append(num(l.committedOffset())).append(num(l.lagOffsets()))
                    .append("<td class=\"n\">").append(String.format(Locale.ROOT, "%.1f", l.lagSeconds()))
                    .append("</td></tr>");
        }
        sb.append("</table>");
    }

    private static void dlqTable(StringBuilder sb, OpsSnapshot s) {
        sb.append("<h2>Dead letters by reason</h2><table id=\"dlq\"><tr><th>DLQ topic</th><th>reason</th>")
                .append("<th>records</th></tr>");
        if (s.dlqCounts().isEmpty()) {
            sb.append("<tr><td colspan=\"3\">none</td></tr>");
        }
        s.dlqCounts().forEach((topic, byReason) -> byReason.forEach((reason, n) ->
                sb.append("<tr class=\"bad\">").append(td(topic)).append(td(reason)).append(num(n)).append("</tr>")));
        sb.append("</table>");
    }

    private static void slot(StringBuilder sb, SlotLag slot) {
        sb.append("<h2>CDC replication slot</h2>");
        if (slot == null) {
            sb.append("<p>EHR database not configured (EHRFLOW_OPS_EHR_JDBC_URL).</p>");
            return;
        }
        sb.append("<table id=\"slot\"><tr><th>slot</th><th>exists</th><th>active</th><th>lag (bytes)</th>")
                .append("<th>lag (s)</th><th>heartbeat age (s)</th></tr><tr>").append(td(slot.slot()))
                .append(td(Boolean.toString(slot.exists()))).append(td(Boolean.toString(slot.active())))
                .append(num(slot.lagBytes()))
                .append(td(String.format(Locale.ROOT, "%.1f", slot.lagSeconds())))
                .append(td(slot.heartbeatAgeSeconds() < 0 ? "unknown"
                        : String.format(Locale.ROOT, "%.1f", slot.heartbeatAgeSeconds())))
                .append("</tr></table>");
    }

    private static String td(String v) {
        return "<td>" + escape(v) + "</td>";
    }

    private static String num(long v) {
        return "<td class=\"n\">" + v + "</td>";
    }

    /** HTML-escapes text (topic names and codes are safe already; this keeps the page safe if one is not). */
    public static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
