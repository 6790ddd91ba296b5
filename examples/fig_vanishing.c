/* fig_vanishing - how fast neurons learn: chapter 3's saturating toy neuron,
   chapter 5's unstable gradients and chapter 6's tanh against sigmoid.

   build/fig_vanishing [GROUP ...]            (no argument: the quick groups)

   saturation        F3-1 saturation1-4: one sigmoid neuron, input 1, target 0,
                     300 steps of w -= eta d, b -= eta d. Quadratic cost
                     (eta 0.15): d = dC/dw = (a - y) sigma'(z), the book's rule
                     and the true gradient agree. Cross-entropy (eta 0.005):
                     the book's JavaScript uses d = 1/(1 - a) (that is dC/da);
                     we plot that curve ("book's rule") and beside it the
                     true gradient d = dC/dw = a - y from nnd_backprop.
   initial_gradient  ch.5: dC/db for the first 6 neurons of both hidden layers
                     of [784,30,30,10] at initialisation, averaged over the
                     first 1000 training images (nnd_backprop)
   training_speed    ch.5: ||dC/db^l|| of every hidden layer against epoch for
                     [784,30,30,10], [784,30,30,30,10], [784,30,30,30,30,10];
                     each epoch one full-batch step on 1000 images, eta 0.1,
                     lambda 5; the norm is taken before the step; 500 epochs
   tanh_sigmoid      ch.6 (problem "tanh"): validation accuracy per epoch of
                     [784,100 tanh|sigmoid,10 softmax], log-likelihood, eta 0.1,
                     mini-batch 10, 30 epochs. A dense stand-in for the book's
                     convolutional network (nnd.h's conv layers were not there
                     yet): the comparison of the two activations is the point.
                     (long: only when asked for)

   Seed 12345678 (splitmix64) everywhere. */
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "fig_common.h"

#include <math.h>

#define SEED 12345678

static const char *build = sizeof(nnd_real) == 4 ? "float" : "double";

/* ------------------------------------------------------------ saturation */
static void saturation(int fig, double w0, double b0, nnd_cost cost, double eta)
{
    char name[32];
    nnd_layer_spec spec = nnd_dense_layer(1, NND_SIGMOID, 0.0);
    nnd_net *net[2];
    nnd_real x = 1, y = 0, *grad, a;
    int r, e, st;
    double c[2][301], out[2][301];
    for (r = 0; r < 2; r++) {
        net[r] = nnd_net_create(1, &spec, 1, cost, &st);
        if (!net[r]) fig_die("nnd_net_create: %s", nnd_strerror(st));
        nnd_set_weight(net[r], 0, 0, 0, w0);
        nnd_biases(net[r], 0)[0] = (nnd_real)b0;
    }
    /* on the heap: gcc's -Warray-bounds misreads the vector kernels' dead paths
       when nnd_backprop is inlined with a 2-element local array */
    grad = (nnd_real *)malloc(nnd_param_count(net[0]) * sizeof *grad);
    if (!grad) fig_die("out of memory");
    for (e = 0; e <= 300; e++)
        for (r = 0; r < 2; r++) {
            nnd_real *p = nnd_params(net[r]); /* p[0] = w, p[1] = b */
            double d;
            nnd_data one = nnd_data_targets(nnd_data_reals(&x, 1, 1, NULL), &y, 1);
            if (nnd_backprop(net[r], &one, grad, nnd_param_count(net[r]), &c[r][e]) != NND_OK)
                fig_die("nnd_backprop failed: %s", nnd_net_error(net[r])->message);
            nnd_feedforward(net[r], &x, 1, &a, 1);
            out[r][e] = a;
            if (e == 300) continue;
            /* r = 0: the book's rule; r = 1: the true gradient (grad[1] = dC/db
               = dC/dw since x = 1) */
            d = (r == 0 && cost == NND_CROSS_ENTROPY) ? 1.0 / (1.0 - a) : (double)grad[0];
            p[0] -= (nnd_real)(eta * d);
            p[1] -= (nnd_real)(eta * d);
        }
    sprintf(name, "saturation%d", fig);
    {
        FILE *f = fig_open(
            name,
            "one sigmoid neuron (nnd_net_create, 1 input), input 1, target 0, w = %g, b = %g, "
            "%s cost, eta %g, 300 steps of w -= eta d, b -= eta d\n"
            "book's rule: %s; true gradient: d = dC/dw from nnd_backprop\n"
            "output after 300 steps: book's rule %.4f, true gradient %.4f\n"
            "columns: epoch cost_book_rule cost_true_gradient output_book_rule "
            "output_true_gradient",
            w0, b0, cost == NND_QUADRATIC ? "quadratic" : "cross-entropy", eta,
            cost == NND_QUADRATIC ? "d = (a-y) sigma'(z), the true gradient too"
                                  : "d = 1/(1-a) as in the book's JavaScript (dC/da, not dC/dw)",
            out[0][300], out[1][300]);
        for (e = 0; e <= 300; e++)
            fprintf(f, "%d %.6f %.6f %.6f %.6f\n", e, c[0][e], c[1][e], out[0][e], out[1][e]);
        fig_close(f, name);
    }
    printf("%s: output %.3f -> %.3f (book's rule), %.3f (true gradient)\n", name, out[0][0],
           out[0][300], out[1][300]);
    free(grad);
    nnd_free(net[0]);
    nnd_free(net[1]);
}

