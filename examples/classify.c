/* classify - a saved model's top 3 classes for your own digit images.

   build/classify [--save-28 OUT.png] MODEL IMAGE...

   MODEL is a model file of either format: nnd's own (build/network3 --save)
   or network2.py's JSON (build/network2 --save). Each IMAGE (PNG, JPEG, or
   any format Debian's stb_image reads; any number of channels) is turned
   into a 28 x 28 image the way MNIST's digits were made, then classified:

     1. grey      RGB(A) composited over white, then the luma
                  0.299 R + 0.587 G + 0.114 B (Rec. 601)
     2. polarity  MNIST digits are white ink on black. The background level
                  is the median of the image's border pixels; a light one
                  (above mid-grey) means dark ink on paper, and the image is
                  inverted. The background level is subtracted and the
                  ink's maximum stretched to 255 (a pencil stroke becomes as
                  bright as MNIST's; MNIST's own images, of maximum 254 or
                  255, change by at most one level).
     3. crop      to the bounding box of the pixels brighter than
                  INK_THRESHOLD (a quarter of full ink: on all but 12 of
                  MNIST's 10,000 test images that box is the 20-pixel box
                  the digit was fitted to). The fainter edge around it is
                  kept (MARGIN), so an MNIST digit comes back unchanged.
     4. fit 20x20 the box is scaled by 20 / (its larger side), keeping the
                  aspect ratio, by area averaging: each new pixel is the
                  mean of the source area it covers (exact coverage, so a
                  reduction loses no ink; an enlargement replicates pixels).
     5. centre    the 20 x 20 (or narrower) digit goes into a black 28 x 28
                  field shifted by whole pixels so that its centre of mass,
                  sum(i v) / sum(v) in pixel indices, lies in [13.5, 14.5)
                  on both axes - within half a pixel of (14, 14), where
                  every MNIST test digit has it.
     6. scale     the bytes are read as byte/256, as nnd_mnist_load reads
                  MNIST (nnd_classify_bytes).

   Prints, per image, the best class and the top 3 with their scores. For a
   softmax output layer the scores are the classes' probabilities; for a
   sigmoid one (the book's network2 nets) they are the output neurons'
   activations, each in (0, 1), which need not sum to 1 - how strongly each
   digit's neuron fires, not a probability. The program says which.

   --save-28 OUT.png writes the converted 28 x 28 image (white on black, the
   bytes the net reads): what the net sees. It takes one IMAGE.

   Exit status: 0 every image classified; 1 a model or an image could not be
   read or used (the others are still classified); 2 a bad option. */
#define NND_IMPLEMENTATION
#include "../nnd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#endif
/* stb_image's functions stay extern: static, its thread-local variants
   (which C99 lacks) would be declared and never defined. */
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#define SIDE 28            /* MNIST's field */
#define BOX 20             /* the box the digit is fitted into */
#define INK_THRESHOLD 64.0 /* of 255: pixels that count for the bounding box */
#define MARGIN 2           /* output pixels kept around the box: its faint edge */
#define MIN_CONTRAST 32.0  /* ink less than this above the background: no digit */

static const char *usage =
    "usage: classify [--save-28 OUT.png] MODEL IMAGE...\n"
    "Classify digit images (PNG, JPEG) with a saved model of either format (nnd's, or\n"
    "network2.py's JSON). Each image is converted the MNIST way: grey; white ink on black\n"
    "(a light background is inverted); cropped to the ink; fitted into 20x20 keeping its\n"
    "aspect ratio (area averaging); centred by its centre of mass in 28x28; pixel/256.\n"
    "\n"
    "  --save-28 OUT.png   write the converted 28x28 image (what the net sees); one IMAGE\n"
    "  --help              this text\n"
    "\n"
    "Prints each image's best class and its top 3 classes with their scores: probabilities\n"
    "for a softmax output layer; for a sigmoid one the output neurons' activations, which\n"
    "are not probabilities.\n"
    "Exit status: 0 every image classified; 1 a model or image could not be read or used;\n"
    "2 a bad option.\n";

