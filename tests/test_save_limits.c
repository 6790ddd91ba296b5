/* nnd_save_file when the bytes cannot all be written: under a file-size
   limit (RLIMIT_FSIZE, with SIGXFSZ ignored, writes past it fail with
   EFBIG) a save fails with NND_ERR_IO naming the step, the previous file is
   left byte for byte and no temporary file stays behind; without the limit
   the same save succeeds. The model savers report the same. POSIX only.
   Files go to build/test_save_limits/. */
#define _POSIX_C_SOURCE 200809L
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

static const char *dir = "build/test_save_limits";

static size_t read_all(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) return (size_t)-1;
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Entries of dir other than . and .. and the file named keep. */
static int others_in_dir(const char *keep)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep)) ++n;
    closedir(d);
    return n;
}

static int limit_file_size(rlim_t bytes, struct rlimit *old)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_FSIZE, old) != 0) return -1;
    lim = *old;
    lim.rlim_cur = bytes;
    return setrlimit(RLIMIT_FSIZE, &lim);
}

int main(void)
{
    char path[256], big[20000], back[20000];
    const char *before = "the previous contents\n";
    nnd_error err;
    struct rlimit old;
    size_t i;
    int st;
    void (*was)(int);
    mkdir("build", 0755);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/model.json", dir);
    for (i = 0; i < sizeof big; ++i) big[i] = (char)('a' + i % 26);
    CHECK(nnd_save_file(path, before, strlen(before), &err) == NND_OK, "first save: %s", err.message);

    was = signal(SIGXFSZ, SIG_IGN);
    if (limit_file_size(4096, &old) != 0) {
        signal(SIGXFSZ, was);
        printf("SKIPPED: cannot set a file-size limit\n");
        return check_summary();
    }
    st = nnd_save_file(path, big, sizeof big, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    CHECK(st == NND_ERR_IO && err.status == NND_ERR_IO, "20,000 bytes under a 4096-byte limit: %s", nnd_strerror(st));
    CHECK(strstr(err.message, path) && strstr(err.message, "writing") && strstr(err.message, "unchanged"),
          "the message names the file and the step: %s", err.message);
    CHECK(read_all(path, back, sizeof back) == strlen(before) && memcmp(back, before, strlen(before)) == 0,
          "the previous file changed");
    CHECK(others_in_dir("model.json") == 0, "a temporary file was left behind");

    /* the same through a model saver */
    {
        int sizes[] = {60, 30, 10};
        nnd_rng r;
        nnd_net *net;
        nnd_rng_seed(&r, 1);
        net = nnd_network2(sizes, 3, NND_QUADRATIC, &r, &st); /* some 30 KB of text */
        signal(SIGXFSZ, SIG_IGN);
        if (limit_file_size(4096, &old) == 0) {
            st = nnd_network2_save(net, path, &err);
            setrlimit(RLIMIT_FSIZE, &old);
            CHECK(st == NND_ERR_IO && strstr(err.message, "writing"), "network2_save under the limit: %s",
                  err.message);
            signal(SIGXFSZ, SIG_IGN);
            limit_file_size(4096, &old);
            st = nnd_save(net, path, &err);
            setrlimit(RLIMIT_FSIZE, &old);
            CHECK(st == NND_ERR_IO && strstr(err.message, "writing"), "nnd_save under the limit: %s", err.message);
        }
        signal(SIGXFSZ, was);
        CHECK(read_all(path, back, sizeof back) == strlen(before), "the savers changed the previous file");
        CHECK(others_in_dir("model.json") == 0, "a saver left a temporary file behind");
        nnd_free(net);
    }

    /* without the limit: the whole new contents */
    CHECK(nnd_save_file(path, big, sizeof big, &err) == NND_OK, "save without the limit: %s", err.message);
    CHECK(read_all(path, back, sizeof back) == sizeof big && memcmp(back, big, sizeof big) == 0,
          "the new contents are not all there");
    remove(path);
    return check_summary();
}
