/* Saving and loading files: nnd_save_file's promises (the previous file
   survives every refusal and failure, nothing is left behind, a planted
   link is never followed, permissions are kept), nnd_save_check,
   nnd_load_file, one-line error messages whatever the input held, IDX
   files that are directories or too large, and the report of a training
   run that blows up while its numbers stay finite. Runs in a scratch
   folder build/test_files-PID. POSIX only (links, permissions). */
#define _POSIX_C_SOURCE 200809L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static const char *at(const char *name)
{
    static char paths[64][512];
    static int next;
    char *p = paths[next++ % 64];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The file's contents equal text exactly. */
static int holds(const char *path, const char *text)
{
    size_t len;
    char *got = nnd_load_file(path, &len, NULL);
    int same = got && len == strlen(text) && memcmp(got, text, len) == 0;
    nnd_free_text(got);
    return same;
}

/* Entries of the scratch folder whose name contains ".tmp-" (temporary
   files of nnd_save_file). */
static int temp_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

static int one_line(const char *s)
{
    if (!s[0]) return 0;
    for (; *s; ++s)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
    return 1;
}

static void saving(void)
{
    nnd_error err;
    struct stat st;
    const char *model = at("model.json"), *link = at("link.json"), *ro = at("readonly.json");
    const char *sub = at("folder");
    int root = geteuid() == 0;

    CHECK(nnd_save_file(model, "first", 5, &err) == NND_OK && holds(model, "first"), "new file: %s",
          err.message);
    CHECK(stat(model, &st) == 0 && (st.st_mode & 0777) == 0644, "a new file is not mode 0644: %o",
          (unsigned)(st.st_mode & 0777));
    chmod(model, 0600);
    CHECK(nnd_save_file(model, "second", 6, &err) == NND_OK && holds(model, "second"), "replace: %s",
          err.message);
    CHECK(stat(model, &st) == 0 && (st.st_mode & 0777) == 0600, "the file's mode 0600 became %o",
          (unsigned)(st.st_mode & 0777));
    CHECK(nnd_save_file(model, "", 0, &err) == NND_OK && holds(model, ""), "an empty file: %s",
          err.message);
    put(model, "kept");

    /* a link planted where a temporary file might go is not followed */
    put(at("victim.txt"), "precious");
    symlink("victim.txt", at("model.json.tmp"));
    CHECK(nnd_save_file(model, "third", 5, &err) == NND_OK && holds(model, "third") &&
              holds(at("victim.txt"), "precious"),
          "a planted link: %s", err.message);
    CHECK(lstat(at("model.json.tmp"), &st) == 0 && S_ISLNK(st.st_mode), "the planted link was replaced");
    unlink(at("model.json.tmp"));

    /* refusals: the previous file (or link, or folder) is untouched */
    symlink("victim.txt", link);
    CHECK(nnd_save_file(link, "x", 1, &err) == NND_ERR_IO && strstr(err.message, "not a regular file") &&
              holds(at("victim.txt"), "precious") && lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
          "saving onto a link: %s", err.message);
    mkdir(sub, 0755);
    CHECK(nnd_save_file(sub, "x", 1, &err) == NND_ERR_IO && strstr(err.message, "not a regular file") &&
              stat(sub, &st) == 0 && S_ISDIR(st.st_mode),
          "saving onto a folder: %s", err.message);
    put(ro, "read-only model");
    chmod(ro, 0444);
    CHECK(nnd_save_file(ro, "x", 1, &err) == NND_ERR_IO && strstr(err.message, "write-protected") &&
              holds(ro, "read-only model"),
          "saving over a write-protected file%s: %s", root ? " (as root)" : "", err.message);
    CHECK(nnd_save_file(at("no/such/folder/m.json"), "x", 1, &err) == NND_ERR_IO &&
              strstr(err.message, "does not exist") && one_line(err.message),
          "a missing folder: %s", err.message);
    CHECK(nnd_save_file(NULL, "x", 1, &err) == NND_ERR_ARG && nnd_save_file("", "x", 1, &err) == NND_ERR_ARG &&
              nnd_save_file(model, NULL, 1, &err) == NND_ERR_ARG && holds(model, "third"),
          "bad arguments: %s", err.message);
    CHECK(temp_files() == 0, "%d temporary files left behind", temp_files());

    /* nnd_save_check says beforehand what nnd_save_file would refuse */
    CHECK(nnd_save_check(at("fresh.json"), &err) == NND_OK && access(at("fresh.json"), F_OK) != 0,
          "checking a new path: %s (or it created the file)", err.message);
    CHECK(nnd_save_check(model, &err) == NND_OK, "checking a writable file: %s", err.message);
    CHECK(nnd_save_check(ro, &err) == NND_ERR_IO && strstr(err.message, "write-protected"),
          "checking a write-protected file: %s", err.message);
    CHECK(nnd_save_check(link, &err) == NND_ERR_IO, "checking a link: %s", err.message);
    CHECK(nnd_save_check(at("nowhere/m.json"), &err) == NND_ERR_IO && strstr(err.message, "does not exist"),
          "checking a missing folder: %s", err.message);
    CHECK(nnd_save_check("", &err) == NND_ERR_ARG, "checking an empty path");
    if (!root) { /* root may write into any folder */
        chmod(sub, 0555);
        CHECK(nnd_save_check(at("folder/m.json"), &err) == NND_ERR_IO && strstr(err.message, "cannot be written"),
              "checking a read-only folder: %s", err.message);
        chmod(sub, 0755);
    }
}

static void loading(void)
{
    nnd_error err;
    size_t len = 7;
    char *text;
    put(at("plain.txt"), "abc");
    text = nnd_load_file(at("plain.txt"), &len, &err);
    CHECK(text && len == 3 && !strcmp(text, "abc"), "loading a file: %s", err.message);
    nnd_free_text(text);
    CHECK(!nnd_load_file(dir, &len, &err) && err.status == NND_ERR_IO && strstr(err.message, "not a regular file"),
          "loading a folder: %s", err.message);
    CHECK(!nnd_load_file(at("missing"), &len, &err) && err.status == NND_ERR_IO && strstr(err.message, "missing"),
          "loading a missing file: %s", err.message);
    CHECK(!nnd_load(dir, &err) && err.status == NND_ERR_IO && one_line(err.message), "nnd_load of a folder: %s",
          err.message);
}

/* Whatever a file or a path holds, a message is one printable line. */
static void messages(void)
{
    nnd_error err;
    nnd_idx idx;
    const char *n2 = "{\"sizes\": [2, 1], \"cost\": \"Cross\\nEntropy\\r\\bCost\", \"weights\": [[[1, 2]]], "
                     "\"biases\": [[[0]]]}";
    const char *nnd = "{\"format\": \"nnd\", \"version\": 1, \"input\": [1, 1, 2], \"cost\": \"quadratic\", "
                      "\"layers\": [{\"type\": \"de\\nnse\\u0000\", \"neurons\": 1}]}";
    char path[600];
    CHECK(!nnd_network2_parse(n2, strlen(n2), &err) && strstr(err.message, "Cross?Entropy??Cost") &&
              one_line(err.message),
          "network2 cost with escapes: %s", err.message);
    CHECK(!nnd_parse(nnd, strlen(nnd), &err) && one_line(err.message), "nnd type with escapes: %s", err.message);
    snprintf(path, sizeof path, "%s/a\nb\tc.json", dir);
    CHECK(!nnd_load(path, &err) && one_line(err.message), "a path with a newline: %s", err.message);
    CHECK(nnd_idx_load(dir, &idx, &err) == NND_ERR_IO && strstr(err.message, "not a regular file"),
          "an IDX 'file' that is a folder: %s", err.message);
}

static void put_idx3(const char *path, int n, int h, int w)
{
    FILE *f = fopen(path, "wb");
    unsigned char head[16] = {0, 0, 8, 3};
    int d, dims[3];
    dims[0] = n;
    dims[1] = h;
    dims[2] = w;
    for (d = 0; d < 3; ++d) {
        head[4 + 4 * d] = (unsigned char)(dims[d] >> 24);
        head[5 + 4 * d] = (unsigned char)(dims[d] >> 16);
        head[6 + 4 * d] = (unsigned char)(dims[d] >> 8);
        head[7 + 4 * d] = (unsigned char)dims[d];
    }
    if (!f) return;
    fwrite(head, 1, 16, f);
    fseek(f, (long)n * h * w - 1, SEEK_CUR); /* a sparse file: zeros */
    fputc(0, f);
    fclose(f);
}

static void put_idx1(const char *path, int n)
{
    FILE *f = fopen(path, "wb");
    unsigned char head[8] = {0, 0, 8, 1, 0, 0, 0, 0};
    int i;
    head[6] = (unsigned char)(n >> 8);
    head[7] = (unsigned char)n;
    if (!f) return;
    fwrite(head, 1, 8, f);
    for (i = 0; i < n; ++i) fputc(i % 10, f);
    fclose(f);
}

/* Images too large to be a network's input (4097 x 4097 pixels, more than
   2^24) are refused by name instead of overflowing the pixel count. */
static void large_images(void)
{
    nnd_mnist m;
    nnd_error err;
    const char *d = at("mnist");
    char p[600];
    mkdir(d, 0755);
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte", d);
    put_idx3(p, 1, 4097, 4097);
    snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte", d);
    put_idx1(p, 1);
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte", d);
    put_idx3(p, 1, 2, 2);
    snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte", d);
    put_idx1(p, 1);
    CHECK(nnd_mnist_load(d, &m, &err) == NND_ERR_FORMAT && strstr(err.message, "4097 x 4097") &&
              strstr(err.message, "too large"),
          "4097 x 4097 images: %s", err.message);
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte", d);
    remove(p);
}

typedef struct seen {
    int epochs, diverging;
    double most;
} seen;

static int watch(const nnd_epoch *e, void *user)
{
    seen *s = (seen *)user;
    ++s->epochs;
    s->diverging += e->diverging;
    if (e->max_abs_param > s->most) s->most = e->max_abs_param;
    return 0;
}

/* A run whose parameters blow up without reaching infinity is reported
   (nnd_epoch.diverging, nnd_history.diverging_epoch) and still runs to its
   end; an ordinary run is not flagged, and max_abs_param is the largest
   |w| or |b| (checked against a plain loop). */
static void blow_up(void)
{
    int sizes[] = {4, 3, 2}, labels[40], st, i;
    nnd_real x[160];
    nnd_rng rng;
    nnd_data d;
    nnd_history h;
    seen s;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_net *net;
    double most = 0;
    nnd_rng_seed(&rng, 3);
    for (i = 0; i < 160; ++i) x[i] = (nnd_real)nnd_rng_uniform(&rng);
    for (i = 0; i < 40; ++i) labels[i] = x[4 * i] > x[4 * i + 1];
    memset(&d, 0, sizeof d);
    memset(&h, 0, sizeof h);
    d.n = 40;
    d.n_in = 4;
    d.x = x;
    d.labels = labels;
    o.epochs = 3;
    o.on_epoch = watch;
    o.user = &s;

    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    o.eta = 0.5;
    memset(&s, 0, sizeof s);
    CHECK(nnd_sgd(net, &d, &o, &h) == NND_OK && h.epochs == 3 && h.diverging_epoch == -1 && s.diverging == 0,
          "an ordinary run was flagged: epoch %d", h.diverging_epoch);
    for (i = 0; i < (int)nnd_param_count(net); ++i)
        if (fabs((double)nnd_params(net)[i]) > most) most = fabs((double)nnd_params(net)[i]);
    CHECK(s.most > 0 && s.most < NND_DIVERGING_PARAM, "max_abs_param %g", s.most);
    CHECK(fabs(most - s.most) <= 1e-6 * most || s.most >= most, "last epoch's max_abs_param %g, the net's %g",
          s.most, most);
    nnd_history_free(&h);
    nnd_free(net);

    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    o.eta = 1e9;
    memset(&s, 0, sizeof s);
    st = nnd_sgd(net, &d, &o, &h);
    CHECK(st == NND_OK && h.epochs == 3 && s.epochs == 3, "a finite blow-up stopped the run: %d, %d epochs", st,
          h.epochs);
    CHECK(h.diverging_epoch == 0 && s.diverging == 3 && s.most > NND_DIVERGING_PARAM,
          "the blow-up was not reported: epoch %d, %d flags, largest %g", h.diverging_epoch, s.diverging, s.most);
    nnd_history_free(&h);
    nnd_free(net);
}

int main(void)
{
    snprintf(dir, sizeof dir, "build/test_files-%ld", (long)getpid());
    mkdir("build", 0755);
    if (mkdir(dir, 0755) != 0) {
        printf("FAIL cannot create %s (run from the repository root)\n", dir);
        return 1;
    }
    umask(022);
    saving();
    loading();
    messages();
    large_images();
    blow_up();
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "chmod -R u+w %s && rm -rf %s", dir, dir);
        if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    }
    return check_summary();
}
