#include "journal.h"

#include <dirent.h>
#include <errno.h>
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

static char *kpath(const char *dir, unsigned n)
{
    return n ? xasprintf("%s/%s/%s.%u", dir, JOURNAL_DIR, JOURNAL_FILE, n) : jpath(dir);
}

/* The disk signature of this session: "pipeline.yaml SIZE HASH\n
 * layout.yaml SIZE HASH\n" (or "none"), from journal_note_disk. */
static char disk_base[160];
/* Set when the last session's journal could not be set aside: writing ours
 * would overwrite it. */
static bool write_blocked;

static void file_sig(const char *dir, const char *name, strbuf *out)
{
    char *path = fs_join(dir, name), *data = NULL, err[128];
    size_t len = 0;
    if (fs_read_file(path, JOURNAL_MAX, &data, &len, err, sizeof(err)) != 0) {
        strbuf_printf(out, "%s none\n", name);
    } else {
        unsigned long long h = 14695981039346656037ull; /* FNV-1a 64 */
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)data[i]) * 1099511628211ull;
        strbuf_printf(out, "%s %zu %016llx\n", name, len, h);
    }
    free(data);
    free(path);
}

static void disk_sig(const char *dir, strbuf *out)
{
    file_sig(dir, "pipeline.yaml", out);
    file_sig(dir, "layout.yaml", out);
}

void journal_note_disk(const char *dir)
{
    strbuf sb;
    strbuf_init(&sb);
    disk_sig(dir, &sb);
    snprintf(disk_base, sizeof(disk_base), "%s", sb.data ? sb.data : "");
    strbuf_free(&sb);
}

/* The line of `sig` for file `name` ("" when absent), into line[]. */
static void sig_line(const char *sig, const char *name, char *line, size_t size)
{
    line[0] = '\0';
    size_t nl = strlen(name);
    for (const char *s = sig; s && *s;) {
        size_t n = strcspn(s, "\n");
        if (n > nl && strncmp(s, name, nl) == 0 && s[nl] == ' ') {
            snprintf(line, size, "%.*s", (int)n, s);
            return;
        }
        s += n;
        if (*s)
            s++;
    }
}

void journal_disk_changes(const char *dir, const char *base, strbuf *out)
{
    if (!base || !*base)
        return; /* an older journal: nothing to compare with */
    strbuf now;
    strbuf_init(&now);
    disk_sig(dir, &now);
    static const char *const files[] = {"pipeline.yaml", "layout.yaml"};
    for (size_t i = 0; i < 2; i++) {
        char was[80], is[80];
        sig_line(base, files[i], was, sizeof(was));
        sig_line(now.data, files[i], is, sizeof(is));
        if (was[0] && strcmp(was, is) != 0)
            strbuf_printf(out,
                          "! %s changed on disk since this session (e.g. git pull):\n"
                          "!   recovering replaces those changes\n",
                          files[i]);
    }
    strbuf_free(&now);
}

static void part(strbuf *sb, const char *name, const char *text)
{
    strbuf_printf(sb, "%s %zu\n", name, strlen(text));
    strbuf_puts(sb, text);
    strbuf_putc(sb, '\n');
}

bool journal_write(const pipeline *p, const code_origins *o, char *err, size_t err_size)
{
    if (write_blocked) {
        snprintf(err, err_size, "the last session's journal is still in %s/%s", JOURNAL_DIR,
                 JOURNAL_FILE);
        return false;
    }
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
    part(&sb, "base", disk_base);
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

bool journal_read(const char *dir, unsigned kept, pipeline *p, code_origins *o, char **base,
                  char *err, size_t err_size)
{
    pipeline_init(p);
    code_origins_init(o);
    if (base)
        *base = NULL;
    char *path = kpath(dir, kept), *data = NULL;
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
    const char *bs;
    size_t bsl;
    if (base && read_part(data, len, &pos, "base", &bs, &bsl)) /* optional: newer journals */
        *base = xstrndup(bs, bsl);
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
        if (base) {
            free(*base);
            *base = NULL;
        }
    }
    return ok;
}

