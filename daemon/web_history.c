/* Articles per minute for the dashboard's overview; see web_history.h. */
#include "web_history.h"

#include <string.h>

#define MINUTE_MS 60000

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void web_history_note(struct web_history *h, int64_t now_ms, const uint64_t counters[HIST_SERIES])
{
    int64_t minute = now_ms / MINUTE_MS;
    if (!h->started || minute < h->minute) {
        /* First sample, or the wall clock went back: start afresh rather
         * than file counts under minutes that have not come yet. */
        memset(h, 0, sizeof *h);
        h->started = true;
        h->first_minute = h->minute = minute;
        memcpy(h->base, counters, sizeof h->base);
        memcpy(h->last, counters, sizeof h->last);
        return;
    }
    if (h->resumed) {
        /* The last run's history (trends_file.h): this run's counters
         * started at zero, and a minute that run had begun keeps its
         * counts. */
        h->resumed = false;
        memset(h->base, 0, sizeof h->base);
        memset(h->last, 0, sizeof h->last);
        memcpy(h->carry, h->per_minute[h->minute % HISTORY_MINUTES], sizeof h->carry);
    }
    if (minute != h->minute) {
        /* Minutes without a sample saw nothing counted. */
        for (int64_t m = h->minute + 1; m <= minute && m - h->minute <= HISTORY_MINUTES; m++)
            memset(h->per_minute[m % HISTORY_MINUTES], 0, sizeof h->per_minute[0]);
        h->minute = minute;
        memcpy(h->base, h->last, sizeof h->base);
        memset(h->carry, 0, sizeof h->carry);
    }
    uint32_t *cur = h->per_minute[minute % HISTORY_MINUTES];
    for (int s = 0; s < HIST_SERIES; s++)
        cur[s] = clamp32(h->carry[s] + (counters[s] - h->base[s]));
    memcpy(h->last, counters, sizeof h->last);
}

static const char *const series_name[HIST_SERIES] = {"received", "archived", "failed", "duplicates"};

void web_history_svg(const struct web_history *h, struct strbuf *sb)
{
    uint32_t max = 1;
    unsigned points = 0;
    uint64_t total[HIST_SERIES] = {0};
    int64_t from = h->minute - (HISTORY_MINUTES - 1);

    for (int64_t m = from; h->started && m <= h->minute; m++) {
        if (m < h->first_minute)
            continue;
        const uint32_t *v = h->per_minute[m % HISTORY_MINUTES];
        bool any = false;
        for (int s = 0; s < HIST_SERIES; s++) {
            total[s] += v[s];
            if (v[s] > max)
                max = v[s];
            any |= v[s] != 0;
        }
        points += any;
    }
    /* x: one unit per minute, oldest left; y: 0..100, the busiest minute on top. */
    sb_printf(sb, "<svg class=\"chart\" viewBox=\"0 0 %d 104\" preserveAspectRatio=\"none\" role=\"img\" "
                  "aria-label=\"articles per minute, last 24 hours\" data-points=\"%u\" data-max=\"%u\">",
              HISTORY_MINUTES, points, max);
    for (int s = 0; s < HIST_SERIES && h->started; s++) {
        sb_printf(sb, "<polyline class=\"s-%s\" points=\"", series_name[s]);
        /* Minutes before newsd started drawn as 0, so a first busy minute
         * is a spike at the right edge and not a lone, invisible point. */
        for (int64_t m = from; m <= h->minute; m++) {
            uint32_t v = m < h->first_minute ? 0 : h->per_minute[m % HISTORY_MINUTES][s];
            sb_printf(sb, "%lld,%.1f ", (long long)(m - from), 102.0 - 100.0 * v / max);
        }
        sb_printf(sb, "\"/>");
    }
    sb_printf(sb, "</svg>\n<div class=\"axis\"><span>24 h ago</span><span>18 h</span><span>12 h</span>"
                  "<span>6 h</span><span>now</span></div>\n<table class=\"legend\"><tr><th>Last 24 h</th>");
    for (int s = 0; s < HIST_SERIES; s++)
        sb_printf(sb, "<th><span class=\"key s-%s\"></span>%s</th>", series_name[s], series_name[s]);
    sb_printf(sb, "<th>busiest minute</th></tr><tr><td>articles</td>");
    for (int s = 0; s < HIST_SERIES; s++)
        sb_printf(sb, "<td>%llu</td>", (unsigned long long)total[s]);
    sb_printf(sb, "<td>%u</td></tr></table>\n", h->started && points ? max : 0);
}
