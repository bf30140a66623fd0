package org.ehrflow.ops.status;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Draws the freshness history as an inline SVG line chart: one line per stage, seconds over time. */
public final class SvgChart {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
    private static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int W = 760;
    private static final int H = 260;
    private static final int LEFT = 56;
    private static final int RIGHT = 150;
    private static final int TOP = 14;
    private static final int BOTTOM = 34;

    private SvgChart() {
    }

    public static String render(List<History.Point> points) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"lag seconds per stage over time\">", W, H, W, H));
        sb.append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        if (points.size() < 2) {
            sb.append("<text x=\"20\" y=\"40\" font-size=\"14\">collecting data&#8230;</text></svg>");
            return sb.toString();
        }
        double max = Math.max(1.0, points.stream().flatMap(p -> p.secondsByStage().values().stream())
                .mapToDouble(Double::doubleValue).max().orElse(1.0));
        max = niceCeiling(max);
        long t0 = points.get(0).at().toEpochMilli();
        long t1 = Math.max(t0 + 1, points.get(points.size() - 1).at().toEpochMilli());
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = TOP + plotH - plotH * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s s</text>", LEFT, y,
                    LEFT + plotW, y, LEFT - 6, y + 4, fmt(v)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s UTC</text>", LEFT, H - 10,
                HHMMSS.format(points.get(0).at()), LEFT + plotW, H - 10,
                HHMMSS.format(points.get(points.size() - 1).at())));
        Set<String> stages = new LinkedHashSet<>();
        points.forEach(p -> stages.addAll(p.secondsByStage().keySet()));
        int i = 0;
        for (String stage : stages) {
            String color = COLORS[i % COLORS.length];
            List<String> xy = new ArrayList<>();
            for (History.Point p : points) {
                Double v = p.secondsByStage().get(stage);
                if (v != null) {
                    double x = LEFT + plotW * (p.at().toEpochMilli() - t0) / (double) (t1 - t0);
                    double y = TOP + plotH - plotH * Math.min(v, max) / max;
                    xy.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                }
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
                    .append(String.join(" ", xy)).append("\"/>");
            int ly = TOP + 14 + 20 * i;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>", LEFT + plotW + 12, ly - 4, color,
                    LEFT + plotW + 32, ly, StatusPage.escape(stage)));
            i++;
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/></svg>", LEFT, TOP, plotW, plotH));
        return sb.toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}: readable axis labels. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
