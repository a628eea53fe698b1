#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "idindex.h"
#include "load.h"
#include "util.h"

/* Everything validation looks up per node is looked up once, before the
 * checks: each node's type, and what each of its inputs names.  On 10,000
 * nodes the lookups were most of the time (each a cache miss or two). */
typedef struct checker {
    const pipeline *p;
    const validate_options *opts;
    diag_list *diags;
    id_index ids;
    bool duplicate_ids;      /* two nodes share an id: the index holds the first */
    const node_type **types; /* per node: its type, NULL when unknown */
    size_t *first_input;     /* per node: where its inputs start in ups and repeats */
    ptrdiff_t *ups;          /* per input: the index of the node it names, -1 none */
    bool *repeats;           /* per input: it repeats an earlier input of its node */
    const char **candidates; /* ids an unknown input may have meant; built once */
    size_t n_candidates;
    size_t suggest_budget; /* edit distances left to compute this run */
    fs_dir_cache *files;   /* folder listings, for the file settings */
} checker;

static void problem(checker *c, diag_severity sev, const node *n, src_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(checker *c, diag_severity sev, const node *n, src_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (pos.line == 0 && n)
        pos = n->pos;
    diag_add(c->diags, sev, PIPELINE_FILE, pos.line, pos.col, n ? n->id : NULL, "%s", msg);
    free(msg);
}

bool secret_ref_valid(const char *text)
{
    const char *rest;
    if (strncmp(text, "${env:", 6) == 0)
        rest = text + 6;
    else if (strncmp(text, "${secret:", 9) == 0)
        rest = text + 9;
    else
        return false;
    size_t n = 0;
    for (; rest[n] && rest[n] != '}'; n++) {
        char ch = rest[n];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
                  (n > 0 && ch >= '0' && ch <= '9');
        if (!ok)
            return false;
    }
    return n > 0 && rest[n] == '}' && rest[n + 1] == '\0';
}

/* "scheme://user:password@host" in a plain setting is a leaked credential. */
static bool looks_like_credential(const char *text)
{
    const char *scheme = strstr(text, "://");
    if (!scheme)
        return false;
    const char *at = strchr(scheme + 3, '@');
    const char *colon = strchr(scheme + 3, ':');
    const char *slash = strchr(scheme + 3, '/');
    return at && colon && colon < at && (!slash || at < slash) && !strstr(text, "${");
}

static bool choice_valid(const char *choices, const char *text)
{
    size_t n = strlen(text);
    for (const char *s = choices; *s;) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && strncmp(s, text, n) == 0)
            return true;
        if (!bar)
            break;
        s = bar + 1;
    }
    return false;
}

static void check_file_setting(checker *c, const node *n, const setting_spec *spec, const value *v)
{
    if (!c->opts->check_files)
        return;
    path_check pc = fs_check_inside_cached(c->files, v->text, true);
    if (pc != PATH_OK)
        problem(c, DIAG_ERROR, n, v->pos, "%s '%s': %s", spec->name, v->text,
                path_check_message(pc));
}

static void check_schema(checker *c, const node *n, const value *v)
{
    if (v->kind != VALUE_MAP) {
        problem(c, DIAG_ERROR, n, v->pos, "'schema' maps column names to types");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const value *t = &v->items[i];
        if (t->kind != VALUE_SCALAR || !schema_type_valid(t->text)) {
            const char *near = t->kind == VALUE_SCALAR
                                   ? closest_match(t->text, schema_type_names, schema_type_count)
                                   : NULL;
            problem(c, DIAG_ERROR, n, t->pos,
                    "column '%s': unknown type%s%s%s (use boolean, integer, real, text, "
                    "timestamp or json)",
                    v->keys[i].text, near ? " (did you mean '" : "", near ? near : "",
                    near ? "'?)" : "");
        }
    }
}

