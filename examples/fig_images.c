/* fig_images - the book's image figures as PNG grids (examples/imgrid.h,
   Debian's libstb-dev), and a trained network's weights and confusion matrix.

   build/fig_images            writes plots/<figure>.png directly:
     mnist_100_digits     the first 100 training images, 10 x 10, cropped to [3:25]^2
     digits               "504192": training images 0-5 side by side, columns 3:25
     digits_separate      the same six images apart
     mnist_first_digit    training image 0 (a 5)
     mnist_top_left_feature, mnist_other_features, mnist_complete_zero
                          training image 1 (a 0): its top-left quadrant, the
                          other three quadrants, the whole digit
     mnist_2_and_1        training images 5 (a 2) and 3 (a 1)
     mnist_really_bad_images  the 18 hard digits of fig/mnist.py, 2 x 9, from
                          the 10,000 TEST images: the book picked them from its 621
                          digits misclassified by a net of over 93 % (indices up to 9982),
                          and those are test images - a [784,30,10] net trained for
                          5 epochs gets 52 % of them wrong in the test set, against
                          5 % (its error rate) at the same indices of the validation
                          set or of the training set. plots/mnist_really_bad_images.dat
                          lists them with their labels and the trained net's answers
     more_data_5, more_data_rotated_5  training image 0 and the same rotated by
                          15 degrees (bilinear, about pixel (13,14), x1.3 brightness)
   and gnuplot data:
     weights_before.dat, weights_after.dat  the 30 first-layer weight images of
                          [784,30,10] at initialisation and after 10 epochs
                          (cross-entropy, eta 0.5, lambda 5, mini-batch 10), drawn
                          by plots/weights_before.gp and weights_after.gp (red
                          positive, blue negative, white 0, with a colour key)
     confusion.dat        the trained network on the 10,000 test images, drawn by
                          plots/confusion.gp
   Seed 12345678. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"
#include "imgrid.h"

#include <math.h>

#define SEED 12345678

static const nnd_mnist *M;

/* The book's hard digits: indices into the 10,000 test images. */
static const int really_bad[18] = {324,  582,  659,  726,  846,  956,  1124, 1393, 1773,
                                   1868, 2018, 2109, 2654, 4199, 4201, 4620, 5457, 5642};

static void image_of(const nnd_data *d, int index, nnd_real *out) /* image index of d, 784 reals */
{
    int k;
    for (k = 0; k < 784; k++) out[k] = d->x8[(size_t)index * 784 + (size_t)k] * d->x8_scale;
}

static void image(int index, nnd_real *out) /* training image index */
{
    image_of(&M->training, index, out);
}

/* crop [r0, r0+h) x [c0, c0+w) of a 28x28 image */
static void crop(const nnd_real *in, int r0, int c0, int h, int w, nnd_real *out)
{
    int r, c;
    for (r = 0; r < h; r++)
        for (c = 0; c < w; c++) out[r * w + c] = in[(r0 + r) * 28 + c0 + c];
}

static void write_grid(imgrid *g, const char *name)
{
    char path[256];
    sprintf(path, "plots/%s.png", name);
    if (imgrid_write_png(g, path)) fig_die("%s: cannot write", path);
    imgrid_free(g);
    printf("wrote %s\n", path);
}

/* Images idx[0..n) of d, cropped to [r0, r0+h) x [c0, c0+w), cols to a row. */
static void grid_from(const nnd_data *d, const char *name, const int *idx, int n, int cols, int r0,
                      int c0, int h, int w, int scale, int pad)
{
    imgrid g;
    nnd_real img[784], part[784];
    int i;
    if (imgrid_init(&g, n, cols, w, h, scale, pad)) fig_die("imgrid_init failed");
    imgrid_set_background(&g, 255, 255, 255);
    for (i = 0; i < n; i++) {
        image_of(d, idx[i], img);
        crop(img, r0, c0, h, w, part);
        imgrid_put(&g, i, part, 0.0, 1.0);
    }
    write_grid(&g, name);
}

static void grid_of(const char *name, const int *idx, int n, int cols, int r0, int c0, int h,
                    int w, int scale, int pad) /* training images */
{
    grid_from(&M->training, name, idx, n, cols, r0, c0, h, w, scale, pad);
}

