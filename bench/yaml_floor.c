/* yaml_floor: the floor for the validate benchmark (issue 2, point 8).
 *
 * Reads each file named on the command line into memory and runs libyaml's
 * event parser over it, building nothing: the least any YAML loader must do
 * to read the same bytes.  bench/validate_fmt.sh times it beside
 * `weir validate`.  Prints the event count (so the work cannot be optimised
 * away); exits 1 on a read or parse error. */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static long parse(const char *path)
{
    size_t len;
    unsigned char *data = read_all(path, &len);
    if (!data) {
        fprintf(stderr, "yaml_floor: cannot read %s\n", path);
        return -1;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, data, len);
    long events = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            fprintf(stderr, "yaml_floor: %s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1, parser.problem ? parser.problem : "error");
            events = -1;
            break;
        }
        events++;
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (done)
            break;
    }
    yaml_parser_delete(&parser);
    free(data);
    return events;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: yaml_floor FILE.yaml...\n");
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = parse(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("%ld events\n", total);
    return 0;
}