static void check_setting_value(checker *c, const node *n, const setting_spec *spec, const value *v)
{
    long long iv;
    double dv;
    bool bv;
    if (spec->type == SETTING_SCHEMA) {
        check_schema(c, n, v);
        return;
    }
    if (spec->type == SETTING_LIST) {
        if (v->kind != VALUE_LIST) {
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be a list", spec->name);
            return;
        }
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i].kind != VALUE_SCALAR)
                problem(c, DIAG_ERROR, n, v->items[i].pos, "'%s' holds plain values only",
                        spec->name);
        return;
    }
    if (v->kind != VALUE_SCALAR) {
        problem(c, DIAG_ERROR, n, v->pos, "'%s' must be a single value, not %s", spec->name,
                value_kind_name(v->kind));
        return;
    }
    switch (spec->type) {
    case SETTING_STRING:
        if (v->len == 0)
            problem(c, DIAG_ERROR, n, v->pos, "'%s' cannot be empty", spec->name);
        else if (looks_like_credential(v->text))
            problem(c, DIAG_ERROR, n, v->pos,
                    "'%s' holds a password; move it to a secret and write ${secret:NAME}",
                    spec->name);
        break;
    case SETTING_INTEGER:
        if (!value_as_int(v, &iv))
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be a whole number", spec->name);
        else if (spec->min < spec->max && (iv < spec->min || iv > spec->max))
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be between %lld and %lld", spec->name,
                    spec->min, spec->max);
        break;
    case SETTING_NUMBER:
        if (!value_as_number(v, &dv))
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be a number", spec->name);
        else if (spec->number_min < spec->number_max &&
                 (dv < spec->number_min || dv > spec->number_max))
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be between %g and %g", spec->name,
                    spec->number_min, spec->number_max);
        break;
    case SETTING_BOOLEAN:
        if (!value_as_bool(v, &bv))
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be true or false", spec->name);
        break;
    case SETTING_CHOICE:
        if (!choice_valid(spec->choices, v->text))
            problem(c, DIAG_ERROR, n, v->pos, "'%s' must be one of %s, not '%s'", spec->name,
                    spec->choices, v->text);
        break;
    case SETTING_SECRET:
        if (!secret_ref_valid(v->text))
            problem(c, DIAG_ERROR, n, v->pos,
                    "'%s' is a secret: write a reference such as ${secret:NAME} or "
                    "${env:NAME}, never the value itself",
                    spec->name);
        break;
    case SETTING_FILE:
        check_file_setting(c, n, spec, v);
        break;
    default:
        break;
    }
}

/* A plugin's own check(value, node), run by the plugin host, once the
 * value has passed the checks of its declared type. */
static void run_plugin_check(checker *c, const node *n, const node_type *type,
                             const setting_spec *spec, const value *v)
{
    const node_registry *reg = node_registry_current();
    if (!reg || !reg->check)
        return;
    char *msg = reg->check(reg->host, type, spec, n, v);
    if (msg)
        problem(c, DIAG_ERROR, n, v->pos, "'%s': %s", spec->name, msg);
    free(msg);
}

/* Whether the file at rel (inside the pipeline folder) starts with the
 * generated-SQL marker. */
static bool starts_generated(const checker *c, const char *rel)
{
    char *full = fs_join(c->p->dir ? c->p->dir : ".", rel);
    bool gen = fs_starts_with(full, GENERATED_SQL_MARKER);
    free(full);
    return gen;
}

/* A template transform owns sql/ID.sql (codegen/artifacts.c).  A file of
 * the user's there is never overwritten, and a code node reading that file
 * would have its code regenerated: both are said here, before any save. */
static void check_generated_file(checker *c, const node *n, const node_type *type)
{
    if (type->contributes & NT_SQL) {
        char *rel = node_generated_sql_path(n->id);
        if (fs_check_inside_cached(c->files, rel, true) == PATH_OK && !starts_generated(c, rel))
            problem(c, DIAG_ERROR, n, n->pos,
                    "%s '%s' generates %s, but that file holds SQL weir did not write: move it "
                    "away or rename the node (weir never overwrites your files)",
                    n->type, n->id, rel);
        free(rel);
        return;
    }
    const char *code =
        (type->contributes & NT_CODE) ? node_setting_text(n, type->code_setting) : NULL;
    size_t len = code ? strlen(code) : 0;
    if (len <= 8 || strncmp(code, "sql/", 4) != 0 || strcmp(code + len - 4, ".sql") != 0)
        return;
    /* Its own sql/ID.sql (most SQL transforms): the owner is itself. */
    if (!c->duplicate_ids && strncmp(code + 4, n->id, len - 8) == 0 && n->id[len - 8] == '\0')
        return;
    char *id = xstrndup(code + 4, len - 8);
    ptrdiff_t j = id_index_get(&c->ids, id);
    const node *owner = j >= 0 ? &c->p->nodes[j] : NULL;
    const node_type *ot = owner ? node_type_find(owner->kind, owner->type) : NULL;
    if (owner && owner != n && ot && (ot->contributes & NT_SQL)) {
        const value *v = node_setting(n, type->code_setting);
        problem(c, DIAG_ERROR, n, v ? v->pos : n->pos,
                "%s is generated from %s '%s' and rewritten on every save; give '%s' a file "
                "of its own",
                code, owner->type, owner->id, n->id);
    }
    free(id);
}

