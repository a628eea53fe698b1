#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "load.h"
#include "writer.h"

static const char MAGIC[] = "weir-journal 1\n";
enum { JOURNAL_MAX = 64 << 20 };

static char *jpath(const char *dir)
{
    return xasprintf("%s/%s/%s", dir, JOURNAL_DIR, JOURNAL_FILE);
}

static void part(strbuf *sb, const char *name, const char *text)
{
    strbuf_printf(sb, "%s %zu\n", name, strlen(text));
    strbuf_puts(sb, text);
    strbuf_putc(sb, '\n');
}

bool journal_write(const pipeline *p, const code_origins *o, char *err, size_t err_size)
{
    char *wdir = fs_join(p->dir, JOURNAL_DIR);
    if (fs_mkdirs(wdir, err, err_size) != 0) {
        free(wdir);
        return false;
    }
    char *ignore = fs_join(wdir, ".gitignore");
    if (!fs_exists(ignore) && fs_write_atomic(ignore, "*\n", 2, err, err_size) != 0) {
        free(ignore);
        free(wdir);
        return false;
    }
    free(ignore);
    free(wdir);
    strbuf sb, orig;
    strbuf_init(&sb);
    strbuf_init(&orig);
    strbuf_puts(&sb, MAGIC);
    char *py = writer_pipeline_yaml(p), *ly = writer_layout_yaml(p);
    for (size_t i = 0; i < o->n; i++)
        strbuf_printf(&orig, "%s\t%s\n", o->ids[i], o->paths[i]);
    part(&sb, "pipeline.yaml", py);
    part(&sb, "layout.yaml", ly);
    part(&sb, "origins", orig.data ? orig.data : "");
    free(py);
    free(ly);
    strbuf_free(&orig);
    char *path = jpath(p->dir);
    int rc = fs_write_atomic(path, sb.data, sb.len, err, err_size);
    free(path);
    strbuf_free(&sb);
    return rc == 0;
}

bool journal_exists(const char *dir)
{
    char *path = jpath(dir);
    bool e = fs_exists(path);
    free(path);
    return e;
}

void journal_remove(const char *dir)
{
    char *path = jpath(dir);
    unlink(path);
    free(path);
}

/* Read "NAME LEN\n" + LEN bytes + "\n" at *pos. */
static bool read_part(const char *data, size_t len, size_t *pos, const char *name,
                      const char **text, size_t *text_len)
{
    size_t nl = strlen(name);
    if (*pos + nl + 1 > len || strncmp(data + *pos, name, nl) != 0 || data[*pos + nl] != ' ')
        return false;
    char *end;
    unsigned long long n = strtoull(data + *pos + nl + 1, &end, 10);
    if (*end != '\n')
        return false;
    size_t start = (size_t)(end - data) + 1;
    if (n > len || start + n + 1 > len || data[start + n] != '\n')
        return false;
    *text = data + start;
    *text_len = (size_t)n;
    *pos = start + (size_t)n + 1;
    return true;
}

bool journal_read(const char *dir, pipeline *p, code_origins *o, char *err, size_t err_size)
{
    pipeline_init(p);
    code_origins_init(o);
    char *path = jpath(dir), *data = NULL;
    size_t len = 0;
    int rc = fs_read_file(path, JOURNAL_MAX, &data, &len, err, err_size);
    free(path);
    if (rc != 0)
        return false;
    size_t pos = strlen(MAGIC);
    const char *py, *ly, *og;
    size_t pyl, lyl, ogl;
    if (len < pos || memcmp(data, MAGIC, pos) != 0 ||
        !read_part(data, len, &pos, "pipeline.yaml", &py, &pyl) ||
        !read_part(data, len, &pos, "layout.yaml", &ly, &lyl) ||
        !read_part(data, len, &pos, "origins", &og, &ogl)) {
        snprintf(err, err_size, "the journal is damaged");
        free(data);
        return false;
    }
    diag_list diags;
    diag_list_init(&diags);
    bool ok = pipeline_load_buffer(py, pyl, dir, p, &diags);
    if (ok && lyl)
        pipeline_load_layout_buffer(ly, lyl, p, &diags);
    if (!ok)
        snprintf(err, err_size, "the journal's pipeline cannot be read");
    diag_list_free(&diags);
    char *origins = xstrndup(og, ogl);
    for (char *line = origins, *next; ok && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *tab = strchr(line, '\t');
        if (tab) {
            *tab = '\0';
            code_origins_set(o, line, tab + 1);
        }
    }
    free(origins);
    free(data);
    if (!ok) {
        pipeline_free(p);
        code_origins_free(o);
    }
    return ok;
}

static bool inputs_equal(const node *a, const node *b)
{
    if (a->n_inputs != b->n_inputs)
        return false;
    for (size_t i = 0; i < a->n_inputs; i++)
        if (strcmp(a->inputs[i], b->inputs[i]) != 0)
            return false;
    return true;
}

void journal_describe(const pipeline *disk, const pipeline *rec, strbuf *out)
{
    size_t lines = 0;
    for (size_t i = 0; i < rec->n_nodes; i++) {
        const node *r = &rec->nodes[i];
        const node *d = pipeline_find(disk, r->id);
        if (!d) {
            strbuf_printf(out, "+ %s (%s %s)\n", r->id, r->type, node_kind_name(r->kind));
        } else if (strcmp(d->type, r->type) != 0 || d->kind != r->kind) {
            strbuf_printf(out, "~ %s: now a %s %s\n", r->id, r->type, node_kind_name(r->kind));
        } else if (!inputs_equal(d, r)) {
            strbuf_printf(out, "~ %s: inputs changed\n", r->id);
        } else if (!value_equal(&d->settings, &r->settings) ||
                   (d->description == NULL) != (r->description == NULL) ||
                   (d->description && strcmp(d->description, r->description) != 0)) {
            strbuf_printf(out, "~ %s: settings changed\n", r->id);
        } else if (d->x != r->x || d->y != r->y || d->has_xy != r->has_xy) {
            strbuf_printf(out, "~ %s: moved\n", r->id);
        } else {
            continue;
        }
        lines++;
    }
    for (size_t i = 0; i < disk->n_nodes; i++)
        if (!pipeline_find(rec, disk->nodes[i].id)) {
            strbuf_printf(out, "- %s (%s %s)\n", disk->nodes[i].id, disk->nodes[i].type,
                          node_kind_name(disk->nodes[i].kind));
            lines++;
        }
    if ((disk->name && rec->name && strcmp(disk->name, rec->name) != 0) ||
        (!disk->name) != (!rec->name)) {
        strbuf_printf(out, "~ pipeline name: %s\n", rec->name ? rec->name : "");
        lines++;
    }
    if (!lines)
        strbuf_puts(out, "(no differences from the files on disk)\n");
}