/* ------------------------------------------------------------------ model */

/* nnd_load reads both formats, nnd's and network2.py's: the content tells
   them apart. Its message names the file, the line and the field at fault. */
static nnd_net *load_model(const char *path)
{
    nnd_error err;
    nnd_net *net = nnd_load(path, &err);
    if (!net) fprintf(stderr, "classify: error: model %s\n", err.message);
    return net;
}

static const char *activation_name(nnd_activation f)
{
    switch (f) {
    case NND_SIGMOID: return "sigmoid";
    case NND_TANH: return "tanh";
    case NND_RELU: return "ReLU";
    case NND_LINEAR: return "linear";
    case NND_SOFTMAX: return "softmax";
    }
    return "?";
}

/* A net for MNIST reads 784 values; a first convolutional layer must read
   them as one 28 x 28 channel. */
static int check_model(nnd_net *net, const char *path)
{
    nnd_layer_desc first = nnd_layer_info(net, 0);
    if (nnd_input_size(net) != SIDE * SIDE) {
        fprintf(stderr, "classify: error: model %s has %d inputs; a 28x28 image needs 784\n", path,
                nnd_input_size(net));
        return 0;
    }
    if (first.kind != NND_LAYER_DENSE && (first.in_c != 1 || first.in_h != SIDE || first.in_w != SIDE)) {
        fprintf(stderr, "classify: error: model %s reads %d x %d x %d maps; a 28x28 image is 1 x 28 x 28\n",
                path, first.in_c, first.in_h, first.in_w);
        return 0;
    }
    return 1;
}

static void describe_model(nnd_net *net, const char *path)
{
    int l, n = nnd_num_layers(net);
    nnd_activation out = nnd_layer_info(net, n - 1).activation;
    printf("model %s: %d inputs", path, nnd_input_size(net));
    for (l = 0; l < n; ++l) { /* dense layers by their neurons, the others by their maps */
        nnd_layer_desc d = nnd_layer_info(net, l);
        if (d.kind == NND_LAYER_DENSE) printf(" -> %d", d.n_out);
        else printf(" -> %dx%dx%d maps", d.out_c, d.out_h, d.out_w);
    }
    printf(", %s output layer\n", activation_name(out));
    if (out == NND_SOFTMAX)
        printf("scores: the probabilities of the classes (softmax; they sum to 1)\n");
    else
        printf("scores: the output neurons' %s activations - not probabilities, they need not sum to 1\n",
               activation_name(out));
}

/* ------------------------------------------------------------ conversion */

/* The image at path as grey bytes, w x h: colours composited over white,
   then Rec. 601 luma. NULL with a message when it cannot be read. */
static unsigned char *read_grey(const char *path, int *w, int *h)
{
    int n, comp;
    size_t i, count;
    unsigned char *rgba, *grey;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "classify: error: %s: cannot read the image: %s\n", path, strerror(errno));
        return NULL;
    }
    rgba = stbi_load_from_file(f, w, h, &comp, 4);
    fclose(f);
    if (!rgba) {
        fprintf(stderr, "classify: error: %s: cannot read the image (%s)\n", path, stbi_failure_reason());
        return NULL;
    }
    count = (size_t)*w * (size_t)*h;
    if (!(grey = (unsigned char *)malloc(count))) {
        stbi_image_free(rgba);
        fprintf(stderr, "classify: error: %s: out of memory\n", path);
        return NULL;
    }
    for (i = 0; i < count; ++i) {
        const unsigned char *p = rgba + 4 * i;
        double a = p[3] / 255.0, y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        n = (int)floor(a * y + (1.0 - a) * 255.0 + 0.5);
        grey[i] = (unsigned char)(n < 0 ? 0 : n > 255 ? 255 : n);
    }
    stbi_image_free(rgba);
    return grey;
}