/* A SQL template whose settings are sound must also render: a plugin's
 * sql(node) that errors, loops or returns no SELECT would otherwise pass
 * validation and only fail when weir fmt, a save or a commit writes it. */
static void check_template_renders(checker *c, const node *n, const node_type *type)
{
    const node_registry *reg = node_registry_current();
    if (!(type->contributes & NT_SQL) || !reg || !reg->render_sql)
        return;
    char *error = NULL;
    char *sql = reg->render_sql(reg->host, type, n, &error);
    if (!sql)
        problem(c, DIAG_ERROR, n, n->pos, "%s '%s': its SQL cannot be generated: %s", n->type,
                n->id, error ? error : "the template returned nothing");
    free(sql);
    free(error);
}

static void unknown_setting(checker *c, const node *n, const node_type *type, const value *k)
{
    const char **names = xmalloc((type->n_settings + 3) * sizeof(char *));
    for (size_t i = 0; i < type->n_settings; i++)
        names[i] = type->settings[i].name;
    names[type->n_settings] = "description";
    names[type->n_settings + 1] = "inputs";
    const char *near = closest_match(k->text, names, type->n_settings + 2);
    if (near)
        problem(c, DIAG_ERROR, n, k->pos, "unknown setting '%s' for a %s %s (did you mean '%s'?)",
                k->text, type->name, node_kind_name(n->kind), near);
    else
        problem(c, DIAG_ERROR, n, k->pos, "unknown setting '%s' for a %s %s", k->text, type->name,
                node_kind_name(n->kind));
    free(names);
}

static void check_settings(checker *c, const node *n, const node_type *type)
{
    const value *s = &n->settings;
    /* Bit i: a key named the type's setting i (for the first 64), so the
     * required settings found need no second search of the keys. */
    unsigned long long seen = 0;
    for (size_t i = 0; i < s->n; i++) {
        const value *k = &s->keys[i];
        const setting_spec *spec = node_type_setting(type, k->text);
        if (!spec) {
            unknown_setting(c, n, type, k);
            continue;
        }
        size_t at = (size_t)(spec - type->settings);
        if (at < 64)
            seen |= 1ull << at;
        size_t before = c->diags->n;
        check_setting_value(c, n, spec, &s->items[i]);
        if (spec->has_check && c->diags->n == before)
            run_plugin_check(c, n, type, spec, &s->items[i]);
    }
    for (size_t i = 0; i < type->n_settings; i++) {
        const setting_spec *spec = &type->settings[i];
        bool found = i < 64 && (seen >> i & 1);
        if (spec->required && !found && !value_map_get(s, spec->name))
            problem(c, DIAG_ERROR, n, n->pos, "%s '%s' (%s) needs '%s': %s",
                    node_kind_name(n->kind), n->id, type->name, spec->name, spec->help);
    }
    if (n->kind == NODE_SOURCE && (type->contributes & NT_SAMPLE) && !value_map_get(s, "sample"))
        problem(c, DIAG_WARNING, n, n->pos,
                "source '%s' has no 'sample': preview will show no records", n->id);
    check_generated_file(c, n, type);
}

static void check_type(checker *c, const node *n, const node_type *type)
{
    if (!*n->type)
        return; /* the loader already said so */
    if (type) {
        check_settings(c, n, type);
        return;
    }
    const char *names[32];
    size_t n_names = 0;
    /* A name may exist in both other kinds (kafka: source and sink). */
    char other_kind[32] = "";
    for (size_t i = 0; i < node_type_count() && n_names < 32; i++) {
        const node_type *t = node_type_at(i);
        if (t->kind == n->kind)
            names[n_names++] = t->name;
        else if (strcmp(t->name, n->type) == 0)
            snprintf(other_kind + strlen(other_kind), sizeof(other_kind) - strlen(other_kind),
                     "%s%s", *other_kind ? " or " : "", node_kind_name(t->kind));
    }
    const char *near = closest_match(n->type, names, n_names);
    strbuf known;
    strbuf_init(&known);
    for (size_t i = 0; i < n_names; i++)
        strbuf_printf(&known, "%s%s", i ? ", " : "", names[i]);
    src_pos pos = n->type_pos.line ? n->type_pos : n->pos;
    const plugin_file *broken = node_type_broken(n->type);
    if (broken)
        problem(c, DIAG_ERROR, n, pos, "%s type '%s' is unavailable: its plugin failed to load: %s",
                node_kind_name(n->kind), n->type, broken->error);
    else if (*other_kind)
        problem(c, DIAG_ERROR, n, pos, "'%s' is a %s type, not a %s type (%s types: %s)", n->type,
                other_kind, node_kind_name(n->kind), node_kind_name(n->kind), known.data);
    else if (near)
        problem(c, DIAG_ERROR, n, pos, "unknown %s type '%s' (did you mean '%s'?)",
                node_kind_name(n->kind), n->type, near);
    else
        problem(c, DIAG_ERROR, n, pos, "unknown %s type '%s' (known: %s)", node_kind_name(n->kind),
                n->type, known.data);
    strbuf_free(&known);
}