static void digits(void)
{
    int first[100], i;
    for (i = 0; i < 100; i++) first[i] = i;
    grid_of("mnist_100_digits", first, 100, 10, 3, 3, 22, 22, 3, 4);
    grid_of("digits", first, 6, 6, 0, 3, 28, 22, 6, 0);
    grid_of("digits_separate", first, 6, 6, 0, 3, 28, 22, 6, 30);
    grid_of("mnist_first_digit", first, 1, 1, 0, 0, 28, 28, 10, 0);
    {
        int two_one[2] = {5, 3};
        grid_of("mnist_2_and_1", two_one, 2, 2, 0, 0, 28, 28, 8, 20);
    }
    grid_from(&M->test, "mnist_really_bad_images", really_bad, 18, 9, 0, 0, 28, 28, 4, 6);
    {   /* quadrants of training image 1 (a 0) */
        nnd_real img[784], q[784];
        imgrid g;
        int k, r, c;
        image(1, img);
        for (k = 0; k < 784; k++) q[k] = (k / 28 < 14 && k % 28 < 14) ? img[k] : 0;
        if (imgrid_init(&g, 1, 1, 28, 28, 10, 2)) fig_die("imgrid_init failed");
        imgrid_put(&g, 0, q, 0, 1);
        write_grid(&g, "mnist_top_left_feature");
        if (imgrid_init(&g, 3, 3, 28, 28, 8, 16)) fig_die("imgrid_init failed");
        imgrid_set_background(&g, 255, 255, 255);
        for (k = 1; k < 4; k++) {
            for (r = 0; r < 28; r++)
                for (c = 0; c < 28; c++)
                    q[r * 28 + c] = ((r >= 14) == (k >= 2) && (c >= 14) == (k % 2 == 1))
                                        ? img[r * 28 + c] : 0;
            imgrid_put(&g, k - 1, q, 0, 1);
        }
        write_grid(&g, "mnist_other_features");
        if (imgrid_init(&g, 1, 1, 28, 28, 10, 2)) fig_die("imgrid_init failed");
        imgrid_put(&g, 0, img, 0, 1);
        write_grid(&g, "mnist_complete_zero");
    }
    {   /* rotation by 15 degrees: each output pixel samples the input at the
           back-rotated position (bilinear), brightness x1.3, clipped to 1 */
        nnd_real img[784], rot[784];
        imgrid g;
        double th = 15.0 * 3.14159265358979 / 180, cs = cos(th), sn = sin(th);
        int r, c;
        image(0, img);
        for (r = 0; r < 28; r++)
            for (c = 0; c < 28; c++) {
                double dr = r - 13.0, dc = c - 14.0;
                double sr = 13.0 + cs * dr - sn * dc, sc = 14.0 + sn * dr + cs * dc;
                int r0 = (int)floor(sr), c0 = (int)floor(sc), i, j;
                double fr = sr - r0, fc = sc - c0, v = 0;
                for (i = 0; i < 2; i++)
                    for (j = 0; j < 2; j++) {
                        int rr = r0 + i, cc = c0 + j;
                        double wgt = (i ? fr : 1 - fr) * (j ? fc : 1 - fc);
                        if (rr >= 0 && rr < 28 && cc >= 0 && cc < 28) v += wgt * img[rr * 28 + cc];
                    }
                v *= 1.3;
                rot[r * 28 + c] = (nnd_real)(v > 1 ? 1 : v);
            }
        if (imgrid_init(&g, 1, 1, 28, 28, 10, 2)) fig_die("imgrid_init failed");
        imgrid_put(&g, 0, img, 0, 1);
        write_grid(&g, "more_data_5");
        if (imgrid_init(&g, 1, 1, 28, 28, 10, 2)) fig_die("imgrid_init failed");
        imgrid_put(&g, 0, rot, 0, 1);
        write_grid(&g, "more_data_rotated_5");
    }
}

/* The first layer's weights w_jk (hidden neuron j, pixel k = 28 r + c) as
   30 gnuplot blocks (index j), each a 28 x 28 matrix in image order. */
