/* weir log [DIR] [--format text|json] [-n N]: the commits that touched the
 * pipeline, newest first, with the pipeline version at each. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "vcs.h"
#include "vcs_history.h"

/* The commit's own local time, like git log: "2026-11-27 09:30 +0100". */
static void format_time(char *buf, size_t size, long long t, int offset, bool iso)
{
    time_t local = (time_t)(t + offset * 60LL);
    struct tm tm;
    gmtime_r(&local, &tm);
    char sign = offset < 0 ? '-' : '+';
    int off = offset < 0 ? -offset : offset;
    char date[32];
    strftime(date, sizeof(date), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M", &tm);
    if (iso)
        snprintf(buf, size, "%s%c%02d:%02d", date, sign, off / 60, off % 60);
    else
        snprintf(buf, size, "%s %c%02d%02d", date, sign, off / 60, off % 60);
}

static void print_json(const vcs_log *log)
{
    json_t *list = json_array();
    for (size_t i = 0; i < log->n; i++) {
        const vcs_log_entry *e = &log->items[i];
        char when[64];
        format_time(when, sizeof(when), e->time, e->tz_offset, true);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(e->id));
        json_object_set_new(o, "short_id", json_string(e->short_id));
        json_object_set_new(o, "author", json_string(e->author_name));
        json_object_set_new(o, "email", json_string(e->author_email));
        json_object_set_new(o, "date", json_string(when));
        json_object_set_new(o, "time", json_integer((json_int_t)e->time));
        json_object_set_new(o, "version", e->version >= 0 ? json_integer(e->version) : json_null());
        json_object_set_new(o, "summary", json_string(e->summary));
        json_array_append_new(list, o);
    }
    char *text = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(list);
}

int cmd_log(int argc, char **argv)
{
    const char *dir = NULL, *format = "text";
    long max = 0;
    const char *count = NULL;
    bool options = true; /* until "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int got = options ? cli_option_value("log", argc, argv, &i, "--format", &format) : 0;
        if (got == 0 && options)
            got = cli_option_value("log", argc, argv, &i, "-n", &count);
        if (got < 0)
            return EXIT_USAGE;
        if (got > 0)
            continue;
        if (cli_other_arg("log", &options, &dir, a) != EXIT_OK)
            return EXIT_USAGE;
    }
    if (count) {
        char *end;
        max = strtol(count, &end, 10);
        if (!*count || *end || max < 0)
            return cli_usage_error("log", "-n takes a count, not '%s'", count);
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("log", "--format is text or json, not '%s'", format);
    if (!dir)
        dir = ".";
    cli_use_plugins(dir, stderr);
    if (count && max == 0) { /* as git log -n 0: nothing */
        if (strcmp(format, "json") == 0)
            puts("[]");
        return EXIT_OK;
    }
    vcs_error err = {0};
    vcs_repo *r = NULL;
    vcs_rc rc = vcs_open(dir, &r, &err);
    vcs_log log = {0};
    if (rc == VCS_OK)
        rc = vcs_log_read(r, NULL, (size_t)max, &log, &err);
    if (rc != VCS_OK) {
        fprintf(stderr, "weir log: %s\n", err.message);
        vcs_close(r);
        return EXIT_USAGE;
    }
    if (strcmp(format, "json") == 0) {
        print_json(&log);
    } else {
        for (size_t i = 0; i < log.n; i++) {
            const vcs_log_entry *e = &log.items[i];
            char when[64], ver[32];
            format_time(when, sizeof(when), e->time, e->tz_offset, false);
            if (e->version >= 0)
                snprintf(ver, sizeof(ver), "v%lld", e->version);
            else
                snprintf(ver, sizeof(ver), "-");
            printf("%s  %s  %-5s %s  %s\n", e->short_id, when, ver, e->author_name, e->summary);
        }
    }
    vcs_log_free(&log);
    vcs_close(r);
    return EXIT_OK;
}