/* A node id close to an unknown input.  Suggestions only make sense on
 * small pipelines, and a budget of comparisons per run keeps a million
 * unknown inputs (hostile input) from costing a billion edit distances. */
static const char *suggest_id(checker *c, const char *in)
{
    if (c->p->n_nodes > 2000 || c->suggest_budget < c->p->n_nodes)
        return NULL;
    c->suggest_budget -= c->p->n_nodes;
    if (!c->candidates) {
        c->candidates = xmalloc(c->p->n_nodes * sizeof(char *) + 1);
        for (size_t j = 0; j < c->p->n_nodes; j++)
            if (c->p->nodes[j].kind != NODE_SINK)
                c->candidates[c->n_candidates++] = c->p->nodes[j].id;
    }
    return closest_match(in, c->candidates, c->n_candidates);
}

static void check_inputs(checker *c, size_t idx)
{
    const node *n = &c->p->nodes[idx];
    if (n->kind == NODE_SOURCE) {
        if (n->n_inputs)
            problem(c, DIAG_ERROR, n, n->inputs_pos, "source '%s' cannot have inputs", n->id);
        return;
    }
    if (n->n_inputs == 0) {
        problem(c, DIAG_ERROR, n, n->inputs_pos.line ? n->inputs_pos : n->pos,
                "%s '%s' needs at least one input", node_kind_name(n->kind), n->id);
        return;
    }
    /* The type's declared max_inputs: said at inputs:, not at a setting. */
    const node_type *type = c->types[idx];
    if (type && type->max_inputs > 0 && n->n_inputs > (size_t)type->max_inputs) {
        strbuf ids;
        strbuf_init(&ids);
        for (size_t i = 0; i < n->n_inputs && i < 10; i++)
            strbuf_printf(&ids, "%s%s", i ? ", " : "", n->inputs[i]);
        if (n->n_inputs > 10)
            strbuf_puts(&ids, ", ...");
        src_pos at = n->inputs_pos.line ? n->inputs_pos : n->pos;
        if (type->max_inputs == 1)
            problem(c, DIAG_ERROR, n, at, "%s '%s' reads one input; it has %zu (inputs: %s)",
                    type->name, n->id, n->n_inputs, ids.data);
        else
            problem(c, DIAG_ERROR, n, at,
                    "%s '%s' reads at most %d inputs; it has %zu (inputs: %s)", type->name, n->id,
                    type->max_inputs, n->n_inputs, ids.data);
        strbuf_free(&ids);
    }
    const ptrdiff_t *ups = &c->ups[c->first_input[idx]];
    const bool *repeats = &c->repeats[c->first_input[idx]];
    for (size_t i = 0; i < n->n_inputs; i++) {
        const char *in = n->inputs[i];
        src_pos pos = n->input_pos[i];
        if (repeats[i])
            problem(c, DIAG_ERROR, n, pos, "input '%s' is listed twice", in);
        const node *up = ups[i] < 0 ? NULL : &c->p->nodes[ups[i]];
        if (!up) {
            const char *near = suggest_id(c, in);
            if (near)
                problem(c, DIAG_ERROR, n, pos, "input '%s' names no node (did you mean '%s'?)", in,
                        near);
            else
                problem(c, DIAG_ERROR, n, pos, "input '%s' names no node", in);
        } else if (up == n) {
            problem(c, DIAG_ERROR, n, pos, "'%s' cannot be its own input", in);
        } else if (up->kind == NODE_SINK) {
            problem(c, DIAG_ERROR, n, pos, "'%s' is a sink: sinks feed nothing", in);
        }
    }
}

