/* replay.c - runs saved inputs through a fuzz harness without libFuzzer.

   Linked with one harness (fuzz_*.c), it passes every file named on the
   command line, and every regular file inside a directory named there (in
   name order, not recursively), to LLVMFuzzerTestOneInput once, in a buffer
   of exactly the file's size so that AddressSanitizer sees a read past its
   end. The last line of the output is "N passed, N failed". A harness that
   finds a broken invariant aborts, and a sanitizer report ends the process
   too: the caller counts that as a failure (tests/fuzz/replay.sh then runs
   the inputs one by one to name the failing one). A file that cannot be
   read counts as failed.

   Built with the sanitizers, e.g.
     gcc -std=c99 -pedantic -Wall -Wextra -Werror -g -O1 \
         -fsanitize=address,undefined -fno-sanitize-recover=all \
         tests/fuzz/fuzz_nnd.c tests/fuzz/replay.c -o build/fuzz/replay/nnd -lm */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

/* Run one file through the harness (a file that cannot be read fails). */
static void replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    int ok = f != NULL;
    while (ok) {
        size_t got;
        if (len == cap) {
            unsigned char *b;
            cap = cap ? 2 * cap : 65536;
            b = (unsigned char *)realloc(buf, cap);
            if (!b) {
                ok = 0;
                break;
            }
            buf = b;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            ok = !ferror(f);
            break;
        }
    }
    if (f) fclose(f);
    if (ok) {
        /* exactly len bytes (one for an empty file, which is never read) */
        unsigned char *exact = (unsigned char *)malloc(len ? len : 1);
        if (!exact) ok = 0;
        else {
            if (len) memcpy(exact, buf, len);
            fflush(stdout);
            fprintf(stderr, "replay %s (%lu bytes)\n", path, (unsigned long)len);
            LLVMFuzzerTestOneInput(exact, len);
            free(exact);
        }
    }
    free(buf);
    if (ok) ++passed;
    else {
        ++failed;
        printf("FAIL %s: cannot be read\n", path);
    }
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every regular file directly inside dir, in name order. */
static void replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    if (!d) {
        ++failed;
        printf("FAIL %s: cannot be opened\n", dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path;
        struct stat st;
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
        path = (char *)malloc(len);
        if (!path) break;
        snprintf(path, len, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (n == cap) {
            char **t = (char **)realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!t) {
                free(path);
                break;
            }
            names = t;
        }
        names[n++] = path;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; ++i) {
        replay_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; ++i) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) replay_dir(argv[i]);
        else replay_file(argv[i]);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