/* ------------------------------------------------------ gradients (ch.5) */
static nnd_net *deep_net(int hidden_layers, nnd_rng *rng)
{
    int sizes[8], i, st;
    nnd_net *net;
    sizes[0] = 784;
    for (i = 1; i <= hidden_layers; i++) sizes[i] = 30;
    sizes[hidden_layers + 1] = 10;
    net = nnd_network2(sizes, hidden_layers + 2, NND_CROSS_ENTROPY, rng, &st);
    if (!net) fig_die("nnd_network2: %s", nnd_strerror(st));
    return net;
}

/* mean over the batch of dC/db for every layer: grad is the nnd_params layout */
static void mean_gradient(nnd_net *net, const nnd_data *d, nnd_real *grad)
{
    int i;
    if (nnd_backprop(net, d, grad, nnd_param_count(net), NULL) != NND_OK)
        fig_die("nnd_backprop failed: %s", nnd_net_error(net)->message);
    for (i = 0; i < (int)nnd_param_count(net); i++) grad[i] /= (nnd_real)d->n;
}

static double layer_norm(nnd_net *net, const nnd_real *grad, int l)
{
    nnd_layer_desc L = nnd_layer_info(net, l);
    double s = 0;
    size_t j;
    for (j = 0; j < L.n_biases; j++) s += (double)grad[L.bias_offset + j] * grad[L.bias_offset + j];
    return sqrt(s);
}

static void initial_gradient(const nnd_mnist *m)
{
    nnd_rng rng;
    nnd_net *net;
    nnd_real *grad;
    nnd_data d = nnd_data_slice(&m->training, 0, 1000);
    nnd_layer_desc l1, l2;
    int j;
    FILE *f;
    nnd_rng_seed(&rng, SEED);
    net = deep_net(2, &rng);
    grad = (nnd_real *)malloc(nnd_param_count(net) * sizeof *grad);
    if (!grad) fig_die("out of memory");
    mean_gradient(net, &d, grad);
    l1 = nnd_layer_info(net, 0);
    l2 = nnd_layer_info(net, 1);
    f = fig_open("initial_gradient",
                 "network [784,30,30,10], cross-entropy, default_weight_initializer, seed %d, %s "
                 "build\n"
                 "dC/db of hidden neurons 1-6 of each hidden layer, averaged over the first 1000 "
                 "training images (nnd_backprop)\n"
                 "norms over all 30 neurons: ||delta^1|| = %.5f, ||delta^2|| = %.5f\n"
                 "columns: neuron hidden_layer_1 hidden_layer_2",
                 SEED, build, layer_norm(net, grad, 0), layer_norm(net, grad, 1));
    for (j = 0; j < 6; j++)
        fprintf(f, "%d %.6f %.6f\n", j + 1, (double)grad[l1.bias_offset + (size_t)j],
                (double)grad[l2.bias_offset + (size_t)j]);
    fig_close(f, "initial_gradient");
    free(grad);
    nnd_free(net);
}

static void training_speed(const nnd_mnist *m, int hidden_layers)
{
    char name[64];
    nnd_rng rng;
    nnd_net *net;
    nnd_real *grad;
    nnd_data d = nnd_data_slice(&m->training, 0, 1000);
    static double norm[500][4];
    int e, l, st;
    FILE *f;
    nnd_rng_seed(&rng, SEED);
    net = deep_net(hidden_layers, &rng);
    grad = (nnd_real *)malloc(nnd_param_count(net) * sizeof *grad);
    if (!grad) fig_die("out of memory");
    for (e = 0; e < 500; e++) {
        nnd_sgd_options opt = nnd_sgd_defaults();
        mean_gradient(net, &d, grad);
        for (l = 0; l < hidden_layers; l++) norm[e][l] = layer_norm(net, grad, l);
        opt.epochs = 1;
        opt.mini_batch_size = 1000;
        opt.eta = 0.1;
        opt.lmbda = 5.0;
        opt.rng = &rng;
        st = nnd_sgd(net, &d, &opt, NULL);
        if (st != NND_OK) fig_die("nnd_sgd: %s", nnd_strerror(st));
    }
    sprintf(name, "training_speed_%d_layers", hidden_layers);
    f = fig_open(name,
                 "network [784%s,10], cross-entropy, default_weight_initializer, seed %d, %s build\n"
                 "500 epochs, each one full-batch step on the first 1000 training images "
                 "(nnd_sgd: mini-batch 1000, eta 0.1, lambda 5.0)\n"
                 "||delta^l|| = norm of dC/db^l averaged over the 1000 images, measured before "
                 "each epoch's step\n"
                 "columns: epoch hidden_layer_1 ... hidden_layer_%d",
                 hidden_layers == 2 ? ",30,30" : hidden_layers == 3 ? ",30,30,30" : ",30,30,30,30",
                 SEED, build, hidden_layers);
    for (e = 0; e < 500; e++) {
        fprintf(f, "%d", e);
        for (l = 0; l < hidden_layers; l++) fprintf(f, " %.6e", norm[e][l]);
        fputc('\n', f);
    }
    fig_close(f, name);
    printf("%s: epoch 0:", name);
    for (l = 0; l < hidden_layers; l++) printf(" %.5f", norm[0][l]);
    printf("; epoch 499:");
    for (l = 0; l < hidden_layers; l++) printf(" %.3e", norm[499][l]);
    printf("\n");
    free(grad);
    nnd_free(net);
}