/* Flag the inputs of n that repeat an earlier one, by name: for a node
 * with an input that names no node.  A hash keeps this linear: a node with
 * a million inputs is hostile input, and comparing every pair took minutes. */
static void repeats_by_name(const node *n, bool *flags)
{
    id_index seen;
    id_index_init(&seen, n->n_inputs);
    for (size_t i = 0; i < n->n_inputs; i++)
        flags[i] = id_index_put(&seen, n->inputs[i], i) >= 0;
    id_index_free(&seen);
}

/* Look up every node's type and what each of its inputs names, and flag
 * the inputs that repeat an earlier one of the same node.  Two inputs
 * naming nodes are the same text exactly when they name the same node, so
 * the repeats are found by node index: stamp[j] is 1 + the last node that
 * read node j. */
static void resolve(checker *c)
{
    const pipeline *p = c->p;
    id_index_init(&c->ids, p->n_nodes);
    c->types = xmalloc((p->n_nodes + 1) * sizeof(*c->types));
    c->first_input = xmalloc((p->n_nodes + 1) * sizeof(size_t));
    size_t total = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        /* Each node's strings are apart from it and rarely in the cache:
         * asking for the next ones early halved this loop's time. */
        if (i + 8 < p->n_nodes) {
            __builtin_prefetch(p->nodes[i + 8].id);
            __builtin_prefetch(p->nodes[i + 8].type);
        }
        if (id_index_put(&c->ids, p->nodes[i].id, i) >= 0)
            c->duplicate_ids = true;
        c->types[i] = node_type_find(p->nodes[i].kind, p->nodes[i].type);
        c->first_input[i] = total;
        total += p->nodes[i].n_inputs;
    }
    c->first_input[p->n_nodes] = total;
    c->ups = xmalloc((total + 1) * sizeof(*c->ups));
    c->repeats = xmalloc(total + 1);
    size_t *stamp = xmalloc((p->n_nodes + 1) * sizeof(size_t));
    memset(stamp, 0, (p->n_nodes + 1) * sizeof(size_t)); /* written, not calloc'd: see idindex.c */
    for (size_t i = 0; i < p->n_nodes; i++) {
        const node *n = &p->nodes[i];
        ptrdiff_t *ups = &c->ups[c->first_input[i]];
        bool *repeats = &c->repeats[c->first_input[i]];
        bool all_known = true;
        for (size_t k = 0; k < n->n_inputs; k++) {
            ups[k] = id_index_get(&c->ids, n->inputs[k]);
            repeats[k] = ups[k] >= 0 && stamp[ups[k]] == i + 1;
            if (ups[k] >= 0)
                stamp[ups[k]] = i + 1;
            else
                all_known = false;
        }
        if (!all_known && n->n_inputs > 1)
            repeats_by_name(n, repeats);
    }
    free(stamp);
}

/* Find cycles with an iterative depth-first search over "reads from"
 * edges; each cycle is reported once, at its first node in file order. */
static void check_cycles(checker *c)
{
    size_t n = c->p->n_nodes;
    enum { WHITE, GREY, BLACK };
    /* Written, not calloc'd (see idindex.c); next[i] is node i's next
     * input to follow, an index into ups, up to first_input[i + 1]. */
    unsigned char *color = xmalloc(n + 1);
    memset(color, WHITE, n + 1);
    size_t *stack = xmalloc((n + 1) * sizeof(size_t));
    size_t *next = xmalloc((n + 1) * sizeof(size_t));
    memcpy(next, c->first_input, (n + 1) * sizeof(size_t));
    for (size_t start = 0; start < n; start++) {
        if (color[start] != WHITE)
            continue;
        size_t depth = 0;
        stack[depth++] = start;
        color[start] = GREY;
        while (depth) {
            size_t cur = stack[depth - 1];
            const node *nd = &c->p->nodes[cur];
            if (next[cur] == c->first_input[cur + 1]) {
                color[cur] = BLACK;
                depth--;
                continue;
            }
            size_t at = next[cur]++;
            ptrdiff_t up = c->ups[at];
            /* Edges check_inputs already reports (unknown ids, self inputs,
             * inputs of a source, a sink as input, a repeated input) would
             * only add a second or duplicate message here. */
            bool repeated = c->repeats[at];
            if (up < 0 || (size_t)up == cur || nd->kind == NODE_SOURCE ||
                c->p->nodes[up].kind == NODE_SINK || repeated)
                continue;
            if (color[up] == WHITE) {
                color[up] = GREY;
                stack[depth++] = (size_t)up;
            } else if (color[up] == GREY) {
                /* stack[k..depth-1] is the cycle, from up to cur. */
                size_t k = depth - 1;
                while (stack[k] != (size_t)up)
                    k--;
                size_t first = k;
                for (size_t m = k; m < depth; m++)
                    if (stack[m] < stack[first])
                        first = m;
                strbuf path;
                strbuf_init(&path);
                /* Follow data flow (stack[m + 1] feeds stack[m]), starting and
                 * ending at the node the problem is reported on. */
                size_t m = first;
                do {
                    strbuf_printf(&path, "%s → ", c->p->nodes[stack[m]].id);
                    m = m == k ? depth - 1 : m - 1;
                } while (m != first);
                strbuf_puts(&path, c->p->nodes[stack[first]].id);
                const node *at = &c->p->nodes[stack[first]];
                problem(c, DIAG_ERROR, at, at->pos, "cycle: %s", path.data);
                strbuf_free(&path);
            }
        }
    }
    free(color);
    free(stack);
    free(next);
}