static int compare_bytes(const void *a, const void *b)
{
    return (int)*(const unsigned char *)a - (int)*(const unsigned char *)b;
}

/* The median of the border pixels (the four edges), or -1 out of memory. */
static int border_median(const unsigned char *g, int w, int h)
{
    size_t n = 0, i;
    int x, y, med;
    unsigned char *b = (unsigned char *)malloc(2 * ((size_t)w + (size_t)h));
    if (!b) return -1;
    for (x = 0; x < w; ++x) {
        b[n++] = g[x];
        if (h > 1) b[n++] = g[(size_t)(h - 1) * w + x];
    }
    for (y = 1; y + 1 < h; ++y) {
        b[n++] = g[(size_t)y * w];
        if (w > 1) b[n++] = g[(size_t)y * w + w - 1];
    }
    qsort(b, n, 1, compare_bytes);
    i = n / 2;
    med = b[i];
    free(b);
    return med;
}

/* Step 2: ink in [0, 255], white on black, background at 0 and the brightest
   ink at 255. Returns 0, or a message: no digit (nearly uniform image). */
static const char *to_ink(const unsigned char *g, int w, int h, double *ink)
{
    size_t i, count = (size_t)w * (size_t)h;
    int bg = border_median(g, w, h), invert;
    double top = 0;
    if (bg < 0) return "out of memory";
    invert = bg > 127; /* dark ink on a light background */
    if (invert) bg = 255 - bg;
    for (i = 0; i < count; ++i) {
        double v = (invert ? 255 - g[i] : g[i]) - bg;
        ink[i] = v > 0 ? v : 0;
        if (ink[i] > top) top = ink[i];
    }
    if (top < MIN_CONTRAST) return "no digit found: the image is nearly uniform";
    for (i = 0; i < count; ++i) ink[i] *= 255.0 / top;
    return 0;
}

/* Step 3: the bounding box [x0, x1) x [y0, y1) of the pixels above the
   threshold (there is one: the brightest is 255). */
static void ink_box(const double *ink, int w, int h, int box[4])
{
    int x, y;
    box[0] = w, box[1] = h, box[2] = 0, box[3] = 0;
    for (y = 0; y < h; ++y)
        for (x = 0; x < w; ++x)
            if (ink[(size_t)y * w + x] > INK_THRESHOLD) {
                if (x < box[0]) box[0] = x;
                if (y < box[1]) box[1] = y;
                if (x + 1 > box[2]) box[2] = x + 1;
                if (y + 1 > box[3]) box[3] = y + 1;
            }
}

/* Overlap of source pixel k, [k, k+1), with [a, b). */
static double overlap(int k, double a, double b)
{
    double lo = k > a ? k : a, hi = k + 1 < b ? k + 1 : b;
    return hi > lo ? hi - lo : 0;
}

/* Area averaging along one axis. The source line has n_src values at
   src[k * stride]; output pixel j (0 <= j < n_dst) is the mean over the
   source interval [start + (j - MARGIN) f, start + (j - MARGIN + 1) f),
   the part outside the line counting as background (0). */
static void resample_line(const double *src, size_t stride, int n_src, double start, double f, double *dst,
                          size_t dstride, int n_dst)
{
    int j, k;
    for (j = 0; j < n_dst; ++j) {
        double a = start + (j - MARGIN) * f, b = a + f, sum = 0;
        for (k = a > 0 ? (int)floor(a) : 0; k < n_src && k < b; ++k) sum += overlap(k, a, b) * src[(size_t)k * stride];
        dst[(size_t)j * dstride] = sum / f;
    }
}

/* Step 4: the box of ink scaled by 20 / (its larger side) into dw x dh
   pixels, with MARGIN more on each side, so that the faint edge below the
   threshold comes along: fit holds (dw + 2 MARGIN) x (dh + 2 MARGIN)
   values. Separable: rows, then columns (the product of the two coverages
   is the 2-D one). */
