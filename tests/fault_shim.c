/* fault_shim.c - an LD_PRELOAD library that makes file operations fail, for
   tests/test_faults.sh. It wraps the C library's open, write, fsync, close
   and rename (the calls nnd_save_file makes; the programs link them under
   these names) and, for the files it is told about, fails the chosen call
   with the chosen errno, or slows the writes down so that a test can kill
   the program, or run two of them, in the middle of a save.

   Build: cc -shared -fPIC -O2 tests/fault_shim.c -o build/faults/shim.so -ldl
   Use:   LD_PRELOAD=build/faults/shim.so NND_FAULT=rename build/network2 ...

   Environment (read once, when the library is loaded):
     NND_FAULT        what fails; one of
                        open    opening a matched path gives -1 (nothing created)
                        write   a write to a matched file gives -1
                        fsync   fsync/fdatasync of a matched file gives -1
                        close   close of a matched file closes it, then gives -1
                        rename  a rename from or to a matched path gives -1
                                (nothing renamed)
                        plant   no failure: before a matched file is created
                                with O_EXCL, something is put at its exact name
                                first - a symbolic link to NND_FAULT_PLANT when
                                that is set, else a regular file holding
                                "planted\n" - so the creation must not use it
                      unset, empty or "none": nothing fails (NND_FAULT_SLOW_US
                      may still slow the writes).
     NND_FAULT_ERRNO  the errno of the failure: EIO (default), ENOSPC, EDQUOT,
                      EROFS, EACCES, EPERM, EXDEV, EBUSY, EFBIG, ENOENT, EINVAL,
                      or a number.
     NND_FAULT_MATCH  the paths concerned: those containing this text
                      (default ".tmp-", the temporary files of nnd_save_file).
                      A file descriptor is concerned when the path it was
                      opened with is.
     NND_FAULT_SKIP   leave the first N concerned files (counted by open) or
                      renames alone; fail from the next one on (default 0).
     NND_FAULT_PARTIAL  with NND_FAULT=write: the first write to a file
                      stores half of its bytes and returns that short count,
                      and only the next write fails - as a filling disk does.
     NND_FAULT_SLOW_US  sleep this many microseconds before every write to
                      a concerned file, and write at most NND_FAULT_SLOW_CHUNK
                      bytes (default 4096) per call, so that the caller's loop
                      over short writes takes a while.
     NND_FAULT_LOG    when set, one line on stderr per injected failure (for
                      debugging the tests; the tests leave it unset). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { F_NONE, F_OPEN, F_WRITE, F_FSYNC, F_CLOSE, F_RENAME, F_PLANT };

#define MAX_FD 4096
/* Per file descriptor: 0 not concerned, 1 concerned, 2 concerned and a
   failure is armed for it (it was opened after the skipped ones). */
static volatile unsigned char fd_state[MAX_FD];
/* NND_FAULT_PARTIAL: bytes already written to each concerned fd. */
static volatile unsigned char fd_wrote[MAX_FD];

static int fault = F_NONE, fault_errno = EIO, partial, logging;
static long skip, slow_us, slow_chunk = 4096;
static const char *match = ".tmp-", *plant_target;
static int opened, renamed; /* concerned opens and renames so far */
static int ready;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);
static int (*real_rename)(const char *, const char *);

static int errno_named(const char *s)
{
    static const struct {
        const char *name;
        int value;
    } names[] = {{"EIO", EIO},       {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EROFS", EROFS},
                 {"EACCES", EACCES}, {"EPERM", EPERM},   {"EXDEV", EXDEV},   {"EBUSY", EBUSY},
                 {"EFBIG", EFBIG},   {"ENOENT", ENOENT}, {"EINVAL", EINVAL}, {"EINTR", EINTR}};
    size_t i;
    char *end;
    long v;
    for (i = 0; i < sizeof names / sizeof names[0]; ++i)
        if (!strcmp(s, names[i].name)) return names[i].value;
    v = strtol(s, &end, 10);
    return *end || v <= 0 ? EIO : (int)v;
}

/* The C library's own definition of name, into the function pointer at
   slot (copied: ISO C has no conversion from void * to a function pointer). */
static void next_symbol(const char *name, void *slot, size_t size)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (size == sizeof p) memcpy(slot, &p, size);
}