/* ------------------------------------------------------ tanh vs sigmoid */
static void tanh_sigmoid(const nnd_mnist *m)
{
    nnd_history h[2];
    int r, e;
    FILE *f;
    for (r = 0; r < 2; r++) {
        nnd_layer_spec spec[2];
        nnd_rng rng;
        nnd_net *net;
        int st;
        nnd_sgd_options opt = nnd_sgd_defaults();
        nnd_rng_seed(&rng, SEED);
        spec[0] = nnd_dense_layer(100, r ? NND_TANH : NND_SIGMOID, 0.0);
        spec[1] = nnd_dense_layer(10, NND_SOFTMAX, 0.0);
        net = nnd_net_create(784, spec, 2, NND_LOG_LIKELIHOOD, &st);
        if (!net) fig_die("nnd_net_create: %s", nnd_strerror(st));
        nnd_default_weight_initializer(net, &rng);
        opt.epochs = 30;
        opt.mini_batch_size = 10;
        opt.eta = 0.1;
        opt.evaluation_data = &m->validation;
        opt.monitor_evaluation_accuracy = 1;
        opt.rng = &rng;
        opt.on_epoch = fig_print_epoch;
        opt.user = (void *)(r ? "tanh: " : "sigmoid: ");
        st = nnd_sgd(net, &m->training, &opt, &h[r]);
        if (st != NND_OK) fig_die("nnd_sgd: %s", nnd_strerror(st));
        nnd_free(net);
    }
    f = fig_open("tanh_sigmoid",
                 "networks [784, 100 sigmoid | 100 tanh, 10 softmax], log-likelihood, weights "
                 "N(0,1/n_in), biases N(0,1), training = 50000 MNIST images, evaluation = 10000 "
                 "validation images\n"
                 "30 epochs, mini-batch 10, eta 0.1, lambda 0, seed %d (same for both), %s build\n"
                 "columns: epoch sigmoid_accuracy_percent tanh_accuracy_percent",
                 SEED, build);
    for (e = 0; e < h[0].epochs && e < h[1].epochs; e++)
        fprintf(f, "%d %.2f %.2f\n", e, h[0].evaluation_accuracy[e] / 100.0,
                h[1].evaluation_accuracy[e] / 100.0);
    fig_close(f, "tanh_sigmoid");
    nnd_history_free(&h[0]);
    nnd_history_free(&h[1]);
}

int main(int argc, char **argv)
{
    nnd_mnist m;
    int quick = argc < 2, i;
    fig_program = "fig_vanishing";
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "saturation") && strcmp(argv[i], "initial_gradient") &&
            strcmp(argv[i], "training_speed") && strcmp(argv[i], "tanh_sigmoid") &&
            strcmp(argv[i], "all"))
            fig_die("unknown group '%s' (saturation initial_gradient training_speed tanh_sigmoid)",
                    argv[i]);
    if (quick || fig_wants(argc, argv, "saturation")) {
        saturation(1, 0.6, 0.9, NND_QUADRATIC, 0.15);
        saturation(2, 2.0, 2.0, NND_QUADRATIC, 0.15);
        saturation(3, 0.6, 0.9, NND_CROSS_ENTROPY, 0.005);
        saturation(4, 2.0, 2.0, NND_CROSS_ENTROPY, 0.005);
    }
    if (!quick && !fig_wants(argc, argv, "initial_gradient") &&
        !fig_wants(argc, argv, "training_speed") && !fig_wants(argc, argv, "tanh_sigmoid"))
        return 0;
    fig_mnist(&m);
    if (quick || fig_wants(argc, argv, "initial_gradient")) initial_gradient(&m);
    if (quick || fig_wants(argc, argv, "training_speed"))
        for (i = 2; i <= 4; i++) training_speed(&m, i);
    if (!quick && fig_wants(argc, argv, "tanh_sigmoid")) tanh_sigmoid(&m);
    nnd_mnist_free(&m);
    return 0;
}