/* pipeline_validate, checking files against the given folder listings
 * (NULL: listed here as needed). */
static bool validate_with_listings(const pipeline *p, const validate_options *opts,
                                   fs_dir_cache *listings, diag_list *diags)
{
    validate_options defaults = {true};
    checker c = {
        .p = p, .opts = opts ? opts : &defaults, .diags = diags, .suggest_budget = 1000000};
    c.files = listings ? listings : fs_dir_cache_new(p->dir ? p->dir : ".");
    size_t errors_before = diags->n_errors;
    resolve(&c);
    for (size_t i = 0; i < p->n_nodes; i++) {
        const node *n = &p->nodes[i];
        /* As in resolve(): the settings two nodes ahead, which check_type
         * will read, are asked for early (a sixth of this loop's time). */
        if (i + 2 < p->n_nodes) {
            __builtin_prefetch(p->nodes[i + 2].settings.keys);
            __builtin_prefetch(p->nodes[i + 2].settings.items);
        }
        const char *why;
        if (!node_id_valid(n->id, &why))
            problem(&c, DIAG_ERROR, n, n->pos, "invalid id '%s': %s", n->id, why);
        size_t errors_before = diags->n_errors;
        check_type(&c, n, c.types[i]);
        check_inputs(&c, i);
        /* Only a node with no other problem is worth rendering. */
        if (c.types[i] && diags->n_errors == errors_before)
            check_template_renders(&c, n, c.types[i]);
    }
    check_cycles(&c);
    free(c.types);
    free(c.first_input);
    free(c.ups);
    free(c.repeats);
    free(c.candidates);
    id_index_free(&c.ids);
    if (!listings)
        fs_dir_cache_free(c.files);
    return diags->n_errors == errors_before;
}

bool pipeline_validate(const pipeline *p, const validate_options *opts, diag_list *diags)
{
    return validate_with_listings(p, opts, NULL, diags);
}

typedef struct folder_check {
    fs_dir_cache *listings;
    diag_list *diags;
} folder_check;

static void check_loaded_model(pipeline *p, void *ctx)
{
    folder_check *c = ctx;
    validate_with_listings(p, NULL, c->listings, c->diags);
}

bool pipeline_check_folder(const char *dir, pipeline *p, diag_list *diags)
{
    return pipeline_check_folder_with(dir, NULL, NULL, p, diags);
}

bool pipeline_check_folder_with(const char *dir, void (*meanwhile)(void *ctx), void *ctx,
                                pipeline *p, diag_list *diags)
{
    /* Validation never writes: no need to keep comments (load.h).  The
     * loader lists the folders the file checks look in meanwhile, and
     * validation runs while it reads layout.yaml. */
    folder_check c = {fs_dir_cache_new(dir), diags};
    load_options load = {.skip_comments = true,
                         .listings = c.listings,
                         .on_model = check_loaded_model,
                         .ctx = &c,
                         .meanwhile = meanwhile,
                         .meanwhile_ctx = ctx};
    bool ok = pipeline_load_with(dir, &load, p, diags);
    fs_dir_cache_free(c.listings);
    diag_list_sort(diags);
    return ok && diags->n_errors == 0;
}