static void setup(void)
{
    const char *s;
    if (ready) return;
    next_symbol("open", &real_open, sizeof real_open);
    next_symbol("open64", &real_open64, sizeof real_open64);
    next_symbol("write", &real_write, sizeof real_write);
    next_symbol("fsync", &real_fsync, sizeof real_fsync);
    next_symbol("fdatasync", &real_fdatasync, sizeof real_fdatasync);
    next_symbol("close", &real_close, sizeof real_close);
    next_symbol("rename", &real_rename, sizeof real_rename);
    if ((s = getenv("NND_FAULT")) && *s) {
        if (!strcmp(s, "open")) fault = F_OPEN;
        else if (!strcmp(s, "write")) fault = F_WRITE;
        else if (!strcmp(s, "fsync")) fault = F_FSYNC;
        else if (!strcmp(s, "close")) fault = F_CLOSE;
        else if (!strcmp(s, "rename")) fault = F_RENAME;
        else if (!strcmp(s, "plant")) fault = F_PLANT;
        else if (strcmp(s, "none")) {
            fprintf(stderr, "fault_shim: unknown NND_FAULT=%s\n", s);
            _exit(125);
        }
    }
    if ((s = getenv("NND_FAULT_ERRNO")) && *s) fault_errno = errno_named(s);
    if ((s = getenv("NND_FAULT_MATCH")) && *s) match = s;
    if ((s = getenv("NND_FAULT_SKIP")) && *s) skip = atol(s);
    if ((s = getenv("NND_FAULT_PARTIAL")) && *s) partial = atoi(s) != 0;
    if ((s = getenv("NND_FAULT_SLOW_US")) && *s) slow_us = atol(s);
    if ((s = getenv("NND_FAULT_SLOW_CHUNK")) && *s && atol(s) > 0) slow_chunk = atol(s);
    if ((s = getenv("NND_FAULT_PLANT")) && *s) plant_target = s;
    logging = getenv("NND_FAULT_LOG") != NULL;
    ready = 1;
}

__attribute__((constructor)) static void shim_init(void) { setup(); }

static int concerned(const char *path) { return path && strstr(path, match) != NULL; }

static int fd_concerned(int fd) { return fd >= 0 && fd < MAX_FD && fd_state[fd] != 0; }
static int fd_armed(int fd) { return fd >= 0 && fd < MAX_FD && fd_state[fd] == 2; }

static int inject(const char *call, const char *what)
{
    if (logging) fprintf(stderr, "fault_shim: %s(%s) fails: %s\n", call, what, strerror(fault_errno));
    errno = fault_errno;
    return -1;
}

static void nap(long us)
{
    struct timespec ts;
    ts.tv_sec = us / 1000000;
    ts.tv_nsec = (us % 1000000) * 1000;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Put something at path before the program creates it (NND_FAULT=plant). */
static void plant(const char *path)
{
    int saved = errno, fd;
    if (plant_target) {
        if (symlink(plant_target, path) != 0 && logging) perror("fault_shim: symlink");
    } else if ((fd = real_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0) {
        if (real_write(fd, "planted\n", 8) != 8 && logging) perror("fault_shim: write");
        real_close(fd);
    }
    if (logging) fprintf(stderr, "fault_shim: planted %s\n", path);
    errno = saved;
}

static int do_open(int (*next)(const char *, int, ...), const char *path, int flags, mode_t mode)
{
    int fd, mine, armed = 0;
    setup();
    mine = concerned(path);
    if (mine) armed = opened++ >= skip;
    if (mine && armed && fault == F_OPEN) return inject("open", path);
    if (mine && armed && fault == F_PLANT && (flags & O_CREAT) && (flags & O_EXCL)) {
        plant(path);
        fault = F_NONE; /* once: the program's next name must go through */
    }
    fd = next(path, flags, mode);
    if (fd >= 0 && fd < MAX_FD) {
        fd_state[fd] = mine ? (armed ? 2 : 1) : 0;
        fd_wrote[fd] = 0;
    }
    return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
#ifdef O_TMPFILE
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) return (mode_t)va_arg(ap, int);
#else
    if (flags & O_CREAT) return (mode_t)va_arg(ap, int);
#endif
    return 0;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;
    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    setup();
    return do_open(real_open, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;
    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    setup();
    return do_open(real_open64 ? real_open64 : real_open, path, flags, mode);
}

/* The checked variants a _FORTIFY_SOURCE build calls for open(path, flags). */
int __open_2(const char *path, int flags) { return do_open(real_open, path, flags, 0); }
int __open64_2(const char *path, int flags)
{
    setup();
    return do_open(real_open64 ? real_open64 : real_open, path, flags, 0);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    setup();
    if (!fd_concerned(fd)) return real_write(fd, buf, count);
    if (fault == F_WRITE && fd_armed(fd)) {
        if (partial && !fd_wrote[fd] && count > 1) {
            ssize_t w = real_write(fd, buf, count / 2);
            if (w > 0) fd_wrote[fd] = 1;
            return w;
        }
        return inject("write", "a matched file");
    }
    if (slow_us > 0) {
        nap(slow_us);
        if (count > (size_t)slow_chunk) count = (size_t)slow_chunk;
    }
    return real_write(fd, buf, count);
}

int fsync(int fd)
{
    setup();
    if (fault == F_FSYNC && fd_armed(fd)) return inject("fsync", "a matched file");
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    setup();
    if (fault == F_FSYNC && fd_armed(fd)) return inject("fdatasync", "a matched file");
    return real_fdatasync(fd);
}

int close(int fd)
{
    int armed, r;
    setup();
    armed = fault == F_CLOSE && fd_armed(fd);
    if (fd >= 0 && fd < MAX_FD) fd_state[fd] = 0;
    r = real_close(fd);
    if (armed && r == 0) return inject("close", "a matched file");
    return r;
}

int rename(const char *from, const char *to)
{
    setup();
    if (concerned(from) || concerned(to)) {
        int armed = renamed++ >= skip;
        if (armed && fault == F_RENAME) return inject("rename", to);
    }
    return real_rename(from, to);
}