/* N of "journal.N", or 0. */
static unsigned kept_index(const char *name)
{
    size_t fl = strlen(JOURNAL_FILE);
    if (strncmp(name, JOURNAL_FILE, fl) != 0 || name[fl] != '.' || !name[fl + 1])
        return 0;
    char *end;
    unsigned long n = strtoul(name + fl + 1, &end, 10);
    return *end || n == 0 || n > 1000000 ? 0 : (unsigned)n;
}

static size_t scan_kept(const char *dir, unsigned *lowest, unsigned *highest)
{
    *lowest = *highest = 0;
    char *wdir = fs_join(dir, JOURNAL_DIR);
    DIR *dh = opendir(wdir);
    free(wdir);
    if (!dh)
        return 0;
    size_t count = 0;
    for (struct dirent *e; (e = readdir(dh));) {
        unsigned n = kept_index(e->d_name);
        if (!n)
            continue;
        count++;
        if (!*lowest || n < *lowest)
            *lowest = n;
        if (n > *highest)
            *highest = n;
    }
    closedir(dh);
    return count;
}

size_t journal_kept(const char *dir, unsigned *first)
{
    unsigned hi;
    return scan_kept(dir, first, &hi);
}

char *journal_kept_name(unsigned n)
{
    return n ? xasprintf("%s/%s.%u", JOURNAL_DIR, JOURNAL_FILE, n)
             : xasprintf("%s/%s", JOURNAL_DIR, JOURNAL_FILE);
}

bool journal_set_aside(const char *dir)
{
    if (!journal_exists(dir))
        return true;
    unsigned lo, hi;
    scan_kept(dir, &lo, &hi);
    char *from = jpath(dir), *to = kpath(dir, hi + 1);
    bool ok = rename(from, to) == 0; /* atomic: the journal is always in one place */
    free(from);
    free(to);
    if (!ok)
        write_blocked = true;
    return ok;
}

bool journal_restore_kept(const char *dir, unsigned n, char *err, size_t err_size)
{
    char *from = kpath(dir, n), *to = jpath(dir);
    bool ok = rename(from, to) == 0;
    if (!ok)
        snprintf(err, err_size, "cannot move %s back: %s", from, strerror(errno));
    free(from);
    free(to);
    return ok;
}

void journal_remove_kept(const char *dir, unsigned n)
{
    char *path = kpath(dir, n);
    unlink(path);
    free(path);
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

/* "~ owner: NEW (on disk: OLD)" when a metadata text differs; 1 if so. */
static size_t meta_text(strbuf *out, const char *key, const char *disk, const char *rec)
{
    if (strcmp(disk ? disk : "", rec ? rec : "") == 0)
        return 0;
    strbuf_printf(out, "~ %s: %s (on disk: %s)\n", key, rec && *rec ? rec : "(none)",
                  disk && *disk ? disk : "(none)");
    return 1;
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
    lines += meta_text(out, "name", disk->name, rec->name);
    if (disk->version != rec->version) {
        strbuf_printf(out, "~ version: %lld (on disk: %lld)\n", rec->version, disk->version);
        lines++;
    }
    lines += meta_text(out, "owner", disk->owner, rec->owner);
    lines += meta_text(out, "description", disk->description, rec->description);
    strbuf dt, rt;
    strbuf_init(&dt);
    strbuf_init(&rt);
    for (size_t i = 0; i < disk->n_tags; i++)
        strbuf_printf(&dt, "%s%s", i ? ", " : "", disk->tags[i]);
    for (size_t i = 0; i < rec->n_tags; i++)
        strbuf_printf(&rt, "%s%s", i ? ", " : "", rec->tags[i]);
    lines += meta_text(out, "tags", dt.data ? dt.data : "", rt.data ? rt.data : "");
    strbuf_free(&dt);
    strbuf_free(&rt);
    if (!lines)
        strbuf_puts(out, "(no differences from the files on disk)\n");
}