static int fit_box(const double *ink, int w, int h, const int box[4], double *fit, int *dw, int *dh)
{
    int bw = box[2] - box[0], bh = box[3] - box[1], big = bw > bh ? bw : bh, x, y, fw, fh;
    double *rows;
    *dw = (int)floor((double)bw * BOX / big + 0.5);
    *dh = (int)floor((double)bh * BOX / big + 0.5);
    if (*dw < 1) *dw = 1;
    if (*dh < 1) *dh = 1;
    fw = *dw + 2 * MARGIN, fh = *dh + 2 * MARGIN;
    if (!(rows = (double *)malloc((size_t)h * (size_t)fw * sizeof *rows))) return 0;
    for (y = 0; y < h; ++y)
        resample_line(ink + (size_t)y * w, 1, w, box[0], (double)bw / *dw, rows + (size_t)y * fw, 1, fw);
    for (x = 0; x < fw; ++x) resample_line(rows + x, (size_t)fw, h, box[1], (double)bh / *dh, fit + x, (size_t)fw, fh);
    free(rows);
    return 1;
}

/* Step 5: fit (fw x fh) into the 28 x 28 field, shifted by whole pixels so
   that its centre of mass lies in [13.5, 14.5) on both axes, as it does in
   every MNIST test image; rounded to bytes. Whatever falls outside the
   field is dropped. */
static void centre_of_mass_place(const double *fit, int fw, int fh, unsigned char *px)
{
    double m = 0, mx = 0, my = 0;
    int x, y, ox, oy;
    for (y = 0; y < fh; ++y)
        for (x = 0; x < fw; ++x) {
            double v = fit[y * fw + x];
            m += v, mx += x * v, my += y * v;
        }
    ox = (int)ceil(SIDE / 2 - 0.5 - mx / m);
    oy = (int)ceil(SIDE / 2 - 0.5 - my / m);
    memset(px, 0, SIDE * SIDE);
    for (y = 0; y < fh; ++y)
        for (x = 0; x < fw; ++x) {
            int X = x + ox, Y = y + oy;
            double v = floor(fit[y * fw + x] + 0.5);
            if (X >= 0 && X < SIDE && Y >= 0 && Y < SIDE) px[Y * SIDE + X] = (unsigned char)(v > 255 ? 255 : v);
        }
}

/* Steps 1-5 for the image at path: px receives 784 bytes. 0 on failure
   (the message printed). */
static int mnist_convert(const char *path, unsigned char *px)
{
    int w, h, box[4], dw, dh, ok = 0;
    unsigned char *grey = read_grey(path, &w, &h);
    double *ink = NULL, fit[(BOX + 2 * MARGIN) * (BOX + 2 * MARGIN)];
    const char *why = "out of memory";
    if (!grey) return 0;
    if ((ink = (double *)malloc((size_t)w * (size_t)h * sizeof *ink)) && !(why = to_ink(grey, w, h, ink))) {
        ink_box(ink, w, h, box);
        why = "out of memory";
        if (fit_box(ink, w, h, box, fit, &dw, &dh)) {
            centre_of_mass_place(fit, dw + 2 * MARGIN, dh + 2 * MARGIN, px);
            ok = 1;
        }
    }
    if (!ok) fprintf(stderr, "classify: error: %s: %s\n", path, why);
    free(ink);
    free(grey);
    return ok;
}

/* ------------------------------------------------------------ output */

typedef struct png_bytes {
    unsigned char *s;
    size_t len, cap;
    int nomem;
} png_bytes;

static void png_append(void *context, void *data, int size)
{
    png_bytes *b = (png_bytes *)context;
    if (b->nomem) return;
    if (b->len + (size_t)size > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        unsigned char *s;
        while (cap < b->len + (size_t)size) cap *= 2;
        if (!(s = (unsigned char *)realloc(b->s, cap))) {
            b->nomem = 1;
            return;
        }
        b->s = s, b->cap = cap;
    }
    memcpy(b->s + b->len, data, (size_t)size);
    b->len += (size_t)size;
}