static void weights_dat(nnd_net *net, const char *name, const char *when)
{
    FILE *f;
    double m = 0;
    int j, k;
    for (j = 0; j < 30; j++)
        for (k = 0; k < 784; k++) m = fmax(m, fabs(nnd_weight(net, 0, j, k)));
    f = fig_open(name,
                 "first-layer weights of [784,30,10] %s (seed %d); largest |w| %.4f\n"
                 "30 blocks (gnuplot index j = hidden neuron j), each 28 rows of 28 weights "
                 "w_jk, k = 28 row + column",
                 when, SEED, m);
    for (j = 0; j < 30; j++) {
        for (k = 0; k < 784; k++)
            fprintf(f, "%.6g%c", nnd_weight(net, 0, j, k), k % 28 == 27 ? '\n' : ' ');
        if (j < 29) fputs("\n\n", f);
    }
    fig_close(f, name);
}

/* The hard digits with their labels and the trained net's answers. */
static void really_bad_dat(const int *pred)
{
    FILE *f = fig_open("mnist_really_bad_images",
                       "the digits of plots/mnist_really_bad_images.png (fig/mnist.py's "
                       "really_bad_image_indices), 9 to a row: MNIST TEST images (t10k)\n"
                       "predicted: network [784,30,10] of plots/confusion.dat\n"
                       "columns: tile test_index label predicted");
    int i;
    for (i = 0; i < 18; i++)
        fprintf(f, "%d %d %d %d\n", i, really_bad[i], M->test.labels[really_bad[i]], pred[really_bad[i]]);
    fig_close(f, "mnist_really_bad_images");
}

static void trained(void)
{
    int sizes[3] = {784, 30, 10}, st, i, *pred, count[10][10], correct = 0;
    nnd_rng rng;
    nnd_net *net;
    nnd_sgd_options opt = nnd_sgd_defaults();
    FILE *f;
    nnd_rng_seed(&rng, SEED);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    if (!net) fig_die("nnd_network2: %s", nnd_strerror(st));
    weights_dat(net, "weights_before", "at initialisation (default_weight_initializer)");
    opt.epochs = 10;
    opt.mini_batch_size = 10;
    opt.eta = 0.5;
    opt.lmbda = 5.0;
    opt.evaluation_data = &M->test;
    opt.monitor_evaluation_accuracy = 1;
    opt.rng = &rng;
    opt.on_epoch = fig_print_epoch;
    opt.user = (void *)"";
    st = nnd_sgd(net, &M->training, &opt, NULL);
    if (st != NND_OK) fig_die("nnd_sgd: %s", nnd_strerror(st));
    weights_dat(net, "weights_after",
                "after 10 epochs (cross-entropy, mini-batch 10, eta 0.5, lambda 5.0)");
    pred = (int *)malloc(sizeof(int) * (size_t)M->test.n);
    if (!pred) fig_die("out of memory");
    if (nnd_predict(net, &M->test, pred) != NND_OK) fig_die("nnd_predict failed");
    memset(count, 0, sizeof count);
    for (i = 0; i < M->test.n; i++) {
        count[M->test.labels[i]][pred[i]]++;
        correct += M->test.labels[i] == pred[i];
    }
    f = fig_open("confusion",
                 "network [784,30,10], cross-entropy, default_weight_initializer, 10 epochs, "
                 "mini-batch 10, eta 0.5, lambda 5.0, seed %d; evaluated on the 10000 test images "
                 "(accuracy %.2f%%)\n"
                 "columns: true_digit predicted_digit count (gnuplot matrix rows = true digit)",
                 SEED, correct / 100.0);
    for (i = 0; i < 100; i++) {
        fprintf(f, "%d %d %d\n", i / 10, i % 10, count[i / 10][i % 10]);
        if (i % 10 == 9) fputc('\n', f);
    }
    fig_close(f, "confusion");
    really_bad_dat(pred);
    free(pred);
    nnd_free(net);
}

int main(void)
{
    nnd_mnist m;
    fig_program = "fig_images";
    fig_mnist(&m);
    M = &m;
    digits();
    trained();
    nnd_mnist_free(&m);
    return 0;
}