/* The 28 x 28 bytes as a one-channel PNG, saved through nnd_save_file (the
   previous file survives a failed save). */
static int save_28(const char *path, const unsigned char *px)
{
    png_bytes b = {NULL, 0, 0, 0};
    nnd_error err;
    int st;
    if (!stbi_write_png_to_func(png_append, &b, SIDE, SIDE, 1, px, SIDE) || b.nomem) {
        free(b.s);
        fprintf(stderr, "classify: error: %s: cannot encode the PNG (out of memory)\n", path);
        return 0;
    }
    st = nnd_save_file(path, b.s, b.len, &err);
    free(b.s);
    if (st != NND_OK) fprintf(stderr, "classify: error: %s\n", err.message);
    return st == NND_OK;
}

/* One image: convert, classify, print "IMAGE: C  top 3: C s, C s, C s". */
static int classify_image(nnd_net *net, const char *path, const char *save_path)
{
    unsigned char px[SIDE * SIDE];
    int classes[3], cls, k, i, n_out = nnd_output_size(net), st;
    nnd_real *scores;
    if (!mnist_convert(path, px)) return 0;
    if (save_path && !save_28(save_path, px)) return 0;
    if (!(scores = (nnd_real *)malloc((size_t)n_out * sizeof *scores))) {
        fprintf(stderr, "classify: error: %s: out of memory\n", path);
        return 0;
    }
    st = nnd_classify_bytes(net, px, SIDE * SIDE, scores, n_out, &cls);
    if (st != NND_OK) {
        fprintf(stderr, "classify: error: %s: %s\n", path, nnd_net_error(net)->message);
        free(scores);
        return 0;
    }
    k = nnd_top_k(scores, n_out, 3, classes);
    printf("%s: %d  top %d:", path, cls, k);
    for (i = 0; i < k; ++i) printf("%s %d %.4f", i ? "," : "", classes[i], (double)scores[classes[i]]);
    printf("\n");
    free(scores);
    return 1;
}

/* ------------------------------------------------------------ main */

static int bad_option(const char *fmt, const char *arg)
{
    fprintf(stderr, "classify: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see --help)\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *save_path = NULL, *model = NULL;
    const char **images = (const char **)malloc((size_t)argc * sizeof *images);
    int i, n_images = 0, failed = 0, only_files = 0;
    nnd_net *net;
    if (!images) return 1;
    for (i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!only_files && strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (!only_files && strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            free(images);
            return 0;
        } else if (!only_files && strncmp(a, "--save-28", 9) == 0 && (a[9] == '\0' || a[9] == '=')) {
            if (a[9] == '=') save_path = a + 10;
            else if (i + 1 < argc) save_path = argv[++i];
            else return free(images), bad_option("%s needs a value", a);
            if (!*save_path) return free(images), bad_option("%s needs a file name", "--save-28");
        } else if (!only_files && a[0] == '-' && a[1] != '\0') {
            return free(images), bad_option("unknown option %s", a);
        } else if (!model) {
            model = a;
        } else {
            images[n_images++] = a;
        }
    }
    if (!model || n_images == 0) {
        fputs(usage, stderr);
        free(images);
        return 2;
    }
    if (save_path && n_images != 1) {
        free(images);
        return bad_option("--save-28 writes one image; %s", "give one IMAGE with it");
    }
    if (!(net = load_model(model)) || !check_model(net, model)) {
        nnd_free(net);
        free(images);
        return 1;
    }
    describe_model(net, model);
    for (i = 0; i < n_images; ++i) failed += !classify_image(net, images[i], save_path);
    nnd_free(net);
    free(images);
    return failed ? 1 : 0;
}
