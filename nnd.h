/* nnd.h - Neural Networks and Deep Learning, in one C99 header.    v0.3.0
   Michael Nielsen's book, network2.py and network3.py as a small library.
   No dependencies beyond a C99 compiler and libm. Licence at the end of the file.

   ==========================================================================
   USAGE
   ==========================================================================
   In exactly one C (or C++) file:

       #define NND_IMPLEMENTATION
       #include "nnd.h"

   Everywhere else just #include "nnd.h". Link with -lm.

       nnd_rng rng;  nnd_mnist mnist;  nnd_error err;  int status;
       int sizes[] = {784, 30, 10};
       nnd_sgd_options opt = nnd_sgd_defaults();
       nnd_history hist;

       nnd_rng_seed(&rng, 12345);
       if (nnd_mnist_load("data/mnist", &mnist, &err) != NND_OK) {
           fprintf(stderr, "%s\n", err.message);  return 1;
       }
       nnd_net *net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &status);
       nnd_large_weight_initializer(net, &rng);             (optional)
       opt.epochs = 30;  opt.mini_batch_size = 10;  opt.eta = 0.5;  opt.lmbda = 5.0;
       opt.evaluation_data = &mnist.test;  opt.monitor_evaluation_accuracy = 1;
       opt.rng = &rng;
       status = nnd_sgd(net, &mnist.training, &opt, &hist);  (hist.evaluation_accuracy[e] ...)
       nnd_network2_save(net, "net.json", &err);
       nnd_history_free(&hist);  nnd_free(net);  nnd_mnist_free(&mnist);

   A network3-style stack - conv-pool, fully connected, softmax (R6-2):

       nnd_layer_spec layers[3];
       layers[0] = nnd_conv_pool_layer(20, 5, 5, 2, 2, NND_SIGMOID);
       layers[1] = nnd_fully_connected_layer(100, NND_SIGMOID, 0.0);
       layers[2] = nnd_softmax_layer(10, 0.0);
       nnd_net *conv = nnd_net_create(784, layers, 3, NND_LOG_LIKELIHOOD, &status);
       nnd_network3_initializer(conv, &rng, 0);          (parameters: required)
       opt = nnd_network3_options(60, 10, 0.1, &mnist.validation, &mnist.test, 0.0);
       status = nnd_sgd(conv, &mnist.training, &opt, &hist);
       (hist.best_test_accuracy; on failure nnd_net_error(conv)->message)
       nnd_save(conv, "conv.json", &err);   ...   conv = nnd_load("conv.json", &err);
       nnd_classify_bytes(conv, pixels, 784, scores, 10, &cls);   (784 bytes,
                                            white on black; scores sum to 1)

   The library never prints, never exits and keeps no global state. Every
   function that can fail returns a status (NND_OK = 0, negative on error;
   nnd_strerror() says what it means); loaders also fill an nnd_error with
   the line and field at fault. Per-epoch progress reaches the caller through
   an optional callback (nnd_sgd_options.on_epoch).

   Files. A save either replaces the file with the complete new contents or,
   if it fails or is killed, leaves the previous file exactly as it was
   (nnd_save_file). A reader checks the sizes a file declares against the
   numbers it holds before it builds anything: reading a model of L bytes
   allocates at most 20 L bytes plus 256 KB (the text, the numbers, the
   network's parameters and gradients), and an IDX file its own length. A
   network's workspace is allocated when it first runs, sized by its batch.

   ==========================================================================
   CONFIGURATION MACROS (define before including)
   ==========================================================================
   NND_IMPLEMENTATION   emit the implementation (in one translation unit).
   NND_DOUBLE           nnd_real is double instead of float. float is the
                        default: twice the SIMD width, ample for training.
                        Use double for gradient checks and exact reproductions.
   NND_STATIC           make every function static: a private copy per
                        translation unit (NND_DEF becomes `static`).
   NND_DEF              storage class of every function (default `extern`).
   NND_MALLOC(sz) NND_REALLOC(p,sz) NND_FREE(p)
                        the allocator; define all three or none (#error).
   NND_ASSERT(x)        checks of programmer errors (default: assert()).
                        Bad data and bad files never reach NND_ASSERT: they
                        return a status.
   NND_NO_STDIO         leave out the file functions (IDX and JSON loaders
                        and savers that take a path); the in-memory parsers
                        remain.
   NND_NO_POSIX         save files with the C library only (see
                        nnd_save_file); the default on POSIX systems uses
                        open/fsync/rename for exclusive, durable saves, and
                        so the implementation's file includes <fcntl.h>,
                        <sys/stat.h> and <unistd.h> (keep names such as
                        write or open free there).
   NND_REFERENCE        run every forward and backward pass through the
                        plain loops of section 5 (the book's equations, a
                        layer at a time, one thread, no sparse input lists)
                        instead of the kernels: a definition to read beside
                        the book, and the oracle tests/test_reference.c
                        checks the default build against. Results agree
                        with the default build to rounding, not bit for
                        bit; it is many times slower.

   ==========================================================================
   API BY TOPIC (each is declared below with its comment)
   ==========================================================================
   Version      NND_VERSION ("0.3.0"), NND_VERSION_MAJOR / _MINOR / _PATCH
   Status       NND_OK, NND_ERR_* ; nnd_strerror ; nnd_error (what + where);
                nnd_net_error (what a call on a net found at fault)
   Random       nnd_rng_seed, nnd_rng_next, nnd_rng_uniform, nnd_rng_normal,
                nnd_rng_below, nnd_shuffle
   Networks     nnd_network2 (the book's Network(sizes, cost)), nnd_net_create
                (any stack of layers: nnd_dense_layer, network3's
                nnd_fully_connected_layer, nnd_softmax_layer,
                nnd_conv_pool_layer, and nnd_conv_layer / nnd_pool_layer for
                LeNet-style stacks), nnd_free,
                nnd_default_weight_initializer, nnd_large_weight_initializer,
                nnd_network3_initializer,
                nnd_num_layers, nnd_layer_info, nnd_weights, nnd_biases,
                nnd_weight, nnd_set_weight, nnd_params, nnd_param_count,
                nnd_input_size, nnd_output_size, nnd_net_cost, nnd_set_threads,
                nnd_net_error,
                nnd_set_dropout_seed, nnd_dropout_rng, nnd_set_dropout_rng, nnd_set_train_mode
   Functions    nnd_sigmoid, nnd_sigmoid_prime, nnd_activate, nnd_softmax,
                nnd_cost_fn, nnd_cost_delta (QuadraticCost / CrossEntropyCost
                / log-likelihood, with network2's fn and delta semantics)
   Forward      nnd_feedforward (a batch of inputs to a batch of outputs,
                both buffers with their lengths)
   Backprop     nnd_backprop (the gradient of a mini-batch, an nnd_data view:
                BP1-BP4 over the whole batch matrix at once), nnd_batch_cost
   Training     nnd_sgd_defaults, nnd_sgd (network2's SGD with L2 or L1,
                momentum, early stopping and an eta schedule), nnd_history_free,
                nnd_network3_options (network3's SGD: L2 per mini-batch count,
                fixed order, best validation epoch and its test accuracy,
                on-the-fly rotations/shifts),
                nnd_plateau_init / nnd_plateau_update (the no-improvement-in-n
                rule used for early stopping and eta halving)
   Evaluation   nnd_accuracy, nnd_total_cost, nnd_predict; one example:
                nnd_classify, nnd_classify_bytes, nnd_top_k
   Data         nnd_data (a view: inputs as floats or bytes, labels, targets)
                made by nnd_data_bytes, nnd_data_reals, nnd_data_targets;
                nnd_data_slice, nnd_idx_parse, nnd_idx_load, nnd_idx_free,
                nnd_mnist_load, nnd_mnist_free, nnd_expand_mnist (expand_mnist.py),
                nnd_dataset_free, nnd_transform_image
   Ensembles    nnd_ensemble_vote (conv.py's plurality vote), nnd_vote (the
                same vote from saved predictions)
   Files        nnd_network2_save, nnd_network2_load, nnd_network2_parse,
                nnd_network2_write (network2.py's exact JSON format);
                nnd_save, nnd_load, nnd_write, nnd_parse (nnd JSON, version 1,
                any stack of layers; the readers take network2's files too);
                nnd_save_file, nnd_save_check, nnd_load_file (safe saves of
                any bytes); nnd_free_text frees the text nnd_write,
                nnd_network2_write and nnd_load_file return
   ONNX         nnd_onnx_write, nnd_onnx_save (the net for ONNX Runtime and
                other runtimes: IR 7, opset 13)

   ==========================================================================
   CHAPTER MAP (where the book lives in this file)
   ==========================================================================
   Each entry names the implementation's section ("N. Title") that
   computes it; sections are numbered in file order.
   Ch.1  sigmoid neurons (3)-(4), quadratic cost (6) ... "3. Neurons"
         feedforward (22)-(23) ............... "5. Layers", "6. Forward"
         SGD on mini-batches (20)-(21) ....... "9. Training"
   Ch.2  backpropagation BP1 (25), BP2 (26), BP3 (29), BP4 (31), over the
         whole mini-batch matrix (the chapter's last problem): plainly in
         "5. Layers", fast in "7. Backpropagation"
   Ch.3  cross-entropy (57) and its delta (66), softmax (78) and
         log-likelihood (80)-(84), tanh (110), ReLU (112) ... "3. Neurons"
         L2 (87)/(93), L1 (95)/(97), momentum (107)-(108), early
         stopping, eta schedules .............. "9. Training"
         initialisation N(0,1/n_in) ........... "4. Networks"
   Ch.5  unstable gradients: nnd_backprop gives every layer's gradient
                                             ... "7. Backpropagation"
   Ch.6  network3's FullyConnectedLayer/SoftmaxLayer (dense layers with
         dropout), ConvPoolLayer (true convolution, max-pool, bias and
         activation after pooling), backprop through pooling and shared
         weights ............................. "5. Layers", "6. Forward",
                                                 "7. Backpropagation"
         accuracy and predictions ............. "8. Evaluation"
         network3's SGD, best validation epoch  "9. Training"
         expanded data, ensembles ............. "13. network3 extras"
   Data  MNIST in IDX files, the book's 50k/10k/10k split, pixel/256
                                             ... "10. Data"
   Files safe saves .......................... "0. Small utilities"
         one JSON reader and writer ........... "11. JSON"
         network2.py's JSON ................... "12. network2 JSON"
         nnd JSON for any layer stack ......... "14. nnd JSON"
         ONNX models for other runtimes ....... "15. ONNX"
   Under the hood: the random numbers of every initialiser and of dropout
   ("1. Random numbers"), the loops everything runs on ("2. Kernels"), and
   the per-batch thread plan (nnd__plan_batch, "6. Forward") and its pacing
   on a busy machine (nnd__pace_batch, "9. Training").

   ==========================================================================
   CONVENTIONS
   ==========================================================================
   * A batch is a row-major matrix, one example per row: inputs X [m x n_in],
     outputs [m x n_out]. The book's column vectors are our rows, so the
     book's z = w a + b reads Z = A W^T + b here.
   * Weights of a dense layer are stored input-major: W^T, shape
     [n_in x n_out], element (k, j) = w_jk, the weight from input k to
     neuron j (network3.py stores the same (n_in, n_out) shape). Each input's
     outgoing weights are then contiguous, which lets a sparse input (an
     MNIST image is 81% zeros) cost only its nonzero pixels.
     nnd_weight(net, l, j, k) reads w_jk in the book's indexing; the network2
     JSON files hold the book's [n_out x n_in] rows.
   * All parameters live in one contiguous block (nnd_params): for each layer
     its weights, then its biases. Gradients use the same layout.
   * A network keeps a workspace sized for the largest batch it has seen, so
     the training loop never allocates. It is therefore not safe to use the
     same network from two threads at once; separate networks are independent.
   * Accuracies are counts (as network2 returns them), costs are doubles.
   * Every array a call reads or writes comes with its length - an
     nnd_data view's n examples (n x n_in inputs, n labels, n x n_y
     targets) or an explicit count (nnd_feedforward's n_x and n_out,
     nnd_backprop's n_grad, nnd_classify's n_x and n_scores, nnd_vote's k
     and n, nnd_transform_image's width x height, ...) - and the call stays
     inside it. A length that does not fit the network is refused with a
     status, nnd_net_error naming it; the caller's part is that each array
     holds what its length says.

   * Feature maps are stored position-major with channels innermost (HWC):
     value (c, y, x) of an example is at index (y w + x) C + c. A conv
     layer computes a true convolution (the kernel flipped, as
     network3/Theano), so learned filters match network3's pictures:
     nnd_weight / nnd_set_weight(net, l, f, k) address kernel element
     k = (ky fw + kx) C + c of filter f in that (convolution) orientation.
     The raw block (nnd_weights, nnd_params and the gradients) keeps one
     filter per row, [filters x fh fw C], each stored flipped - element k
     at ((fh-1-ky) fw + fw-1-kx) C + c - so that the kernels run it as a
     correlation. The nnd JSON file stores filters in network3's
     (filters, C, fh, fw) order.

   LIMITATIONS: CPU only; stride 1 and no padding for convolutions, max
   pooling only with non-overlapping blocks; dropout only on dense layers'
   inputs; float or double, not both in one build.
*/
#ifndef NND_H
#define NND_H

/* The version: NND_VERSION_MAJOR changes when a program written for an
   older version may no longer compile or behave the same; MINOR adds
   functions; PATCH fixes. While MAJOR is 0, MINOR also marks such changes:
   0.3.0 gave nnd_feedforward the lengths of its buffers and nnd_backprop
   and nnd_batch_cost an nnd_data view and grad's length. Both file formats
   keep their own version. */
#define NND_VERSION_MAJOR 0
#define NND_VERSION_MINOR 3
#define NND_VERSION_PATCH 0
#define NND_VERSION "0.3.0"

#include <stddef.h>
#include <stdint.h>

#ifdef NND_DOUBLE
typedef double nnd_real;
#else
typedef float nnd_real;
#endif

#ifndef NND_DEF
#ifdef NND_STATIC
#if defined(__GNUC__)
#define NND_DEF static __attribute__((unused)) /* a private copy need not use everything */
#else
#define NND_DEF static
#endif
#else
#define NND_DEF extern
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- status */
enum {
    NND_OK = 0,
    NND_ERR_NOMEM = -1,    /* an allocation failed */
    NND_ERR_IO = -2,       /* a file could not be opened, read or written */
    NND_ERR_FORMAT = -3,   /* a file's contents are malformed or truncated */
    NND_ERR_SHAPE = -4,    /* sizes do not match (network vs data vs file) */
    NND_ERR_DIVERGED = -5, /* a cost or parameter became NaN or infinite */
    NND_ERR_ARG = -6       /* an impossible argument or hyper-parameter */
};
/* A one-line English explanation of a status code. */
NND_DEF const char *nnd_strerror(int status);

/* Details of a failure: the status, the line of the file (0 if none) and a
   message naming what is wrong and where, e.g.
   "line 1: weights[1]: 9 rows, sizes[2] says 10". */
typedef struct nnd_error {
    int status;
    int line;
    char message[240];
} nnd_error;

/* ------------------------------------------------------------------ random */
/* An explicit random state (splitmix64 plus a cached Gaussian). The same
   seed gives the same sequence on every platform. */
typedef struct nnd_rng {
    uint64_t state;
    int has_spare;
    double spare;
} nnd_rng;
NND_DEF void nnd_rng_seed(nnd_rng *rng, uint64_t seed);
NND_DEF uint64_t nnd_rng_next(nnd_rng *rng);
NND_DEF double nnd_rng_uniform(nnd_rng *rng);      /* in [0, 1), 53 bits */
NND_DEF double nnd_rng_normal(nnd_rng *rng);       /* N(0, 1), Box-Muller */
NND_DEF uint32_t nnd_rng_below(nnd_rng *rng, uint32_t n); /* uniform 0..n-1 */
NND_DEF void nnd_shuffle(nnd_rng *rng, int *items, int n); /* Fisher-Yates of items[0..n) */

/* ---------------------------------------------- activations, costs (ch.1-3) */
typedef enum nnd_activation {
    NND_SIGMOID = 0, /* sigma(z) = 1/(1+e^-z)          (3)  */
    NND_TANH = 1,    /* tanh(z)                         (110) */
    NND_RELU = 2,    /* max(0, z)                       (112) */
    NND_LINEAR = 3,  /* z                                      */
    NND_SOFTMAX = 4  /* e^z_j / sum_k e^z_k, a whole layer (78) */
} nnd_activation;

typedef enum nnd_cost {
    NND_QUADRATIC = 0,     /* network2 QuadraticCost: 0.5 |a-y|^2      (6) */
    NND_CROSS_ENTROPY = 1, /* network2 CrossEntropyCost               (63) */
    NND_LOG_LIKELIHOOD = 2 /* -ln a_y, for a softmax output layer     (80) */
} nnd_cost;

NND_DEF double nnd_sigmoid(double z);
NND_DEF double nnd_sigmoid_prime(double z); /* sigma(z)(1 - sigma(z)) */
/* a[i] = f(z[i]) for i < n (NND_SOFTMAX: the softmax of the n values). */
NND_DEF void nnd_activate(nnd_activation f, const nnd_real *z, nnd_real *a, int n);
/* f'(z) computed from the output a = f(z) only (sigmoid: a(1-a), tanh:
   1-a^2, ReLU: a>0, linear: 1): backprop needs no stored z. Not for softmax. */
NND_DEF double nnd_activation_prime(nnd_activation f, double a);
/* Numerically stable softmax (subtracts max z first), a[j] for j < n. */
NND_DEF void nnd_softmax(const nnd_real *z, nnd_real *a, int n);
/* network2's cost.fn(a, y) for one example of n outputs: the quadratic
   0.5|a-y|^2, the cross-entropy sum nan_to_num(-y ln a - (1-y) ln(1-a))
   (NaN -> 0, +-inf -> +-DBL_MAX exactly as numpy), or -sum y ln a. */
NND_DEF double nnd_cost_fn(nnd_cost cost, const nnd_real *a, const nnd_real *y, int n);
/* network2's cost.delta: dC/dz of the output layer, delta[j] for j < n,
   given its output a = f(z) and activation f (a, y and delta n values
   each): quadratic (a-y) f'(z) (BP1), cross-entropy a - y (66),
   log-likelihood a - y (84). */
NND_DEF void nnd_cost_delta(nnd_cost cost, nnd_activation f, const nnd_real *a,
                            const nnd_real *y, nnd_real *delta, int n);

/* ---------------------------------------------------------------- networks */
typedef struct nnd_net nnd_net;

typedef enum nnd_layer_kind {
    NND_LAYER_DENSE = 0,    /* network3's FullyConnectedLayer / SoftmaxLayer */
    NND_LAYER_CONV = 1,     /* valid convolution + bias + activation */
    NND_LAYER_POOL = 2,     /* max-pooling, no parameters, no activation */
    NND_LAYER_CONV_POOL = 3 /* network3's ConvPoolLayer: conv, max-pool, then
                               bias and activation after the pooling */
} nnd_layer_kind;

/* A layer description for nnd_net_create. Fill it with one of
   nnd_dense_layer / nnd_fully_connected_layer / nnd_softmax_layer /
   nnd_conv_pool_layer / nnd_conv_layer / nnd_pool_layer.
   Images flow between layers as feature maps of image_c channels of
   image_h x image_w pixels. The first convolutional or pooling layer takes
   its input shape from image_c/h/w when set (network3's image_shape without
   the batch size); when they are 0 a square one-channel image is assumed
   (n_in = 784 -> 1 x 28 x 28). Later layers take the shape of the layer
   below (a dense layer's output is n_out x 1 x 1). */
typedef struct nnd_layer_spec {
    nnd_layer_kind kind;
    nnd_activation activation;
    int n_out;        /* neurons (dense) or filters (conv, conv-pool) */
    double p_dropout; /* dropout probability on the layer's input, [0, 1);
                         dense layers only */
    int filter_h, filter_w;           /* conv, conv-pool: receptive field */
    int pool_h, pool_w;               /* pool, conv-pool: pooling window */
    int image_c, image_h, image_w;    /* input shape (0: inferred) */
} nnd_layer_spec;
NND_DEF nnd_layer_spec nnd_dense_layer(int n_out, nnd_activation f, double p_dropout);
/* network3's FullyConnectedLayer(n_in, n_out, activation_fn, p_dropout)
   (n_in is implied by the layer below). The same as nnd_dense_layer. */
NND_DEF nnd_layer_spec nnd_fully_connected_layer(int n_out, nnd_activation f, double p_dropout);
/* network3's SoftmaxLayer(n_in, n_out, p_dropout): a softmax dense layer;
   the network's cost must be NND_LOG_LIKELIHOOD. */
NND_DEF nnd_layer_spec nnd_softmax_layer(int n_out, double p_dropout);
/* network3's ConvPoolLayer(filter_shape = (filters, c, fh, fw),
   image_shape, poolsize = (ph, pw), activation_fn): for every filter a valid
   true convolution (the kernel flipped, as Theano's conv2d), then max-pooling
   over ph x pw blocks (ignore_border: a partial block at the edge is
   dropped), then bias and activation:
     a[f](y,x) = act( max_{window (y,x)} (w[f] * in)(.) + b[f] ).      */
NND_DEF nnd_layer_spec nnd_conv_pool_layer(int filters, int filter_h, int filter_w, int pool_h,
                                           int pool_w, nnd_activation f);
/* A convolutional layer alone (valid true convolution + bias + activation),
   and a max-pooling layer alone (ignore_border; no parameters), for
   LeNet-5-style stacks. conv(f) then pool computes the same function as a
   conv-pool layer only for monotone activations (sigmoid, tanh, ReLU). */
NND_DEF nnd_layer_spec nnd_conv_layer(int filters, int filter_h, int filter_w, nnd_activation f);
NND_DEF nnd_layer_spec nnd_pool_layer(int pool_h, int pool_w);

/* What nnd_layer_info reports about layer l (0 = first layer of neurons). */
typedef struct nnd_layer_desc {
    nnd_layer_kind kind;
    nnd_activation activation;
    int n_in, n_out;       /* values per example in and out (flattened maps) */
    double p_dropout;
    size_t n_weights, n_biases;
    size_t weight_offset, bias_offset; /* into nnd_params */
    int in_c, in_h, in_w;    /* input maps: what the layer reads; a dense layer
                                reads them flattened (HWC order), a first dense
                                layer n_in x 1 x 1 */
    int out_c, out_h, out_w; /* output maps (dense: n_out x 1 x 1) */
    int filter_h, filter_w, pool_h, pool_w; /* 0 where not applicable */
} nnd_layer_desc;

/* Network(sizes, cost) of network2.py: n_sizes-1 dense sigmoid layers,
   sizes[0] inputs. Parameters come from nnd_default_weight_initializer with
   rng, or are all zero when rng is NULL (an explicit choice: such a net
   runs). Returns NULL and sets *status on
   failure (status may be NULL). */
NND_DEF nnd_net *nnd_network2(const int *sizes, int n_sizes, nnd_cost cost,
                              nnd_rng *rng, int *status);
/* Any stack of layers on n_in inputs, with the cost on the last layer.
   Parameters start at zero and the net is unset: until an initialiser, a
   loader or a write through nnd_params / nnd_weights / nnd_biases /
   nnd_set_weight sets them, every call that runs it (nnd_feedforward,
   nnd_backprop, nnd_sgd, the evaluations) refuses with NND_ERR_ARG and
   says so in nnd_net_error - a net of zeros would learn badly and answer
   class 0 for everything, silently. Cross-entropy needs a
   sigmoid output layer and log-likelihood a softmax one; softmax may only be
   the last layer. */
NND_DEF nnd_net *nnd_net_create(int n_in, const nnd_layer_spec *layers, int n_layers,
                                nnd_cost cost, int *status);
NND_DEF void nnd_free(nnd_net *net);
/* default_weight_initializer: w ~ N(0, 1/n_in), b ~ N(0, 1). */
NND_DEF void nnd_default_weight_initializer(nnd_net *net, nnd_rng *rng);
/* large_weight_initializer (chapter 1): w ~ N(0, 1), b ~ N(0, 1). */
NND_DEF void nnd_large_weight_initializer(nnd_net *net, nnd_rng *rng);
/* network3.py's initialisation, layer by layer:
     conv, conv-pool  w ~ N(0, 1/n_out), n_out = filters fh fw / (ph pw),
                      b ~ N(0, 1)
     dense            w ~ N(0, 1/n_out) (network3's choice), or
                      N(0, 1/n_in) when fan_in is non-zero (the book's
                      later correction); b ~ N(0, 1)
     softmax output   w = 0, b = 0.
   (For conv and dense layers the "in" of default_weight_initializer is the
   fan-in: filter_h filter_w channels for a filter.) */
NND_DEF void nnd_network3_initializer(nnd_net *net, nnd_rng *rng, int fan_in);

NND_DEF int nnd_num_layers(const nnd_net *net);   /* layers of neurons */
NND_DEF int nnd_input_size(const nnd_net *net);
NND_DEF int nnd_output_size(const nnd_net *net);
NND_DEF nnd_cost nnd_net_cost(const nnd_net *net);
NND_DEF nnd_layer_desc nnd_layer_info(const nnd_net *net, int l);
NND_DEF size_t nnd_param_count(const nnd_net *net);
NND_DEF nnd_real *nnd_params(nnd_net *net);        /* the contiguous block */
NND_DEF nnd_real *nnd_weights(nnd_net *net, int l); /* dense: [n_in x n_out], W^T;
                        conv: [filters x (fh fw c)], each filter
                        stored flipped: see CONVENTIONS */
NND_DEF nnd_real *nnd_biases(nnd_net *net, int l);  /* [n_out] */
/* w^l_jk: dense j = neuron, k = input; conv j = filter, k = (ky fw + kx) c_in + c */
NND_DEF double nnd_weight(const nnd_net *net, int l, int j, int k);
NND_DEF void nnd_set_weight(nnd_net *net, int l, int j, int k, double w);
/* How the first layer treats its input batch (mode, an nnd_input_mode):
   NND_INPUT_AUTO (default) uses the sparse kernels when at most half of the
   inputs are nonzero, NND_INPUT_DENSE always the dense kernels,
   NND_INPUT_SPARSE always the sparse ones. The results agree up to rounding. */
typedef enum nnd_input_mode { NND_INPUT_AUTO = 0, NND_INPUT_DENSE = 1, NND_INPUT_SPARSE = 2 } nnd_input_mode;
NND_DEF void nnd_set_sparse_input(nnd_net *net, int mode);
/* Seed of the network's own dropout stream (0 at creation, like network3's
   fixed seed). */
NND_DEF void nnd_set_dropout_seed(nnd_net *net, uint64_t seed);
/* The dropout stream's state, to save with a checkpoint and put back: a
   training run continued from it draws the masks an uninterrupted run
   would have drawn. */
NND_DEF nnd_rng nnd_dropout_rng(const nnd_net *net);
NND_DEF void nnd_set_dropout_rng(nnd_net *net, const nnd_rng *rng);
/* on = 1: nnd_backprop and nnd_batch_cost run the training pass - every
   dropout layer multiplies its input by a fresh 0/1 mask (keep 1-p) drawn
   from the dropout stream; reseed it (nnd_set_dropout_seed) before each call
   to repeat a mask. on = 0 (default): the evaluation pass (input scaled by
   1-p), which nnd_feedforward always uses. */
NND_DEF void nnd_set_train_mode(nnd_net *net, int on);
/* Threads for the kernels when compiled with OpenMP (-fopenmp); 0 (the
   default) means OpenMP's default, normally one per core. A batch uses
   fewer when its work is too small to share (one thread per 2^20
   multiply-adds of its forward pass: the book's [784,30,10] at mini-batch
   10 runs on one). Results are bit for bit the same for every thread count.
   Without OpenMP this does nothing. The count is a ceiling: nnd_sgd times
   its batches and now and then tries the other setting, one thread or the
   full count, and keeps the faster - on a machine whose other cores are
   busy, threads that wait for each other can make a step several times
   slower than one thread. (OpenMP's threads also spin while they wait,
   unless the program starts with OMP_WAIT_POLICY=passive.) */
NND_DEF void nnd_set_threads(nnd_net *net, int threads);
/* What the most recent call on net that failed found at fault, naming the
   value ("training data: label 10 of example 3 is outside 0..9",
   "nnd_sgd: eta is 0, it must be positive"); status NND_OK and an empty
   message while no call has failed. The loaders take an nnd_error of their
   own. */
NND_DEF const nnd_error *nnd_net_error(const nnd_net *net);

/* -------------------------------------------------------------------- data */
/* A view of a data set; it owns nothing. Inputs are either reals x [n x n_in]
   or bytes x8 [n x n_in] read as x8 * x8_scale (MNIST keeps its bytes and
   1/256, so 50,000 images take 39 MB, not 157). Expected outputs are labels
   (class indices, one-hot targets) and/or y [n x n_y] real targets; the
   cost uses y when present, accuracy uses labels when present (else
   argmax y). */
typedef struct nnd_data {
    int n, n_in;
    const nnd_real *x;
    const unsigned char *x8;
    nnd_real x8_scale;
    const int *labels;
    const nnd_real *y;
    int n_y;
} nnd_data;
/* Examples first .. first+count-1 of d (clipped to d's size). */
NND_DEF nnd_data nnd_data_slice(const nnd_data *d, int first, int count);
/* The constructors of a view (fill no field by hand): n examples of n_in
   bytes each, read as byte * scale (MNIST's pixels: scale 1/256.0), or of
   n_in reals; labels (n class indices) may be NULL. nnd_data_targets adds
   real targets y [n x n_y] to a view (the cost then uses them). These
   counts are the lengths of the caller's arrays - x or x8 n x n_in values,
   labels n, y n x n_y - and no call reads beyond them (nor writes beyond
   n entries of an output array it takes with a view, as nnd_predict's).
   A view the library cannot use - a scale that is not positive, a width
   other than the net's, a label outside the net's classes - is refused by
   the call that gets it, with the example named in nnd_net_error. */
NND_DEF nnd_data nnd_data_bytes(const unsigned char *x8, int n, int n_in, double scale,
                                const int *labels);
NND_DEF nnd_data nnd_data_reals(const nnd_real *x, int n, int n_in, const int *labels);
NND_DEF nnd_data nnd_data_targets(nnd_data d, const nnd_real *y, int n_y);

/* An IDX file (the MNIST format): unsigned bytes, 1 to 4 dimensions. */
typedef struct nnd_idx {
    int ndim;
    int dims[4];
    size_t count;        /* product of dims */
    unsigned char *data; /* count bytes, owned */
} nnd_idx;
/* Parse an IDX image from memory (the bytes are copied). Rejects a bad magic
   number, a type other than unsigned byte, zero or absurd dimensions, and a
   length that is not exactly header + product of dimensions. */
NND_DEF int nnd_idx_parse(const void *bytes, size_t len, nnd_idx *out, nnd_error *err);
NND_DEF int nnd_idx_load(const char *path, nnd_idx *out, nnd_error *err);
NND_DEF void nnd_idx_free(nnd_idx *idx);

/* MNIST (or Fashion-MNIST) from the four raw IDX files in dir, split the
   book's way: training = the first 50,000 training images, validation = the
   last 10,000, test = the t10k set; pixels are bytes/256 as in the book's
   mnist.pkl.gz. (With fewer than 20,000 training images there is no
   validation set.) */
typedef struct nnd_mnist {
    nnd_idx train_images, train_labels, test_images, test_labels;
    int *train_y, *test_y;
    nnd_data training, validation, test;
} nnd_mnist;
NND_DEF int nnd_mnist_load(const char *dir, nnd_mnist *out, nnd_error *err);
NND_DEF void nnd_mnist_free(nnd_mnist *m);

/* ------------------------------------------------------- forward, backprop */
/* Outputs for a batch of inputs, in evaluation mode (dropout layers scale
   their input by 1-p, as network3 does): x holds n_x reals, the inputs of
   m = n_x / nnd_input_size(net) examples one after another; out, room for
   n_out reals, receives their outputs, m x nnd_output_size(net) values,
   example by example. n_x that is 0 or not a multiple of the input size,
   or n_out smaller than the m outputs, is refused with NND_ERR_ARG before
   anything is read or written, and nnd_net_error names the lengths
   ("nnd_feedforward: x holds 100 values, not a whole number of the net's
   784-value inputs"). */
NND_DEF int nnd_feedforward(nnd_net *net, const nnd_real *x, size_t n_x, nnd_real *out, size_t n_out);
/* The gradient of sum_x C_x over the mini-batch `batch`, by BP1-BP4 on the
   whole batch matrix. batch is a view (nnd_data_reals or nnd_data_bytes,
   nnd_data_slice of a data set) whose n examples are the mini-batch: the
   same view nnd_sgd and nnd_accuracy take, and nothing beyond its n
   examples is read. Targets are its y (nnd_data_targets), or, when it has
   none, one-hot vectors of its labels. grad, room for n_grad values (at
   least nnd_param_count; nnd_params layout), is overwritten. No
   regularisation term; dropout as nnd_set_train_mode says. If cost is not
   NULL it receives sum_x C_x. Refused before anything is read or written:
   a view the net cannot use, as nnd_sgd refuses one (NND_ERR_SHAPE for
   inputs per example other than nnd_input_size, targets of other than
   nnd_output_size values, or a label outside the classes, the example
   named; NND_ERR_ARG for no inputs or a byte scale that is not
   positive); no examples, or neither labels nor targets; n_grad smaller
   than nnd_param_count (NND_ERR_ARG); nnd_net_error says which. */
NND_DEF int nnd_backprop(nnd_net *net, const nnd_data *batch, nnd_real *grad, size_t n_grad, double *cost);
/* sum_x C_x over the mini-batch (no regularisation): what nnd_backprop
   differentiates, from the same view, with the same checks. */
NND_DEF int nnd_batch_cost(nnd_net *net, const nnd_data *batch, double *cost);

/* -------------------------------------------------------------- evaluation */
/* Number of examples whose largest output is at the label (network2 accuracy). */
NND_DEF int nnd_accuracy(nnd_net *net, const nnd_data *data, int *correct);
/* network2's total_cost: sum_x C_x / n + 0.5 (lmbda/n) sum w^2, n = data->n
   (with L1: + (lmbda/n) sum |w|). */
NND_DEF int nnd_total_cost(nnd_net *net, const nnd_data *data, double lmbda, int l1,
                           double *cost);
/* predicted[i] = argmax of the output for example i of data; predicted has
   room for data->n ints (the view's n is its length). */
NND_DEF int nnd_predict(nnd_net *net, const nnd_data *data, int *predicted);
/* One example: x holds n_x reals, which must be nnd_input_size(net) (else
   NND_ERR_SHAPE: nothing is read). *cls (may be NULL) receives the class,
   the largest output (the first of equal ones); scores (room for n_scores
   values, may be NULL) the output layer's activations - for a softmax
   output layer the probabilities of the classes, which sum to 1; for a
   sigmoid one each neuron's own value in (0, 1), which need not sum to 1
   (the book's nets: how strongly each digit's neuron fires). n_scores
   smaller than nnd_output_size(net) gives NND_ERR_SHAPE. */
NND_DEF int nnd_classify(nnd_net *net, const nnd_real *x, int n_x, nnd_real *scores, int n_scores,
                         int *cls);
/* The same from n_px bytes 0..255 read as byte/256, as nnd_mnist_load
   reads MNIST (white digit on black). */
NND_DEF int nnd_classify_bytes(nnd_net *net, const unsigned char *px, int n_px, nnd_real *scores,
                               int n_scores, int *cls);
/* The k largest of n scores, best first (equal scores: the lower class
   first): classes[0..k) (k is clipped to n). scores holds n values and
   classes has room for k ints (min(k, n) are written). Returns the count
   written. */
NND_DEF int nnd_top_k(const nnd_real *scores, int n, int k, int *classes);

/* ---------------------------------------------------------------- training */
/* The no-improvement-in-n rule (chapter 3). Feed it one score per epoch;
   an epoch counts as an improvement only when it is strictly better than the
   best so far. After `patience` epochs without one it fires, and the count
   restarts. Firings 1 .. max_halvings-1 answer NND_HALVE_ETA; firing
   max_halvings (the first one when max_halvings is 0) answers NND_STOP.
   max_halvings = 0 is plain early stopping; max_halvings = 7 is the book's
   "halve eta until it is eta0/128": the seventh halving, the one that would
   reach eta0/128, ends training instead, so no epoch runs at eta0/128. */
enum { NND_CONTINUE = 0, NND_HALVE_ETA = 1, NND_STOP = 2 };
typedef struct nnd_plateau {
    int patience, max_halvings;
    int epochs, since_best, halvings, best_epoch;
    double best;
} nnd_plateau;
NND_DEF void nnd_plateau_init(nnd_plateau *p, int patience, int max_halvings);
NND_DEF int nnd_plateau_update(nnd_plateau *p, double score);

/* What the per-epoch callback sees. Unmonitored quantities are -1 (accuracies)
   or NaN (costs). */
typedef struct nnd_epoch {
    int epoch;            /* 0-based */
    double eta;           /* the learning rate used in this epoch */
    double training_cost, evaluation_cost;
    int training_accuracy, evaluation_accuracy;
    int n_training, n_evaluation;
    /* network3 reporting (opt.test_data): best = 1 when this epoch's
       evaluation accuracy is the best so far (ties count, as network3);
       test_accuracy is then the accuracy on test_data, else -1. */
    int best, test_accuracy, n_test;
    /* Blow-up that stays finite (NaN or infinity stops training with
       NND_ERR_DIVERGED instead): max_abs_param is the largest |w| or |b|
       after the epoch; diverging = 1 when it exceeds NND_DIVERGING_PARAM,
       or when the monitored training cost has grown more than
       NND_DIVERGING_COST_RISE times since the first epoch. Training goes
       on (a net that learns nothing is a result too); the callback may
       warn, or stop by returning non-zero. */
    double max_abs_param;
    int diverging;
} nnd_epoch;
#define NND_DIVERGING_PARAM 1.0e4
#define NND_DIVERGING_COST_RISE 1.0e3

typedef enum nnd_regularization { NND_L2 = 0, NND_L1 = 1 } nnd_regularization;

typedef struct nnd_sgd_options {
    int epochs;
    int mini_batch_size;
    double eta, lmbda;
    nnd_regularization regularization; /* L2 (93) or L1 (97); biases never */
    double momentum;                    /* mu of (107); 0 = plain SGD */
    const nnd_data *evaluation_data;    /* validation or test, may be NULL */
    int monitor_evaluation_cost, monitor_evaluation_accuracy;
    int monitor_training_cost, monitor_training_accuracy;
    nnd_rng *rng; /* shuffles the training order every epoch; NULL: fixed order */
    /* Early stopping / eta halving on evaluation accuracy (needs
       evaluation_data): patience 0 = off. See nnd_plateau. */
    int early_stopping_patience, eta_halvings;
    /* Optional eta for each epoch; overrides eta (halving still applies). */
    double (*eta_schedule)(int epoch, double eta0, void *user);
    /* Called after each epoch; return non-zero to stop training. */
    int (*on_epoch)(const nnd_epoch *e, void *user);
    /* Called after each mini-batch's update, on the calling thread (NULL:
       never): epoch 0-based, done = this epoch's examples trained so far
       (n after the last batch), n = the training set's size. For progress
       reports; it may not change the net. */
    void (*on_batch)(int epoch, int done, int n, void *user);
    void *user;
    /* network3.py's regime when non-zero: the L2 term is
       0.5 lmbda sum w^2 / num_training_batches (num = n / mini_batch_size,
       rounded down, at least 1) instead of network2's / n, so
       w <- (1 - eta lmbda / num_batches) w - (eta/m) sum grad_w. */
    int network3;
    /* With evaluation_data monitored: the accuracy on test_data at every
       epoch whose evaluation accuracy is >= the best so far (network3's
       "corresponding test accuracy"). May be NULL. */
    const nnd_data *test_data;
    /* On-the-fly augmentation of the training images (needs rng; images
       are the first layer's input maps, one channel): every example of every
       mini-batch is rotated by a uniform angle in [-rotate, rotate] degrees
       and shifted by uniform offsets in [-shift, shift] pixels
       (nnd_transform_image). 0, 0 = off. */
    double augment_rotate, augment_shift;
} nnd_sgd_options;
/* The defaults: 30 epochs, mini-batch 10, eta 0.5, lmbda 0 (L2), no
   momentum, no monitors, no evaluation data, rng NULL (NULL keeps the
   training order fixed - network2.py shuffles every epoch, so set rng to
   train as it does), no early stopping, no schedule, no callback,
   network2's regime, no augmentation. */
NND_DEF nnd_sgd_options nnd_sgd_defaults(void);
#define NND_HAS_ON_BATCH 1 /* nnd_sgd_options.on_batch exists (version 0.2) */
/* network3's SGD(training_data, epochs, mini_batch_size, eta,
   validation_data, test_data, lmbda) as options for nnd_sgd: network3 = 1,
   evaluation_data = validation (accuracy monitored), test_data = test, no
   shuffling (set .rng to shuffle). Validation and test accuracies count
   every example, also when the set size is not a multiple of the batch. */
NND_DEF nnd_sgd_options nnd_network3_options(int epochs, int mini_batch_size, double eta,
                                             const nnd_data *validation, const nnd_data *test,
                                             double lmbda);

/* The four monitors of network2's SGD, one entry per completed epoch (NULL
   when not monitored), plus the eta used in each epoch. */
typedef struct nnd_history {
    int epochs;
    double *evaluation_cost;
    int *evaluation_accuracy;
    double *training_cost;
    int *training_accuracy;
    double *eta;
    int stopped_early; /* 1 when early stopping or the callback ended it */
    /* network3 summary (evaluation accuracy monitored): the last epoch with
       the best evaluation accuracy (-1 if none), that accuracy, the
       mini-batch iteration at its end (network3's "iteration"), and the
       test_data accuracy then (-1 without test_data); test_accuracy[e] per
       epoch (-1 where not evaluated; NULL without test_data). */
    int best_epoch, best_evaluation_accuracy, best_iteration, best_test_accuracy;
    int *test_accuracy;
    int diverging_epoch; /* the first epoch with nnd_epoch.diverging, -1 if none */
} nnd_history;
/* network2's SGD: every epoch shuffles the training order (when opt->rng),
   takes mini-batches [k, k+m) (the last may be short) and applies, for each,
   w <- (1 - eta lmbda/n) w - (eta/m) sum grad_w   (93), n = training->n,
   b <- b - (eta/m) sum grad_b,
   or with L1  w <- w - (eta lmbda/n) sgn(w) - (eta/m) sum grad_w   (97),
   or with momentum  v <- mu v - eta grad_C ; w <- w + v   (107)-(108).
   Then the monitors in network2's order. If a cost or a parameter becomes NaN
   or infinite, training stops with NND_ERR_DIVERGED and the parameters are
   put back as they were at the start of that epoch; a blow-up that stays
   finite is reported (nnd_epoch.diverging, hist->diverging_epoch) and
   training goes on. hist may be NULL;
   otherwise free it with nnd_history_free (also after an error). */
NND_DEF int nnd_sgd(nnd_net *net, const nnd_data *training, const nnd_sgd_options *opt,
                    nnd_history *hist);
NND_DEF void nnd_history_free(nnd_history *hist);

/* ---------------------------------------------------- data augmentation */
/* A data set that owns its storage (from nnd_expand_mnist). data views it. */
typedef struct nnd_dataset {
    nnd_data data;
    unsigned char *x8;
    nnd_real *x;
    int *labels;
    nnd_real *y;
} nnd_dataset;
NND_DEF void nnd_dataset_free(nnd_dataset *d);
/* expand_mnist.py: every example of src (one-channel width x height images,
   with labels) followed by its four one-pixel shifts - down, up, right,
   left - with the vacated line filled with zeros: 5 src->n examples, bytes
   kept as bytes. expand_mnist.py then shuffles; so does this when rng is not
   NULL (Fisher-Yates with rng: deterministic for a seed). width x height
   must be src->n_in (else NND_ERR_ARG): src is read as its view says. */
NND_DEF int nnd_expand_mnist(const nnd_data *src, int width, int height, nnd_rng *rng,
                             nnd_dataset *out);
/* out = in rotated by angle_deg (counter-clockwise) about the image centre
   and shifted by (dx, dy) pixels (right, down), by bilinear interpolation
   with zero outside: out(x,y) = in(R^-1 ((x,y) - c - (dx,dy)) + c).
   The identity transform copies exactly; integer shifts with no rotation
   move pixels exactly (as expand_mnist with zero fill). in != out; each
   holds width x height values (its length), row by row. */
NND_DEF void nnd_transform_image(const nnd_real *in, nnd_real *out, int width, int height,
                                 double angle_deg, double dx, double dy);

/* ---------------------------------------------------------------- ensembles */
/* Plurality vote of k networks on data (conv.py's ensemble): predicted[i]
   is the class most of the networks choose for example i; a tie goes to the
   tied class chosen by the earliest network in nets (Counter.most_common
   order). nets holds k networks; predicted (room for data->n ints, may be
   NULL) receives the voted classes; *correct (may be NULL) counts agreements
   with the labels; wrong (capacity data->n, may be NULL) receives the
   indices of the misclassified examples in order, *n_wrong their number.
   data's n is the length of both. */
NND_DEF int nnd_ensemble_vote(nnd_net *const *nets, int k, const nnd_data *data, int *predicted,
                              int *correct, int *wrong, int *n_wrong);
/* The same vote from predictions made earlier (say, by nets trained in
   separate runs): votes holds k rows of n classes, row j the predictions of
   network j, each in [0, classes) (else NND_ERR_SHAPE, nothing written);
   labels, predicted and wrong hold n ints each (the lengths k and n give).
   labels may be NULL when correct, wrong and n_wrong are. */
NND_DEF int nnd_vote(const int *votes, int k, int n, int classes, const int *labels, int *predicted,
                     int *correct, int *wrong, int *n_wrong);

/* -------------------------------------------------------- nnd JSON (any net) */
/* nnd's own format for any stack of layers:
   {"format": "nnd", "version": 1, "input": [c, h, w], "cost": "...",
    "layers": [{"type": "conv_pool", "activation": "relu", "filters": 20,
                "filter": [5, 5], "pool": [2, 2], "p_dropout": 0.0,
                "weights": [...], "biases": [...]}, ...]}
   type is "dense", "conv", "pool" or "conv_pool"; activation "sigmoid",
   "tanh", "relu", "linear" or "softmax"; cost "quadratic", "cross_entropy" or
   "log_likelihood". Weights are flat lists in network3's layouts: a dense
   layer's (n_in, n_out) matrix row by row; a conv layer's filters
   (filters, c, fh, fw) for a true convolution, as network3 stores them.
   Numbers read back to the identical nnd_real, so predictions after a load
   are bit for bit those before. The readers validate everything and report
   line and field; nnd_save writes through nnd_save_file. nnd_parse and
   nnd_load read network2.py's files too (the content tells them apart: a
   top-level "sizes" before any "format" is network2's), so one call loads
   either kind of model. */
NND_DEF char *nnd_write(const nnd_net *net, size_t *len, nnd_error *err);
NND_DEF nnd_net *nnd_parse(const char *text, size_t len, nnd_error *err);
NND_DEF int nnd_save(const nnd_net *net, const char *path, nnd_error *err);
NND_DEF nnd_net *nnd_load(const char *path, nnd_error *err);

/* -------------------------------------------------------- network2 JSON */
/* network2.py's save format:
   {"sizes": [...], "weights": [[[row]...]...], "biases": [[[b]...]...],
    "cost": "CrossEntropyCost"}  (weights[l] has sizes[l+1] rows of sizes[l]
   numbers; biases[l] has sizes[l+1] one-element lists). Numbers are written
   with the fewest digits that read back to the identical nnd_real.
   Only networks of dense sigmoid layers with quadratic or cross-entropy cost
   can be written. nnd_network2_write returns the text (free it with
   nnd_free_text, as nnd_write's); nnd_network2_save writes through
   nnd_save_file. */
NND_DEF char *nnd_network2_write(const nnd_net *net, size_t *len, nnd_error *err);
NND_DEF void nnd_free_text(char *text);
NND_DEF int nnd_network2_save(const nnd_net *net, const char *path, nnd_error *err);
/* Parse network2 JSON (keys in any order, unknown keys ignored); everything
   is validated (syntax, shapes against sizes, finite numbers, cost name) and
   a bad file gives NULL with err naming the line and field - an nnd model
   file, too, is named as such. */
NND_DEF nnd_net *nnd_network2_parse(const char *text, size_t len, nnd_error *err);
NND_DEF nnd_net *nnd_network2_load(const char *path, nnd_error *err);

/* ------------------------------------------------------------------ ONNX */
/* An ONNX model of the network, for the runtimes the field uses (ONNX
   Runtime on CPUs, GPUs, phones and in browsers; any ONNX reader). The
   model computes what nnd_feedforward computes, in evaluation mode:
     input   "input", float [N, n_in], N a dynamic batch dimension; each row
             as nnd_feedforward reads it (MNIST: pixel/256, the image row
             by row; maps position-major, channels innermost);
     output  "output", float [N, n_out]: the last layer's activations (a
             softmax layer's class probabilities; maps in nnd's HWC order).
   Dense layers are Gemm, with alpha = 1-p on a layer with dropout
   (network3's evaluation pass, z = (1-p) a w + b); conv layers Conv with
   the kernels flipped (ONNX's Conv is a cross-correlation, nnd's a true
   convolution); pooling MaxPool over non-overlapping blocks; a conv-pool
   layer Conv, MaxPool, then the bias Add and the activation, as nnd
   computes it; activations Sigmoid, Tanh, Relu, Softmax. Where rows meet
   maps the graph has Reshape, Transpose and Flatten nodes, so that ONNX's
   NCHW maps hold the values of nnd's HWC maps and a dense layer reads them
   in nnd's order. ONNX IR version 7 with the default domain's opset 13;
   float tensors (an NND_DOUBLE build's parameters are rounded to float).
   The producer is "nnd" at NND_VERSION; the doc string and the metadata
   entry "description" describe the net layer by layer.
   nnd_onnx_write returns the model's bytes, *len of them; free them with
   nnd_free_text((char *)model). NULL, and err says why: NND_ERR_ARG for a
   net whose parameters were never set or one too large for one protobuf
   file (2 GB; the layer is named), NND_ERR_DIVERGED for NaN or infinite
   parameters, NND_ERR_NOMEM. nnd_onnx_save writes through nnd_save_file
   (the whole file or, on failure, the previous one untouched); it is left
   out under NND_NO_STDIO. */
NND_DEF unsigned char *nnd_onnx_write(const nnd_net *net, size_t *len, nnd_error *err);
NND_DEF int nnd_onnx_save(const nnd_net *net, const char *path, nnd_error *err);

/* ------------------------------------------------------------------ files */
/* Save len bytes to path so that path holds, at every moment, either its
   previous contents or all of the new ones: a save that fails for any
   reason, or is killed, leaves the previous file exactly as it was. The
   bytes go to a new file beside path (path.tmp-PID-N, created exclusively,
   with path's permissions or 0644), which is synced to the disk, renamed
   over path, and the folder synced; on failure only that temporary file is
   removed and err says which step failed (a killed save may leave its
   temporary file behind, never a damaged path). A path that is not a regular
   file (a directory, a symbolic link, a device) or is write-protected is
   refused. Every save of the library goes through it; use it for your own
   files too. (The exclusive creation and the syncs need POSIX; elsewhere,
   or with NND_NO_POSIX, the C library's files keep the same order of
   steps.) */
NND_DEF int nnd_save_file(const char *path, const void *data, size_t len, nnd_error *err);
/* Whether nnd_save_file(path, ...) would be allowed to start: path is not
   refused (see above), and its folder exists and may be written. A program
   calls it before a long run, so that the run does not end in a path it
   cannot save to. (Without POSIX it can only check the path's length.) */
NND_DEF int nnd_save_check(const char *path, nnd_error *err);
/* The whole of a regular file, NUL-terminated; *len its length. Free it with
   nnd_free_text. Allocates the file's length plus one byte; a directory or
   a device is refused. */
NND_DEF char *nnd_load_file(const char *path, size_t *len, nnd_error *err);

#ifdef __cplusplus
}
#endif
#endif /* NND_H */

/* =========================================================================
   IMPLEMENTATION
   ========================================================================= */
#ifdef NND_IMPLEMENTATION
#ifndef NND_IMPLEMENTATION_DONE
#define NND_IMPLEMENTATION_DONE

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#ifndef NND_NO_STDIO
#include <stdio.h>
#endif
#include <stdarg.h>
#include <stdio.h> /* vsnprintf for error messages */
#include <stdlib.h>
#include <locale.h>

#if defined(NND_MALLOC) && defined(NND_REALLOC) && defined(NND_FREE)
/* all three supplied */
#elif !defined(NND_MALLOC) && !defined(NND_REALLOC) && !defined(NND_FREE)
#define NND_MALLOC(sz) malloc(sz)
#define NND_REALLOC(p, sz) realloc(p, sz)
#define NND_FREE(p) free(p)
#else
#error "nnd.h: define all of NND_MALLOC, NND_REALLOC and NND_FREE, or none of them"
#endif

#ifndef NND_ASSERT
#include <assert.h>
#define NND_ASSERT(x) assert(x)
#endif

#if defined(__cplusplus)
#define NND__RESTRICT __restrict
#else
#define NND__RESTRICT restrict
#endif

/* A kernel's helper that must be inlined for its loops to unroll, and
   NND__UNROLL before a loop over a register block's rows or vectors (a
   count the inlining makes constant, at most 5) that must unroll for the
   block's accumulators to stay in registers: the compiler's own size
   limits leave some instances rolled, their accumulators on the stack. */
#if defined(__GNUC__)
#define NND__INLINE inline __attribute__((always_inline))
#define NND__UNROLL _Pragma("GCC unroll 5")
#else
#define NND__INLINE inline
#define NND__UNROLL
#endif

#ifdef NND_DOUBLE
#define NND__REAL_MAX DBL_MAX
#define NND__EXP exp
#define NND__TANH tanh
#else
#define NND__REAL_MAX FLT_MAX
#define NND__EXP expf
#define NND__TANH tanhf
#endif

/* 1 when the passes take the reference path (section 5) */
#ifdef NND_REFERENCE
#define NND__REFERENCE 1
#else
#define NND__REFERENCE 0
#endif

/* -------------------------------------------------------------------------
   0. Small utilities: status text, errors, memory, safe file saves
   ------------------------------------------------------------------------- */
NND_DEF const char *nnd_strerror(int status)
{
    switch (status) {
    case NND_OK: return "success";
    case NND_ERR_NOMEM: return "out of memory";
    case NND_ERR_IO: return "file could not be opened, read or written";
    case NND_ERR_FORMAT: return "malformed or truncated file";
    case NND_ERR_SHAPE: return "sizes do not match";
    case NND_ERR_DIVERGED: return "training diverged: a cost or parameter became NaN or infinite";
    case NND_ERR_ARG: return "invalid argument or hyper-parameter";
    default: return "unknown status";
    }
}

/* A message stays one line of printable text, whatever a file or a path
   held: control characters (a decoded \n, \r, \b ...) become '?'. */
static void nnd__one_line(char *s)
{
    for (; *s; ++s)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

/* Record a failure in err (if any) and return its status. */
static int nnd__fail(nnd_error *err, int status, int line, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        int n = 0;
        err->status = status;
        err->line = line;
        if (line > 0) n = snprintf(err->message, sizeof err->message, "line %d: ", line);
        if (n < 0) n = 0;
        va_start(ap, fmt);
        vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
        va_end(ap);
        nnd__one_line(err->message);
    }
    return status;
}

static void nnd__ok(nnd_error *err)
{
    if (err) {
        err->status = NND_OK;
        err->line = 0;
        err->message[0] = '\0';
    }
}

static void *nnd__alloc(size_t n, size_t size)
{
    size_t bytes;
    if (size != 0 && n > (size_t)-1 / size) return NULL;
    bytes = n * size;
    return NND_MALLOC(bytes > 0 ? bytes : 1);
}

static void *nnd__zalloc(size_t n, size_t size)
{
    void *p = nnd__alloc(n, size);
    if (p) memset(p, 0, n * size);
    return p;
}

static void nnd__set_status(int *status, int value)
{
    if (status) *status = value;
}

#ifndef NND_NO_STDIO
/* Files. A save never leaves a half-written or a missing model: the bytes go
   to a new temporary file in the target's folder, which is flushed to the
   disk and only then renamed over the target (rename replaces a file in one
   step), and the folder is synced so that the rename itself is durable. Any
   failure before the rename removes the temporary file and nothing else.
   On POSIX systems the temporary file is created exclusively (O_EXCL: no
   planted file or link is followed, and two saves to one path never share
   one), with the target's permissions; a target that is not a regular file,
   or is write-protected, is refused. Elsewhere the same order of steps is
   kept with the C library's files (not exclusive, no sync). */
#if !defined(NND_NO_POSIX) && (defined(__unix__) || defined(__unix) || defined(__APPLE__))
#define NND__POSIX 1
#endif

enum { NND__PATH_MAX = 4096 };

#ifdef NND__POSIX
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef __cplusplus
extern "C" {
#endif
/* POSIX calls that a strict -std=c99 build's headers may not declare */
int lstat(const char *path, struct stat *st);
int fchmod(int fd, mode_t mode);
int fsync(int fd);
#ifdef __cplusplus
}
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#define NND__ERRNO_TEXT strerror(errno)
#else
#define NND__ERRNO_TEXT "the C library gives no reason"
#endif

#ifdef NND__POSIX
/* The folder of path (without its last '/'), "." when there is none. */
static void nnd__folder(const char *path, char *out)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (!slash) memcpy(out, ".", 2);
    else if (n == 0) memcpy(out, "/", 2);
    else {
        memcpy(out, path, n);
        out[n] = '\0';
    }
}

/* The target's permissions (0644 for a new file); a non-regular or a
   write-protected target is refused. */
static int nnd__save_target(const char *path, mode_t *mode, int *exists, nnd_error *err)
{
    struct stat st;
    *exists = 0;
    *mode = 0644;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return NND_OK;
        return nnd__fail(err, NND_ERR_IO, 0, "%s: cannot examine the target: %s; nothing written",
                         path, NND__ERRNO_TEXT);
    }
    if (!S_ISREG(st.st_mode))
        return nnd__fail(err, NND_ERR_IO, 0,
                         "%s: not a regular file (a directory, link, device or pipe): not replaced",
                         path);
    if (!(st.st_mode & S_IWUSR) || access(path, W_OK) != 0)
        return nnd__fail(err, NND_ERR_IO, 0, "%s: the file is write-protected: not replaced", path);
    *exists = 1;
    *mode = st.st_mode & 07777;
    return NND_OK;
}

/* Create a temporary file beside path exclusively: path.tmp-PID-N. */
static int nnd__save_create(const char *path, mode_t mode, char *tmp, int *fd, nnd_error *err)
{
    unsigned long salt = (unsigned long)(size_t)tmp ^ ((unsigned long)getpid() << 16);
    int tries;
    for (tries = 0; tries < 100; ++tries) {
        salt = salt * 6364136223846793005ul + 1442695040888963407ul;
        snprintf(tmp, NND__PATH_MAX + 32, "%s.tmp-%ld-%04lx", path, (long)getpid(),
                 (salt >> 40) & 0xffff);
        *fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (*fd >= 0) {
            fcntl(*fd, F_SETFD, FD_CLOEXEC); /* O_CLOEXEC may be 0 in a strict C99 build */
            return NND_OK;
        }
        if (errno != EEXIST) break;
    }
    if (errno == ENOENT) {
        char dir[NND__PATH_MAX];
        nnd__folder(path, dir);
        return nnd__fail(err, NND_ERR_IO, 0, "%s: the folder %s does not exist; nothing written",
                         path, dir);
    }
    return nnd__fail(err, NND_ERR_IO, 0, "%s: cannot create a temporary file beside it: %s; %s",
                     path, NND__ERRNO_TEXT, "nothing written");
}

/* Write all len bytes to fd (retrying short writes), sync them, give them
   the target's permissions and close fd; on failure the step that failed
   and its errno. */
static const char *nnd__save_write(int fd, const char *data, size_t len, int exists, mode_t mode,
                                   int *why)
{
    const char *step = NULL;
    while (len > 0 && !step) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            step = "writing";
            *why = w == 0 ? EIO : errno;
        } else {
            data += w;
            len -= (size_t)w;
        }
    }
    if (!step && fsync(fd) != 0) {
        step = "syncing";
        *why = errno;
    }
    if (!step && exists && fchmod(fd, mode) != 0) {
        step = "setting the permissions of";
        *why = errno;
    }
    if (close(fd) != 0 && !step) {
        step = "closing";
        *why = errno;
    }
    return step;
}

/* Sync path's folder, so that the rename survives a crash; file systems
   that cannot sync a folder say EINVAL (nothing to do there). */
static int nnd__sync_folder(const char *path)
{
    char dir[NND__PATH_MAX];
    int fd, bad;
    nnd__folder(path, dir);
    fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    bad = fsync(fd) != 0 && errno != EINVAL && errno != EROFS && errno != EBADF;
    close(fd);
    return bad ? -1 : 0;
}
#endif /* NND__POSIX */

NND_DEF int nnd_save_check(const char *path, nnd_error *err)
{
#ifdef NND__POSIX
    char dir[NND__PATH_MAX];
    mode_t mode;
    int exists, st;
#endif
    if (!path || !path[0] || strlen(path) >= NND__PATH_MAX)
        return nnd__fail(err, NND_ERR_ARG, 0, "nnd_save_check: no path, or a path too long");
#ifdef NND__POSIX
    if ((st = nnd__save_target(path, &mode, &exists, err)) != NND_OK) return st;
    nnd__folder(path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return nnd__fail(err, NND_ERR_IO, 0, errno == ENOENT || errno == ENOTDIR
                                                 ? "%s: the folder %s does not exist"
                                                 : "%s: the folder %s cannot be written",
                         path, dir);
#endif
    nnd__ok(err);
    return NND_OK;
}

NND_DEF int nnd_save_file(const char *path, const void *data, size_t len, nnd_error *err)
{
    char tmp[NND__PATH_MAX + 32];
    const char *step = NULL;
#ifdef NND__POSIX
    mode_t mode;
    int fd, exists, st, why = 0;
#else
    FILE *f;
    int tries;
#endif
    if (!path || !path[0] || strlen(path) >= NND__PATH_MAX || (!data && len))
        return nnd__fail(err, NND_ERR_ARG, 0, "nnd_save_file: no path, a path too long, or no data");
#ifdef NND__POSIX
    if ((st = nnd__save_target(path, &mode, &exists, err)) != NND_OK ||
        (st = nnd__save_create(path, mode, tmp, &fd, err)) != NND_OK)
        return st;
    step = nnd__save_write(fd, (const char *)data, len, exists, mode, &why);
    if (!step && rename(tmp, path) != 0) {
        step = "renaming";
        why = errno;
    }
    if (step) {
        unlink(tmp);
        return nnd__fail(err, NND_ERR_IO, 0, "%s: %s the temporary file failed: %s; %s", path, step,
                         strerror(why), exists ? "the previous file is unchanged" : "nothing written");
    }
    if (nnd__sync_folder(path) != 0)
        return nnd__fail(err, NND_ERR_IO, 0, "%s: saved, but syncing its folder failed: %s", path,
                         NND__ERRNO_TEXT);
#else
    for (tries = 0; tries < 100; ++tries) { /* a name nobody uses */
        sprintf(tmp, "%s.tmp-%d", path, tries);
        if (!(f = fopen(tmp, "rb"))) break;
        fclose(f);
    }
    if (!(f = fopen(tmp, "wb")))
        return nnd__fail(err, NND_ERR_IO, 0, "%s: cannot create a temporary file beside it; %s",
                         path, "nothing written");
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0) step = "writing";
    if (fclose(f) != 0 && !step) step = "closing";
    if (!step && rename(tmp, path) != 0) step = "renaming";
    if (step) {
        remove(tmp);
        return nnd__fail(err, NND_ERR_IO, 0, "%s: %s the temporary file failed; %s", path, step,
                         "the previous file, if any, is unchanged");
    }
#endif
    nnd__ok(err);
    return NND_OK;
}

/* The tail of every saver: bytes a writer made (NULL: it failed, and err -
   or own when the caller passed none - says why) saved to path and freed. */
static int nnd__save_made(const char *path, void *bytes, size_t len, nnd_error *err, const nnd_error *own)
{
    int st;
    if (!bytes) return (err ? err : own)->status;
    st = nnd_save_file(path, bytes, len, err);
    NND_FREE(bytes);
    return st;
}

NND_DEF char *nnd_load_file(const char *path, size_t *len, nnd_error *err)
{
    FILE *f;
    long size;
    char *text;
#ifdef NND__POSIX
    struct stat st;
#endif
    if (!path) {
        nnd__fail(err, NND_ERR_ARG, 0, "NULL path");
        return NULL;
    }
#ifdef NND__POSIX
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        nnd__fail(err, NND_ERR_IO, 0, "%s: not a regular file", path);
        return NULL;
    }
#endif
    f = fopen(path, "rb");
    if (!f) {
        nnd__fail(err, NND_ERR_IO, 0, "%s: cannot open", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size == LONG_MAX ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        nnd__fail(err, NND_ERR_IO, 0, "%s: cannot determine the file size", path);
        return NULL;
    }
    text = (char *)nnd__alloc((size_t)size + 1, 1);
    if (!text) {
        fclose(f);
        nnd__fail(err, NND_ERR_NOMEM, 0, "%s: out of memory (%ld bytes)", path, size);
        return NULL;
    }
    if (fread(text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        NND_FREE(text);
        nnd__fail(err, NND_ERR_IO, 0, "%s: read error", path);
        return NULL;
    }
    fclose(f);
    text[size] = '\0';
    *len = (size_t)size;
    return text;
}
#endif /* NND_NO_STDIO */

/* -------------------------------------------------------------------------
   1. Random numbers (the initialisers of ch.1 and ch.3, shuffling, dropout)
   ------------------------------------------------------------------------- */
NND_DEF void nnd_rng_seed(nnd_rng *rng, uint64_t seed)
{
    rng->state = seed;
    rng->has_spare = 0;
    rng->spare = 0.0;
}

/* splitmix64 (Steele, Lea, Flood 2014): passes BigCrush, one word of state. */
NND_DEF uint64_t nnd_rng_next(nnd_rng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

NND_DEF double nnd_rng_uniform(nnd_rng *rng)
{
    return (double)(nnd_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* Box-Muller: two uniforms give two independent N(0,1); the second is kept. */
NND_DEF double nnd_rng_normal(nnd_rng *rng)
{
    double u1, u2, r;
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    do u1 = nnd_rng_uniform(rng); while (u1 <= 0.0);
    u2 = nnd_rng_uniform(rng);
    r = sqrt(-2.0 * log(u1));
    rng->spare = r * sin(6.283185307179586 * u2);
    rng->has_spare = 1;
    return r * cos(6.283185307179586 * u2);
}

/* Unbiased: reject the top sliver of 2^32 that does not divide evenly. */
NND_DEF uint32_t nnd_rng_below(nnd_rng *rng, uint32_t n)
{
    uint32_t x, limit;
    if (n <= 1) return 0;
    limit = (uint32_t)(0xFFFFFFFFu - 0xFFFFFFFFu % n);
    do x = (uint32_t)(nnd_rng_next(rng) >> 32); while (x >= limit);
    return x % n;
}

NND_DEF void nnd_shuffle(nnd_rng *rng, int *items, int n)
{
    int i;
    for (i = n - 1; i > 0; --i) {
        int j = (int)nnd_rng_below(rng, (uint32_t)i + 1u);
        int t = items[i];
        items[i] = items[j];
        items[j] = t;
    }
}

/* -------------------------------------------------------------------------
   2. Kernels: the handful of loops everything runs on. Row-major, contiguous
   inner loops that GCC and Clang vectorise at -O2/-O3.
   ------------------------------------------------------------------------- */

/* Short vectors. With GCC and Clang, nnd__vec is a vector type of
   NND__VBYTES bytes - 64 (16 floats, 8 doubles) when the target has
   AVX-512, else 32 - which the compiler lowers to SSE, AVX, AVX-512 or
   NEON as the target allows, so accumulators live in registers whatever
   the optimisation flags; elsewhere it is a plain array and the same
   macros are loops. These are not intrinsics: the code is the same on
   every target. Every kernel keeps each output's terms in one lane, in
   order, so 32 and 64 bytes give the same bits (make test checks it;
   define NND__VBYTES to choose). */
#ifndef NND__VBYTES
#if defined(__AVX512F__)
#define NND__VBYTES 64
#else
#define NND__VBYTES 32
#endif
#endif
#define NND__VL ((int)(NND__VBYTES / sizeof(nnd_real)))
/* The vectors per row of a four-row register block (nnd__rows_group,
   nnd__conv_pool_direct): three where the target has 32 vector registers
   (AVX-512, AArch64), two where it has 16 (AVX2): there 4 x 3 accumulators,
   three loaded vectors and a broadcast would take all 16, and the compiler
   keeps accumulators on the stack. Blocking never changes a sum. */
#ifndef NND__NV4
#if defined(__AVX512F__) || defined(__aarch64__)
#define NND__NV4 3
#else
#define NND__NV4 2
#endif
#endif
#if defined(__GNUC__) && !defined(NND_NO_VECTOR_EXTENSIONS)
typedef nnd_real nnd__vec __attribute__((vector_size(NND__VBYTES)));
#define NND__VZERO(a) memset(&(a), 0, sizeof(a))
#define NND__VLOAD(a, p) memcpy(&(a), (p), sizeof(a))
#define NND__VSTORE(p, a) memcpy((p), &(a), sizeof(a))
#define NND__VFMA(a, s, b) ((a) += (s) * (b))      /* a += s b, s a scalar */
#else
typedef struct { nnd_real x[NND__VBYTES / sizeof(nnd_real)]; } nnd__vec;
#define NND__VZERO(a) memset(&(a), 0, sizeof(a))
#define NND__VLOAD(a, p) memcpy(&(a), (p), sizeof(a))
#define NND__VSTORE(p, a) memcpy((p), &(a), sizeof(a))
#define NND__VFMA(a, s, b) do { int u_; for (u_ = 0; u_ < NND__VL; ++u_) (a).x[u_] += (s) * (b).x[u_]; } while (0)
#endif

/* A hint that memory at p will be read soon (no effect on results). */
#if defined(__GNUC__)
#define NND__PREFETCH(p) __builtin_prefetch(p)
#else
#define NND__PREFETCH(p) ((void)0)
#endif

/* Threads. Compiled with OpenMP (-fopenmp), the loops marked
   NND__FOR run on nt threads when their work (about one unit per
   multiply-add) is worth it. Every such loop splits independent outputs -
   the rows of a product, the examples of a batch, the parameters of an
   update - so each sum keeps the same terms in the same order and the
   results are bit for bit the same whatever the number of threads (or the
   schedule: NND__FOR_DYNAMIC hands out pieces on demand, large
   ones first). A training step runs in few parallel regions, as threads
   meet at the end of each: NND__SLABS gives every thread a slab of
   the mini-batch's examples to take through all the layers, forward and
   back (nnd__forward, nnd__backward); only the weight gradients, sums over
   the whole batch, and the update split the parameters - and a large dense
   layer, which the threads split by its weights throughout (nnd__split; its
   forward pass a pipeline, whose stages wait for each other through
   NND__ATOMIC_READ/WRITE and NND__FLUSH). Without OpenMP the pragmas vanish
   (no unknown-pragma warnings). */
enum { NND__PARALLEL_WORK = 32768 };
#ifndef NND__L2_BYTES
#define NND__L2_BYTES (256.0 * 1024) /* cache a kernel may fill per core (half a typical L2) */
#endif
#if defined(_OPENMP) && (defined(__unix__) || defined(__unix) || defined(__APPLE__))
#include <sched.h>
#define nnd__yield() sched_yield()
#else
#define nnd__yield() ((void)0)
#endif
#if defined(_OPENMP)
#include <omp.h>
#define NND__PRAGMA(x) _Pragma(#x)
/* A loop of `work` multiply-adds runs on at most one thread per
   NND__PARALLEL_WORK of it: a thread count beyond the work is clamped. */
static int nnd__team(int nt, double work)
{
    const double most = work / NND__PARALLEL_WORK;
    return most >= nt ? nt : most >= 2 ? (int)most : 1;
}
/* NND__FOR(nt, work, i, lo, hi, body): for (i = lo; i < hi; ++i) { body }
   on nnd__team(nt, work) threads, each a block of i (NND__FOR_DYNAMIC: the
   i handed out on demand, large pieces first); NND__SLABS(S, s, body): s =
   0 .. S-1 on S threads, one slab each. A team of one runs the plain loop
   outside any OpenMP region: entering one costs as much, even for a team of
   one, as a small layer's work at mini-batch 10. The body is written once;
   the compiler emits it for both cases. */
#define NND__FOR_TEAM(team, sched, i, lo, hi, ...) \
    do { \
        const int nnd__team_ = (team); \
        if (nnd__team_ > 1) { \
            NND__PRAGMA(omp parallel for num_threads(nnd__team_) schedule(sched)) \
            for (i = (lo); i < (hi); ++i) { __VA_ARGS__; } \
        } else { \
            for (i = (lo); i < (hi); ++i) { __VA_ARGS__; } \
        } \
    } while (0)
#define NND__FOR(nt, work, i, lo, hi, ...) NND__FOR_TEAM(nnd__team(nt, work), static, i, lo, hi, __VA_ARGS__)
#define NND__FOR_DYNAMIC(nt, work, i, lo, hi, ...) \
    NND__FOR_TEAM(nnd__team(nt, work), guided, i, lo, hi, __VA_ARGS__)
#define NND__SLABS(S, s, ...) NND__FOR_TEAM(S, static, s, 0, S, __VA_ARGS__)
#define NND__ATOMIC_READ NND__PRAGMA(omp atomic read)
#define NND__ATOMIC_WRITE NND__PRAGMA(omp atomic write)
#define NND__FLUSH NND__PRAGMA(omp flush)
#else
#define NND__ATOMIC_READ
#define NND__ATOMIC_WRITE
#define NND__FLUSH
#define NND__FOR(nt, work, i, lo, hi, ...) \
    do { \
        for (i = (lo); i < (hi); ++i) { __VA_ARGS__; } \
    } while (0)
#define NND__FOR_DYNAMIC NND__FOR
#define NND__SLABS(S, s, ...) NND__FOR(1, 0, s, 0, S, __VA_ARGS__)
#endif

/* One term of a block of kernel 1: a_q += v B[off + j_q .. + VL) for the
   four vectors of the block, whose starts the caller holds as B0..B3 =
   B + j0..j3 (so that each load is one address: base + offset). */
#define NND__TERM4(a0, a1, a2, a3, v, off) \
    do { \
        nnd__vec x0_, x1_, x2_, x3_; \
        NND__VLOAD(x0_, B0 + (off)); \
        NND__VLOAD(x1_, B1 + (off)); \
        NND__VLOAD(x2_, B2 + (off)); \
        NND__VLOAD(x3_, B3 + (off)); \
        NND__VFMA(a0, v, x0_); \
        NND__VFMA(a1, v, x1_); \
        NND__VFMA(a2, v, x2_); \
        NND__VFMA(a3, v, x3_); \
    } while (0)

/* Kernel 1, the row kernel - every "sum of scaled rows" product:
     out[0..n) = bias[0..n) + sum_{c < cnt} val[c*vs] * B[r_c*ldb + 0..n),
   r_c = idx[c], or c when idx is NULL; bias may be NULL (zero), or out
   itself, to add the terms to what out holds (in the same order as if
   the earlier terms had been in this call's list). It gives
     a row of A B     (NN: val = a row of A, vs = 1),
     a row of A^T B   (TN: val = a column of A, vs = A's row length),
   and both for a sparse A given as (idx, val) lists.
   The row is built four vectors at a time (four independent accumulators, so
   the adds do not wait on each other, in registers). A block's vectors start
   at j, j+VL, j+2VL, j+3VL but never past n-VL: near the end of the row they
   overlap and recompute the same columns bit for bit (same terms, same
   order) - harmless, since a block loads all its starting values before it
   stores - so a row of any width >= VL needs no scalar tail. (Only when out
   accumulates may a block not start inside the previous one's columns: a
   last block narrower than VL then takes the plain loop.) Narrower rows take
   a plain loop. */
static void nnd__rows(int n, int cnt, const int *idx, const nnd_real *val, int vs,
                      const nnd_real *NND__RESTRICT B, size_t ldb, const nnd_real *bias,
                      nnd_real *out)
{
    const int VL = NND__VL, last = n - NND__VL;
    int j, c, j_plain = n < VL ? 0 : n;
    if (bias == out && n > VL && n % (4 * VL) > 0 && n % (4 * VL) < VL)
        j_plain = n - n % (4 * VL);
    if (j_plain < n) { /* columns [j_plain, n), term by term */
        for (j = j_plain; j < n; ++j) out[j] = bias ? bias[j] : 0;
        for (c = 0; c < cnt; ++c) {
            const nnd_real v = val[(size_t)c * vs];
            const nnd_real *NND__RESTRICT r = B + (size_t)(idx ? idx[c] : c) * ldb;
            for (j = j_plain; j < n; ++j) out[j] += v * r[j];
        }
    }
    for (j = 0; j < j_plain; j += 4 * VL) {
        const int j0 = j < last ? j : last, j1 = j + VL < last ? j + VL : last;
        const int j2 = j + 2 * VL < last ? j + 2 * VL : last;
        const int j3 = j + 3 * VL < last ? j + 3 * VL : last;
        const nnd_real *B0 = B + j0, *B1 = B + j1, *B2 = B + j2, *B3 = B + j3;
        nnd__vec a0, a1, a2, a3;
        if (bias) {
            NND__VLOAD(a0, bias + j0);
            NND__VLOAD(a1, bias + j1);
            NND__VLOAD(a2, bias + j2);
            NND__VLOAD(a3, bias + j3);
        } else {
            NND__VZERO(a0);
            NND__VZERO(a1);
            NND__VZERO(a2);
            NND__VZERO(a3);
        }
        for (c = 0; c < cnt; ++c)
            NND__TERM4(a0, a1, a2, a3, val[(size_t)c * vs], (size_t)(idx ? idx[c] : c) * ldb);
        NND__VSTORE(out + j0, a0);
        NND__VSTORE(out + j1, a1);
        NND__VSTORE(out + j2, a2);
        NND__VSTORE(out + j3, a3);
    }
}

/* Kernel 1f, two sparse rows at once: kernel 1 for out0 = bias + the terms
   (idx0, val0)[0..cnt0) and out1 = bias + (idx1, val1)[0..cnt1) of B's
   rows, their terms taken in turns. One row's four accumulators each wait
   a multiply-add's latency per term; two rows' eight do not. Each row adds
   its own terms in its own order, so the sums are nnd__rows's, bit for bit.
   Needs n >= VL; bias is not out0 or out1. */
static void nnd__rows_pair(int n, int cnt0, const int *idx0, const nnd_real *val0, int cnt1,
                           const int *idx1, const nnd_real *val1, const nnd_real *NND__RESTRICT B,
                           size_t ldb, const nnd_real *bias, nnd_real *out0, nnd_real *out1)
{
    const int VL = NND__VL, last = n - NND__VL, both = cnt0 < cnt1 ? cnt0 : cnt1;
    int j, c;
    for (j = 0; j < n; j += 4 * VL) {
        const int j0 = j < last ? j : last, j1 = j + VL < last ? j + VL : last;
        const int j2 = j + 2 * VL < last ? j + 2 * VL : last;
        const int j3 = j + 3 * VL < last ? j + 3 * VL : last;
        const nnd_real *B0 = B + j0, *B1 = B + j1, *B2 = B + j2, *B3 = B + j3;
        nnd__vec a0, a1, a2, a3, b0, b1, b2, b3;
        if (bias) {
            NND__VLOAD(a0, bias + j0);
            NND__VLOAD(a1, bias + j1);
            NND__VLOAD(a2, bias + j2);
            NND__VLOAD(a3, bias + j3);
        } else {
            NND__VZERO(a0);
            a1 = a2 = a3 = a0;
        }
        b0 = a0, b1 = a1, b2 = a2, b3 = a3;
        for (c = 0; c < both; ++c) {
            NND__TERM4(a0, a1, a2, a3, val0[c], (size_t)idx0[c] * ldb);
            NND__TERM4(b0, b1, b2, b3, val1[c], (size_t)idx1[c] * ldb);
        }
        for (; c < cnt0; ++c) NND__TERM4(a0, a1, a2, a3, val0[c], (size_t)idx0[c] * ldb);
        for (c = both; c < cnt1; ++c) NND__TERM4(b0, b1, b2, b3, val1[c], (size_t)idx1[c] * ldb);
        NND__VSTORE(out0 + j0, a0);
        NND__VSTORE(out0 + j1, a1);
        NND__VSTORE(out0 + j2, a2);
        NND__VSTORE(out0 + j3, a3);
        NND__VSTORE(out1 + j0, b0);
        NND__VSTORE(out1 + j1, b1);
        NND__VSTORE(out1 + j2, b2);
        NND__VSTORE(out1 + j3, b3);
    }
}

/* Kernel 1d, a one-channel filter's gradient from the image itself:
     g[dy*fw + dx] (+)= sum_{c < cnt} val[c] img[at[c] + dy*iw + dx]
   - the terms nnd__rows would take from the patch rows (a patch is fh runs
   of fw pixels), in the same order, but read from the image (3 KB for
   MNIST) instead of its patches (57 KB, which stay in no core's fast cache
   across the batch: every term would wait for a far fetch). Filter row dy
   is one vector whose first fw lanes count, so img needs VL - fw readable
   values after its last pixel (the caller pads a copy). Needs fw <= VL,
   fh <= NND__IMAGE_FH; inlined with fh a constant (accumulators in
   registers). */
#define NND__IMAGE_FH 8
static NND__INLINE void nnd__rows_image(const int fh, int fw, int iw, int cnt, const int *at,
                                        const nnd_real *val, const nnd_real *NND__RESTRICT img,
                                        int acc, nnd_real *NND__RESTRICT g)
{
    enum { VL = NND__VBYTES / sizeof(nnd_real) };
    nnd__vec a[NND__IMAGE_FH];
    nnd_real lane[VL];
    int dy, dx, c;
    for (dy = 0; dy < fh; ++dy) {
        for (dx = 0; dx < VL; ++dx) lane[dx] = acc && dx < fw ? g[dy * fw + dx] : 0;
        NND__VLOAD(a[dy], lane);
    }
    for (c = 0; c < cnt; ++c) {
        const nnd_real v = val[c], *p = img + at[c];
        for (dy = 0; dy < fh; ++dy) {
            nnd__vec x;
            NND__VLOAD(x, p + dy * iw);
            NND__VFMA(a[dy], v, x);
        }
    }
    for (dy = 0; dy < fh; ++dy) {
        NND__VSTORE(lane, a[dy]);
        for (dx = 0; dx < fw; ++dx) g[dy * fw + dx] = lane[dx];
    }
}

/* nnd__rows_image inlined with fh a constant: its accumulators then live
   in registers, and every term is formed the same way whatever the vector
   width (a loop over a variable fh can leave some products unfused). */
static void nnd__rows_image_fh(int fh, int fw, int iw, int cnt, const int *at, const nnd_real *val,
                               const nnd_real *img, int acc, nnd_real *g)
{
    switch (fh) {
    case 1: nnd__rows_image(1, fw, iw, cnt, at, val, img, acc, g); break;
    case 2: nnd__rows_image(2, fw, iw, cnt, at, val, img, acc, g); break;
    case 3: nnd__rows_image(3, fw, iw, cnt, at, val, img, acc, g); break;
    case 4: nnd__rows_image(4, fw, iw, cnt, at, val, img, acc, g); break;
    case 5: nnd__rows_image(5, fw, iw, cnt, at, val, img, acc, g); break;
    case 6: nnd__rows_image(6, fw, iw, cnt, at, val, img, acc, g); break;
    case 7: nnd__rows_image(7, fw, iw, cnt, at, val, img, acc, g); break;
    default: nnd__rows_image(NND__IMAGE_FH, fw, iw, cnt, at, val, img, acc, g); break;
    }
}

/* Columns [j, j + nw VL) of kernel 2 (nnd__scatter, below), nw <= 4, for
   all cnt rows, d's vectors there held in registers; with tail also the
   window at n - VL, whose lanes before the block's end d_t holds as zeros.
   Inlined with nw a constant. */
static NND__INLINE void nnd__scatter_block(const int nw, int j, int tail, int n, int cnt, const int *idx,
                                           const nnd_real *val, const nnd_real *NND__RESTRICT d,
                                           const nnd_real *d_t, nnd_real *NND__RESTRICT G)
{
    const int VL = NND__VL, jt = n - NND__VL;
    nnd__vec dv[4], x[4], y, dt;
    int c, q;
    NND__VLOAD(dt, d_t);
    NND__UNROLL
    for (q = 0; q < nw; ++q) NND__VLOAD(dv[q], d + j + q * VL);
    for (c = 0; c < cnt; ++c) {
        const nnd_real v = val[c];
        nnd_real *o = G + (size_t)idx[c] * n + j;
        NND__UNROLL
        for (q = 0; q < nw; ++q) NND__VLOAD(x[q], o + q * VL);
        if (tail) NND__VLOAD(y, o - j + jt);
        NND__UNROLL
        for (q = 0; q < nw; ++q) NND__VFMA(x[q], v, dv[q]);
        if (tail) {
            NND__VFMA(y, v, dt);
            NND__VSTORE(o - j + jt, y);
        }
        NND__UNROLL
        for (q = 0; q < nw; ++q) NND__VSTORE(o + q * VL, x[q]);
    }
}

/* Kernel 2, the scatter - the transpose of kernel 1 for sparse rows:
     G[r_c*n + 0..n) += val[c] * d[0..n)   for c < cnt, r_c = idx[c].
   The rows are updated a block of up to four whole vectors of columns at a
   time (nnd__scatter_block), d's part of them in registers. A width that is
   not a multiple of the vector length ends with a window shifted left to
   end at n, taken with the last block, whose lanes already covered by the
   block's last vector add exactly zero (they use a copy of d with those
   lanes zeroed). That last vector and the window are both loaded before
   either is stored, and the window is stored first, so the overlap ends
   with the right value and no load waits on a half-overlapping store. Each
   value takes its terms in list order, whatever the blocks. Rows narrower
   than a vector: a plain loop. */
static void nnd__scatter(int n, int cnt, const int *idx, const nnd_real *val,
                         const nnd_real *NND__RESTRICT d, nnd_real *NND__RESTRICT G)
{
    const int VL = NND__VL, whole = n / NND__VL * NND__VL, jt = n - NND__VL;
    int c, j;
    nnd_real d_t[NND__VBYTES / sizeof(nnd_real)];
    if (n < VL) {
        for (c = 0; c < cnt; ++c) {
            nnd_real *NND__RESTRICT o = G + (size_t)idx[c] * n;
            for (j = 0; j < n; ++j) o[j] += val[c] * d[j];
        }
        return;
    }
    for (j = 0; j < VL; ++j) d_t[j] = jt + j >= whole ? d[jt + j] : 0;
    for (j = 0; j < whole; j += 4 * VL) {
        const int nw = whole - j < 4 * VL ? (whole - j) / VL : 4, tail = j + nw * VL == whole && whole < n;
        switch (nw) {
        case 1: nnd__scatter_block(1, j, tail, n, cnt, idx, val, d, d_t, G); break;
        case 2: nnd__scatter_block(2, j, tail, n, cnt, idx, val, d, d_t, G); break;
        case 3: nnd__scatter_block(3, j, tail, n, cnt, idx, val, d, d_t, G); break;
        default: nnd__scatter_block(4, j, tail, n, cnt, idx, val, d, d_t, G); break;
        }
    }
}

/* Kernel 1b, a group of nr rows at once (nr = 2..5): rows r < nr of
     C[r][0..n) = bias[0..n) + sum_{c < cnt} A(r, c) B[c*ldb + 0..n),
   A(r, c) = A[r*rs + c*cs]  (NN: rs = row length, cs = 1; TN: rs = 1,
   cs = row length). Each B vector loaded feeds every row of the group (up
   to 12 accumulators: 4 rows x 3 vectors - x 2 with 16 registers,
   NND__NV4 - and 5 rows x 2), so the loop is bound by multiply-adds, not
   loads, and B is read once per group: a batch
   of 10 is three groups (4 + 3 + 3), not a four, a four and two single
   rows, each of which would read all of B again (nnd__group). Every output is the
   same sum in the same order as nnd__rows would form (c = 0, 1, ...). The
   row is taken a block of vectors at a time; the last block takes only
   the vectors the rest of the row needs (a 40-wide row is 3 + 2 vectors,
   not 3 + 3), starting them no later than n - VL (they may overlap the
   block before, as in nnd__rows). With more, the rows start from what C
   holds instead of bias (to add the terms to it, in the same order as if
   the earlier terms had been in this call's list), and the blocks must not
   overlap: the columns past the last whole vector are formed first, as a
   vector ending at column n on a copy, and only they are kept. Needs
   n >= VL. nnd__rows_block is one
   block of nv vectors at columns jv[0..nv); both are inlined with nr and nv
   constants, so their arrays live in registers. */
#define NND__GROUP_MAX 5
/* When B is larger than the cache share (NND__L2_BYTES: a large layer's
   weights, which stream from beyond the core's own cache), a block asks for
   the row of B NND__PF terms ahead before it needs it: the hardware's
   prefetcher alone does not keep up with the multiply-adds. */
#ifndef NND__PF
#define NND__PF 32
#endif
static NND__INLINE void nnd__rows_block(const int nr, const int nv, const int *jv, int cnt,
                                        const nnd_real *A, size_t rs, size_t cs,
                                        const nnd_real *NND__RESTRICT B, size_t ldb,
                                        const nnd_real *bias, int more, nnd_real *NND__RESTRICT C,
                                        size_t ldc)
{
    const int pf = (double)cnt * ldb * sizeof *B > NND__L2_BYTES ? NND__PF : 0;
    nnd__vec acc[NND__GROUP_MAX][3];
    int r, v, c;
    NND__UNROLL
    for (v = 0; v < nv; ++v) {
        if (more) {
            NND__UNROLL
            for (r = 0; r < nr; ++r) NND__VLOAD(acc[r][v], C + r * ldc + jv[v]);
            continue;
        }
        if (bias) NND__VLOAD(acc[0][v], bias + jv[v]);
        else NND__VZERO(acc[0][v]);
        NND__UNROLL
        for (r = 1; r < nr; ++r) acc[r][v] = acc[0][v];
    }
    for (c = 0; c < cnt; ++c) {
        const nnd_real *row = B + (size_t)c * ldb;
        const size_t o = (size_t)c * cs;
        nnd__vec x[3];
        if (pf && c + pf < cnt) {
            NND__PREFETCH(row + pf * ldb + jv[0]);
            NND__PREFETCH(row + pf * ldb + jv[nv - 1] + NND__VL - 1);
        }
        NND__UNROLL
        for (v = 0; v < nv; ++v) NND__VLOAD(x[v], row + jv[v]);
        NND__UNROLL
        for (r = 0; r < nr; ++r) {
            const nnd_real s = A[r * rs + o];
            NND__UNROLL
            for (v = 0; v < nv; ++v) NND__VFMA(acc[r][v], s, x[v]);
        }
    }
    NND__UNROLL
    for (r = 0; r < nr; ++r)
        NND__UNROLL
        for (v = 0; v < nv; ++v) NND__VSTORE(C + r * ldc + jv[v], acc[r][v]);
}

static NND__INLINE void nnd__rows_group(const int nr, int n, int cnt, const nnd_real *A, size_t rs,
                                        size_t cs, const nnd_real *NND__RESTRICT B, size_t ldb,
                                        const nnd_real *bias, int more, nnd_real *NND__RESTRICT C,
                                        size_t ldc)
{
    const int VL = NND__VL, nv = nr > 4 ? 2 : nr == 4 ? NND__NV4 : 3;
    const int whole = more ? n / VL * VL : n, last = whole - VL;
    int j, r;
    if (whole < n) { /* more: the last vector of the row, n - VL.., first, on a copy */
        nnd_real T[NND__GROUP_MAX * NND__VBYTES / sizeof(nnd_real)];
        const int zero = 0;
        for (r = 0; r < nr; ++r) memcpy(T + r * VL, C + r * ldc + n - VL, VL * sizeof *T);
        nnd__rows_block(nr, 1, &zero, cnt, A, rs, cs, B + n - VL, ldb, NULL, 1, T, VL);
        for (r = 0; r < nr; ++r) /* its columns past the last whole vector */
            memcpy(C + r * ldc + whole, T + r * VL + VL - (n - whole), (n - whole) * sizeof *T);
    }
    for (j = 0; j < whole; j += nv * VL) {
        const int jv[3] = {j < last ? j : last, j + VL < last ? j + VL : last,
                           j + 2 * VL < last ? j + 2 * VL : last};
        if (nv == 3 && whole - j > 2 * VL)
            nnd__rows_block(nr, 3, jv, cnt, A, rs, cs, B, ldb, bias, more, C, ldc);
        else if (whole - j > VL)
            nnd__rows_block(nr, 2, jv, cnt, A, rs, cs, B, ldb, bias, more, C, ldc);
        else
            nnd__rows_block(nr, 1, jv, cnt, A, rs, cs, B, ldb, bias, more, C, ldc);
    }
}

/* The rows of a product in groups for nnd__rows_group: fours, except that
   a remainder of one joins the last four (a five) and a remainder of two
   turns the last four and it into two threes. nnd__groups: how many;
   nnd__group: the size of group g, its first row in *r0. */
static int nnd__groups(int rows)
{
    const int q = rows / 4, rem = rows % 4;
    return rem == 0 ? q : rem == 1 && q > 0 ? q : q + 1;
}

static int nnd__group(int rows, int g, int *r0)
{
    const int q = rows / 4, rem = rows % 4, fours = (rem == 1 || rem == 2) && q > 0 ? q - 1 : q;
    *r0 = 4 * (g < fours ? g : fours);
    if (g < fours) return 4;
    if (rem == 2 && q > 0) {
        *r0 += 3 * (g - fours);
        return 3;
    }
    return rows - *r0;
}

/* Kernel 1e, the positions of a pooling window of a convolution, read
   straight from its input (no patches): rows r < nr of
     Z[r][0..nv VL) = sum_{c < K} p_r[(c / run) line + c % run] Wt[c*F + jv[v] + 0..VL)
   (vector v at Z[r*ldz + jv[v] - jv[0]]), run = fw C (a filter row: fw
   pixels of C channels), line = iw C (an input row), p_r the input at the
   top left of row r's patch - what nnd__im2col's patches give
   nnd__rows_group, term for term in the same order (c = 0, 1, ...), each
   term read where the patch would have copied it from. Inlined with nr
   and nv constants, so that its nr x nv <= 12 accumulators live in
   registers. */
typedef struct nnd__conv_geom {
    int F, fh, run; /* filters, filter height, fw C */
    size_t line;    /* iw C */
} nnd__conv_geom;

enum { NND__LDZ = 3 * NND__VBYTES / sizeof(nnd_real) }; /* a row of Z: three vectors */

static NND__INLINE void nnd__conv_block(const int nr, const int nv, const int *jv,
                                        const nnd__conv_geom *G, const nnd_real *const *p,
                                        const nnd_real *NND__RESTRICT Wt, nnd_real *NND__RESTRICT Z)
{
    nnd__vec acc[4][3];
    int r, v, dy, t;
    NND__UNROLL
    for (r = 0; r < nr; ++r)
        NND__UNROLL
        for (v = 0; v < nv; ++v) NND__VZERO(acc[r][v]);
    for (dy = 0; dy < G->fh; ++dy) {
        const size_t at = (size_t)dy * G->line;
        for (t = 0; t < G->run; ++t, Wt += G->F) {
            nnd__vec x[3];
            NND__UNROLL
            for (v = 0; v < nv; ++v) NND__VLOAD(x[v], Wt + jv[v]);
            NND__UNROLL
            for (r = 0; r < nr; ++r) {
                const nnd_real s = p[r][at + t];
                NND__UNROLL
                for (v = 0; v < nv; ++v) NND__VFMA(acc[r][v], s, x[v]);
            }
        }
    }
    NND__UNROLL
    for (r = 0; r < nr; ++r)
        NND__UNROLL
        for (v = 0; v < nv; ++v) NND__VSTORE(Z + r * NND__LDZ + jv[v] - jv[0], acc[r][v]);
}

static NND__INLINE void nnd__conv_window(const int nr, int nv, const int *jv, const nnd__conv_geom *G,
                                         const nnd_real *const *p, const nnd_real *Wt, nnd_real *Z)
{
    if (nv == 3) nnd__conv_block(nr, 3, jv, G, p, Wt, Z);
    else if (nv == 2) nnd__conv_block(nr, 2, jv, G, p, Wt, Z);
    else nnd__conv_block(nr, 1, jv, G, p, Wt, Z);
}

/* Kernel 1c, eight rows one vector wide (n = VL): rows r = 0..7 of
     C[r][0..VL) = sum_{c < cnt} A(r, c) B[c*ldb + 0..VL)
   (A(r, c) as in nnd__rows_group, no bias) - narrow products, such as a few
   deltas sent back through a wide layer (nnd__gemm_nt), where nnd__rows_group's
   three vectors would all be the same one. Eight independent accumulators
   keep both multiply-add pipes busy. The same sums in the same order as
   nnd__rows. */
static void nnd__rows8v(int cnt, const nnd_real *A, size_t rs, size_t cs,
                        const nnd_real *NND__RESTRICT B, size_t ldb, nnd_real *NND__RESTRICT C,
                        size_t ldc)
{
    nnd__vec a0, a1, a2, a3, a4, a5, a6, a7;
    int c;
    NND__VZERO(a0);
    a1 = a2 = a3 = a4 = a5 = a6 = a7 = a0;
    for (c = 0; c < cnt; ++c) {
        const nnd_real *v = A + (size_t)c * cs;
        nnd__vec x;
        NND__VLOAD(x, B + (size_t)c * ldb);
        NND__VFMA(a0, v[0], x);
        NND__VFMA(a1, v[rs], x);
        NND__VFMA(a2, v[2 * rs], x);
        NND__VFMA(a3, v[3 * rs], x);
        NND__VFMA(a4, v[4 * rs], x);
        NND__VFMA(a5, v[5 * rs], x);
        NND__VFMA(a6, v[6 * rs], x);
        NND__VFMA(a7, v[7 * rs], x);
    }
    NND__VSTORE(C, a0);
    NND__VSTORE(C + ldc, a1);
    NND__VSTORE(C + 2 * ldc, a2);
    NND__VSTORE(C + 3 * ldc, a3);
    NND__VSTORE(C + 4 * ldc, a4);
    NND__VSTORE(C + 5 * ldc, a5);
    NND__VSTORE(C + 6 * ldc, a6);
    NND__VSTORE(C + 7 * ldc, a7);
}

/* Tile t of nnd__gemm_rows: group g = t % groups of rows (nnd__group; a
   single row goes through nnd__rows, which loads less for one row) times
   strip s = t / groups of the columns [s w, s w + w) (the last strip takes
   the rest of the row); more: add to what C holds (nnd__rows_group). */
static void nnd__gemm_tile(int t, int groups, int strips, int w, int rows, int n, int cnt,
                           const nnd_real *A, size_t rs, size_t cs, const nnd_real *B, size_t ldb,
                           const nnd_real *bias, int more, nnd_real *C, size_t ldc)
{
    const int s = t / groups, j0 = s * w, j1 = s == strips - 1 ? n : j0 + w;
    int r0, nr = nnd__group(rows, t % groups, &r0);
    const nnd_real *Ag = A + (size_t)r0 * rs, *bj = bias ? bias + j0 : NULL, *Bj = B + j0;
    nnd_real *Cg = C + (size_t)r0 * ldc + j0;
    switch (nr) {
    case 1: nnd__rows(j1 - j0, cnt, NULL, Ag, (int)cs, Bj, ldb, more ? Cg : bj, Cg); break;
    case 2: nnd__rows_group(2, j1 - j0, cnt, Ag, rs, cs, Bj, ldb, bj, more, Cg, ldc); break;
    case 3: nnd__rows_group(3, j1 - j0, cnt, Ag, rs, cs, Bj, ldb, bj, more, Cg, ldc); break;
    case 4: nnd__rows_group(4, j1 - j0, cnt, Ag, rs, cs, Bj, ldb, bj, more, Cg, ldc); break;
    default: nnd__rows_group(5, j1 - j0, cnt, Ag, rs, cs, Bj, ldb, bj, more, Cg, ldc); break;
    }
}

/* C[rows x n] from A(r, c) = A[r*rs + c*cs] (see nnd__rows_group), as tiles of
   a group of rows times a strip of columns, strip after strip. The columns are cut
   into strips when the rows are few and threads need work, and when B is
   larger than a core's cache (NND__L2_BYTES): then each strip of B is read
   from memory once and reused by every group of rows (10 examples through a
   2880 x 100 layer read its 1.1 MB of weights once, not three times);
   otherwise a strip is the whole row (nnd__strips: how many, and their
   width). Tiles are handed out on demand, large
   runs of them first (guided), as they differ in cost. A tile computes each of its outputs as the same
   sum in the same order whatever the tiling, and tiles write disjoint
   outputs, so neither the strips nor the threads change a result. Rows
   narrower than a vector: nnd__rows's plain loop, row by row. */
static int nnd__strips(int nt, int groups, int n, int cnt, int *width)
{
    const int VL = NND__VL;
    int strips = 1;
    if (nt > 1 && groups < 8 * nt) /* few rows: cut the columns too */
        strips = (8 * nt + groups - 1) / groups;
    if (groups > 1 && (double)cnt * n * sizeof(nnd_real) > NND__L2_BYTES) { /* B does not stay in cache: */
        const int fit = (int)(NND__L2_BYTES / ((double)cnt * 3 * VL * sizeof(nnd_real))); /* strips of it do */
        const int want = (n + 3 * VL * (fit > 1 ? fit : 1) - 1) / (3 * VL * (fit > 1 ? fit : 1));
        if (want > strips) strips = want;
    }
    if (strips > n / (3 * VL)) strips = n / (3 * VL);
    if (strips < 1) strips = 1;
    *width = n / strips / VL * VL; /* >= 3 VL; the last strip takes the rest */
    return strips;
}

static void nnd__gemm_rows(int nt, int rows, int n, int cnt, const nnd_real *A, size_t rs,
                           size_t cs, const nnd_real *B, size_t ldb, const nnd_real *bias,
                           nnd_real *C, size_t ldc)
{
    const int VL = NND__VL, groups = nnd__groups(rows);
    int strips, width, t;
    (void)nt;
    if (n < VL) {
        for (t = 0; t < rows; ++t)
            nnd__rows(n, cnt, NULL, A + (size_t)t * rs, (int)cs, B, ldb, bias, C + (size_t)t * ldc);
        return;
    }
    if (n == VL && !bias) { /* one vector wide: eight rows at a time */
        NND__FOR(nt, (double)rows * n * cnt, t, 0, (rows + 7) / 8, {
            const size_t r0 = (size_t)8 * t;
            size_t r;
            if (r0 + 8 <= (size_t)rows) {
                nnd__rows8v(cnt, A + r0 * rs, rs, cs, B, ldb, C + r0 * ldc, ldc);
            } else {
                for (r = r0; r < (size_t)rows; ++r)
                    nnd__rows(n, cnt, NULL, A + r * rs, (int)cs, B, ldb, NULL, C + r * ldc);
            }
        });
        return;
    }
    strips = nnd__strips(nt, groups, n, cnt, &width);
    NND__FOR_DYNAMIC(nt, (double)rows * n * cnt, t, 0, groups * strips,
        nnd__gemm_tile(t, groups, strips, width, rows, n, cnt, A, rs, cs, B, ldb, bias, 0, C, ldc));
}

/* C[m x n] = A[m x k] B[k x n] + bias[n] (bias may be NULL)   ("NN") */
static void nnd__gemm_nn(int nt, int m, int n, int k, const nnd_real *A, const nnd_real *B,
                         const nnd_real *bias, nnd_real *C)
{
    nnd__gemm_rows(nt, m, n, k, A, (size_t)k, 1, B, (size_t)n, bias, C, (size_t)n);
}

/* C[k x n] = A[m x k]^T B[m x n]: row p of C is sum_i A[i][p] B[i][:],
   the shape of BP4 summed over a batch   ("TN") */
static void nnd__gemm_tn(int nt, int m, int n, int k, const nnd_real *A, const nnd_real *B,
                         nnd_real *C)
{
    nnd__gemm_rows(nt, k, n, m, A, 1, (size_t)k, B, (size_t)n, NULL, C, (size_t)n);
}

/* T[n x k] = W[k x n]^T (rows of W ldw apart, rows of T ldt apart), in
   blocks that stay in cache (threads take bands of 32 rows of W: disjoint
   columns of T). */
static void nnd__transpose(int nt, int k, int n, const nnd_real *NND__RESTRICT W, size_t ldw,
                           nnd_real *NND__RESTRICT T, size_t ldt)
{
    int b;
    (void)nt;
    NND__FOR(nt, 2.0 * k * n, b, 0, (k + 31) / 32, {
        const int p0 = 32 * b;
        int j0, p, j;
        for (j0 = 0; j0 < n; j0 += 32)
            for (p = p0; p < k && p < p0 + 32; ++p)
                for (j = j0; j < n && j < j0 + 32; ++j) T[(size_t)j * ldt + p] = W[(size_t)p * ldw + j];
    });
}

/* C[m x k] = D[m x n] W[k x n]^T (rows of C ldc apart).  "NT": C[i][p] = <D[i][:], W[p][:]> -
   the shape of BP2 (delta back through the weights). T is scratch of
   min(k n, (n + k) mp) values, mp = max(m, VL). The product is formed by the
   row kernels with one operand transposed, whichever is smaller:
   - W into T [n x k], then C = D T   (many rows, m >= n);
   - for a small batch (m < n, e.g. 10 deltas through a 2880 x 100 layer),
     D into T [n x mp] (columns m..mp-1 zero: a row kernel needs at least
     VL columns), then C^T = W T [k x mp] (in T after D^T), then C^T into C
     - so a large W is only read, never copied.
   Both give C[i][p] = sum_j D[i][j] W[p][j], the same terms added in the
   same order (j = 0, 1, ...), so the choice does not change a result. */
/* The small-batch form's two halves, apart so that nnd__bp2_step_part can
   transpose D once and take W a block of rows at a time: nnd__nt_operand
   puts D [m x n] into T [n x mp] (columns m..mp-1 zero), nnd__nt_rows forms
   C = D W^T for the k rows of W given, through Ct [k x mp]. */
static void nnd__nt_operand(int nt, int m, int n, const nnd_real *NND__RESTRICT D, nnd_real *NND__RESTRICT T,
                            int mp)
{
    int j, i;
    nnd__transpose(nt, m, n, D, (size_t)n, T, (size_t)mp);
    for (j = 0; j < n && m < mp; ++j)
        for (i = m; i < mp; ++i) T[(size_t)j * mp + i] = 0;
}

static void nnd__nt_rows(int nt, int m, int n, int k, const nnd_real *T, int mp, const nnd_real *W,
                         nnd_real *Ct, nnd_real *C, size_t ldc)
{
    nnd__gemm_rows(nt, k, mp, n, W, (size_t)n, 1, T, (size_t)mp, NULL, Ct, (size_t)mp);
    nnd__transpose(nt, k, m, Ct, (size_t)mp, C, ldc);
}

static void nnd__gemm_nt(int nt, int m, int n, int k, const nnd_real *NND__RESTRICT D,
                         const nnd_real *NND__RESTRICT W, nnd_real *NND__RESTRICT T,
                         nnd_real *NND__RESTRICT C, size_t ldc)
{
    const int mp = m > NND__VL ? m : NND__VL;
    if (m < n && ((size_t)n + k) * mp <= (size_t)k * n) {
        nnd__nt_operand(nt, m, n, D, T, mp);
        nnd__nt_rows(nt, m, n, k, T, mp, W, T + (size_t)n * mp, C, ldc);
    } else {
        nnd__transpose(nt, k, n, W, (size_t)n, T, (size_t)k);
        nnd__gemm_rows(nt, m, k, n, D, (size_t)n, 1, T, (size_t)k, NULL, C, ldc);
    }
}

/* The same two products for an input batch kept as (index, value) lists,
   so that zeros cost nothing: row i of A has cnt[i] nonzeros, at columns
   idx[i][0 .. cnt[i]-1] with values val[i][..]. */
static void nnd__sparse_nn(int nt, int m, int n, const int *cnt, const int *const *idx,
                           const nnd_real *const *val, const nnd_real *B, const nnd_real *bias,
                           nnd_real *C, double nnz)
{
    int i;
    (void)nt;
    (void)nnz;
    NND__FOR(nt, nnz * n, i, 0, (m + 1) / 2, { /* rows 2i and 2i + 1 */
        int r = 2 * i;
        if (r + 1 < m && n >= NND__VL)
            nnd__rows_pair(n, cnt[r], idx[r], val[r], cnt[r + 1], idx[r + 1], val[r + 1], B, (size_t)n,
                           bias, C + (size_t)r * n, C + (size_t)(r + 1) * n);
        else
            for (; r < m && r < 2 * i + 2; ++r)
                nnd__rows(n, cnt[r], idx[r], val[r], 1, B, (size_t)n, bias, C + (size_t)r * n);
    });
}

/* The first position in the sorted list idx[0..cnt) holding a value >= p. */
static int nnd__lower_bound(const int *idx, int cnt, int p)
{
    int lo = 0, hi = cnt;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (idx[mid] < p) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* C[k x n] = A^T D (accumulate = 0) or C += A^T D (accumulate = 1) for the
   sparse batch A [m x k]: scatter each nonzero A[i][p] times row i of D into
   row p of C. With threads, each takes a range of rows p (its part of every
   example's sorted list), so every row still adds its terms in example order. */
static void nnd__sparse_tn(int nt, int m, int k, int n, const int *cnt, const int *const *idx,
                           const nnd_real *const *val, const nnd_real *D, nnd_real *C, double nnz,
                           int accumulate)
{
    int t;
    (void)nnz;
    NND__FOR(nt, nnz * n, t, 0, nt, {
        const int p0 = (int)((long)k * t / nt), p1 = (int)((long)k * (t + 1) / nt);
        int i;
        if (!accumulate) memset(C + (size_t)p0 * n, 0, (size_t)(p1 - p0) * n * sizeof *C);
        for (i = 0; i < m; ++i) {
            const int a = p0 ? nnd__lower_bound(idx[i], cnt[i], p0) : 0;
            const int b = p1 < k ? nnd__lower_bound(idx[i], cnt[i], p1) : cnt[i];
            nnd__scatter(n, b - a, idx[i] + a, val[i] + a, D + (size_t)i * n, C);
        }
    });
}

/* s[j] = sum_i D[i][j]: BP3 summed over the batch. */
static void nnd__sum_rows(int m, int n, const nnd_real *NND__RESTRICT D, nnd_real *NND__RESTRICT s)
{
    int i, j;
    for (j = 0; j < n; ++j) s[j] = 0;
    for (i = 0; i < m; ++i)
        for (j = 0; j < n; ++j) s[j] += D[(size_t)i * n + j];
}

static int nnd__all_finite(const nnd_real *x, size_t n)
{
    size_t i;
    nnd_real acc = 0;
    /* x - x is 0 for finite x and NaN for NaN or +-inf */
    for (i = 0; i < n; ++i) acc += x[i] - x[i];
    return acc == 0;
}

/* -------------------------------------------------------------------------
   3. Neurons: activations (ch.1 sigmoid, ch.3 tanh/ReLU/softmax) and costs
   ------------------------------------------------------------------------- */
NND_DEF double nnd_sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

NND_DEF double nnd_sigmoid_prime(double z)
{
    double s = nnd_sigmoid(z);
    return s * (1.0 - s); /* ch.3 exercise: sigma' = sigma (1 - sigma) */
}

NND_DEF void nnd_softmax(const nnd_real *z, nnd_real *a, int n)
{
    int j;
    nnd_real mx = z[0], sum = 0;
    for (j = 1; j < n; ++j)
        if (z[j] > mx) mx = z[j];
    /* softmax(z) = softmax(z - max z): every exponent is <= 0, no overflow */
    for (j = 0; j < n; ++j) {
        a[j] = NND__EXP(z[j] - mx);
        sum += a[j];
    }
    for (j = 0; j < n; ++j) a[j] /= sum;
}

/* z[i] = sigma(z[i]) = 1/(1 + e^-z[i])   (3).
   float: e^x by its own few lines so that the loop vectorises (libm's expf
   is a call per element): x = k ln2 + r with k = round(x/ln2) and
   |r| <= ln2/2 (ln2 split in two for an exact k ln2), e^r by its Taylor
   polynomial to r^7 (truncation error < 2e-8), and 2^k assembled from its
   IEEE bits. Within 3e-7 (relative) of 1/(1+expf(-z)). |x| is clamped to
   88, which only matters where sigma is 1 or below 1e-38; the clamp works
   on the bits (integer selects vectorise where float compares, which may
   trap, do not), and k is taken from a copy with NaN replaced by 0 so that
   the conversion to int is always defined - a NaN still comes out NaN.
   double: libm's exp, for exact reproductions and gradient checks. */
static void nnd__sigmoid_rows(nnd_real *z, size_t len)
{
    size_t i;
#ifdef NND_DOUBLE
    for (i = 0; i < len; ++i) z[i] = 1.0 / (1.0 + exp(-z[i]));
#else
    for (i = 0; i < len; ++i) {
        float x = -z[i], xk, k, r, p, two_k;
        uint32_t u, ax;
        int32_t bits;
        memcpy(&u, &x, sizeof u);
        ax = u & 0x7fffffffu;
        u = ax > 0x42b00000u && ax <= 0x7f800000u ? (u & 0x80000000u) | 0x42b00000u : u; /* +-88 */
        memcpy(&x, &u, sizeof x);
        u &= 0u - (uint32_t)(ax <= 0x7f800000u); /* NaN -> 0 for k (a mask: no branch) */
        memcpy(&xk, &u, sizeof xk);
        k = (xk * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round(x/ln2) */
        r = x - k * 0.693145751953125f;             /* ln2, high bits: k*hi is exact */
        r = r - k * 1.428606765330187045e-06f;      /* ln2, low bits */
        p = 1.0f / 5040 + r * (1.0f / 40320);
        p = 1.0f / 720 + r * p;
        p = 1.0f / 120 + r * p;
        p = 1.0f / 24 + r * p;
        p = 1.0f / 6 + r * p;
        p = 0.5f + r * p;
        p = 1.0f + r * p;
        p = 1.0f + r * p;                           /* e^r */
        bits = ((int32_t)k + 127) * (1 << 23);      /* 2^k (k = -127: +0) */
        memcpy(&two_k, &bits, sizeof two_k);
        z[i] = 1.0f / (1.0f + p * two_k);
    }
#endif
}

/* In-place activation of a row-major batch [m x n] (softmax row by row);
   threads take whole rows, so a value does not depend on them. */
static void nnd__activate_rows(int nt, nnd_activation f, nnd_real *z, int m, int n)
{
    int i;
    (void)nt;
    if (f == NND_LINEAR) return;
    NND__FOR(nt, (f == NND_RELU ? 1.0 : 16.0) * m * n, i, 0, m, {
        nnd_real *zi = z + (size_t)i * n;
        int j;
        switch (f) {
        case NND_SIGMOID:
            nnd__sigmoid_rows(zi, (size_t)n);
            break;
        case NND_TANH:
            for (j = 0; j < n; ++j) zi[j] = NND__TANH(zi[j]);
            break;
        case NND_RELU:
            for (j = 0; j < n; ++j) zi[j] = zi[j] > 0 ? zi[j] : 0;
            break;
        case NND_SOFTMAX:
            nnd_softmax(zi, zi, n);
            break;
        default:
            break;
        }
    });
}

NND_DEF void nnd_activate(nnd_activation f, const nnd_real *z, nnd_real *a, int n)
{
    if (a != z) memmove(a, z, (size_t)n * sizeof *a);
    nnd__activate_rows(1, f, a, 1, n);
}

NND_DEF double nnd_activation_prime(nnd_activation f, double a)
{
    switch (f) {
    case NND_SIGMOID: return a * (1.0 - a);
    case NND_TANH: return 1.0 - a * a;
    case NND_RELU: return a > 0 ? 1.0 : 0.0;
    case NND_LINEAR: return 1.0;
    default: return 1.0; /* softmax is handled with its cost */
    }
}

/* d[i] *= f'(z[i]), with f' taken from the layer's output a = f(z). */
static void nnd__mul_prime(nnd_activation f, const nnd_real *NND__RESTRICT a,
                           nnd_real *NND__RESTRICT d, size_t len)
{
    size_t i;
    switch (f) {
    case NND_SIGMOID:
        for (i = 0; i < len; ++i) d[i] *= a[i] * (1 - a[i]);
        break;
    case NND_TANH:
        for (i = 0; i < len; ++i) d[i] *= 1 - a[i] * a[i];
        break;
    case NND_RELU:
        for (i = 0; i < len; ++i) d[i] = a[i] > 0 ? d[i] : 0;
        break;
    default:
        break;
    }
}

/* numpy's nan_to_num: NaN -> 0, +-inf -> +-largest double. */
static double nnd__nan_to_num(double x)
{
    if (x != x) return 0.0;
    if (x > DBL_MAX) return DBL_MAX;
    if (x < -DBL_MAX) return -DBL_MAX;
    return x;
}

NND_DEF double nnd_cost_fn(nnd_cost cost, const nnd_real *a, const nnd_real *y, int n)
{
    double c = 0.0;
    int j;
    switch (cost) {
    case NND_QUADRATIC: /* 0.5 ||a - y||^2 */
        for (j = 0; j < n; ++j) {
            double d = (double)a[j] - (double)y[j];
            c += d * d;
        }
        return 0.5 * c;
    case NND_CROSS_ENTROPY: /* (63), term by term through nan_to_num like network2 */
        for (j = 0; j < n; ++j) {
            double aj = a[j], yj = y[j];
            c += nnd__nan_to_num(-yj * log(aj) - (1.0 - yj) * log(1.0 - aj));
        }
        return c;
    case NND_LOG_LIKELIHOOD: /* (80) -ln a_y, written -sum y ln a for targets */
        for (j = 0; j < n; ++j)
            if (y[j] != 0) c -= (double)y[j] * log((double)a[j]);
        return c;
    }
    return c;
}

NND_DEF void nnd_cost_delta(nnd_cost cost, nnd_activation f, const nnd_real *a,
                            const nnd_real *y, nnd_real *delta, int n)
{
    int j;
    for (j = 0; j < n; ++j) delta[j] = a[j] - y[j];
    /* BP1 for the quadratic cost: (a - y) . f'(z). The cross-entropy with a
       sigmoid output (66) and the log-likelihood with softmax (84) cancel f'. */
    if (cost == NND_QUADRATIC) nnd__mul_prime(f, a, delta, (size_t)n);
}

/* -------------------------------------------------------------------------
   4. Networks: layers, parameters, workspace, initialisers
   ------------------------------------------------------------------------- */
typedef struct nnd__layer {
    nnd_layer_kind kind;
    nnd_activation act;
    int n_in, n_out; /* values per example: c h w of the maps in and out */
    double p_dropout;
    size_t w_off, n_w, b_off, n_b;
    /* Maps are stored position-major, channels innermost ("HWC"): value
       (c, y, x) of an example is at (y w + x) c_count + c. */
    int ic, ih, iw, oc, oh, ow;
    int fh, fw, ph, pw;
    int ch, cw;    /* conv output size before pooling (conv kinds) */
    int K;         /* conv: fh fw ic, the length of a patch (a filter) */
} nnd__layer;

/* Pacing: the thread count a busy machine allows. The threads of a step
   meet several times in it; when another program holds a core, each meeting
   waits for the thread that lost its core, and two threads can take many
   times as long as one. So training starts on one thread, times its full
   batches, and after NND__PACE_WARM + NND__PACE_TRIAL of them, then every
   NND__PACE_EVERY, tries the other setting (one thread, or all the plan
   allows) for NND__PACE_TRIAL batches: the trial's setting is kept when they
   took less than 0.9 of the NND__PACE_TRIAL batches before it, and the
   trial ends as soon as it can no longer win - so a trial costs at most
   about those batches' time again. No plan changes a result
   (nnd__plan_batch), so pacing changes none either. */
enum { NND__PACE_WARM = 8, NND__PACE_TRIAL = 16, NND__PACE_EVERY = 4096 };
typedef struct nnd__pace {
    int one;            /* batches run on one thread */
    int count, next;    /* full batches timed since the last trial; the trial starts at next */
    int trial;          /* batches of a running trial still to go (0: none) */
    double kept, tried; /* seconds: the NND__PACE_TRIAL batches before the trial, and the trial's */
} nnd__pace;

struct nnd_net {
    int n_layers, n_in, n_out, max_width;
    nnd_cost cost;
    nnd__layer *layer;
    size_t n_params;
    nnd_real *params; /* per layer: weights [n_in x n_out], then biases */
    nnd_real *grad;   /* same layout */
    nnd_rng dropout_rng;
    int sparse_mode;  /* an nnd_input_mode (nnd_set_sparse_input) */
    int threads;      /* 0: OpenMP's default; ignored without OpenMP */
    nnd__pace pace;   /* one thread or all, as training measures (nnd__pace_batch) */
    int train_mode;   /* nnd_backprop / nnd_batch_cost draw dropout masks */
    int params_set;   /* an initialiser, a loader or the caller set the parameters */
    nnd_error error;  /* the most recent failure's detail (nnd_net_error) */
    /* Workspace for batches of up to cap examples, laid out by one table
       (nnd__workspace_layout): the small buffers below point into block,
       each large one is an allocation of its own (own[0 .. n_own-1]). */
    void *block;
    void **own;
    int n_own;
    int cap;
    nnd_real **a;        /* a[0] the input batch, a[l+1] the output of layer l */
    nnd_real **dropped;  /* dropped[l]: layer l's input times its dropout mask */
    nnd_real **mask;     /* mask[l]: 0/1 per input unit of layer l */
    nnd_real **dz;       /* dz[l]: Delta^l = dC/dz at layer l's output [cap x n_out] */
    nnd_real *scratch;   /* [cap x max_width]: the fused sparse step's -(eta/m) Delta^1 */
    nnd_real *target;    /* [cap x n_out] */
    /* Convolutional layers (NULL elsewhere): */
    nnd_real **col;      /* col[l]: the batch's patches [cap ch cw x K] (im2col) */
    nnd_real **zc;       /* zc[l]: conv-pool's conv output [cap ch cw x oc] */
    int **arg;           /* arg[l]: pool winner of each output value [cap n_out]:
                            a pool layer's, its index in the layer's input;
                            a conv-pool layer's, the pixel y iw + x at the top
                            left of the winning patch (position y, x) */
    nnd_real **wtc;      /* wtc[l]: the conv filters transposed, [K x oc] */
    int **route_idx;      /* conv-pool layer l's weight gradient: per filter, the */
    nnd_real **route_val; /* pixels (arg) that won its pooled values, and Delta there */
    /* Scratch of each slab (a run of a batch's examples that one thread
       takes through every layer, see nnd__forward): slab_len values and
       slab_ints ints apiece, for slab_cap slabs. */
    nnd_real *slab;
    int *slab_int;
    size_t slab_len, slab_ints;
    int slab_cap;
    double work;         /* multiply-adds of one example's forward pass */
    /* The input batch as lists of nonzeros, row by row, when most of it is
       zero: the first layer then touches only nonzero inputs. */
    int sparse;          /* the current batch uses them */
    size_t sp_total;     /* its number of nonzeros */
    int *sp_cnt;                 /* example i has sp_cnt[i] nonzeros: */
    const int **sp_row_idx;      /* at inputs sp_row_idx[i][0..cnt) */
    const nnd_real **sp_row_val; /* with values sp_row_val[i][0..cnt) */
    int *sp_idx;                 /* storage for lists found by scanning */
    nnd_real *sp_val;
};

enum { NND__MAX_LAYERS = 1000, NND__MAX_WIDTH = 1 << 24 };

NND_DEF nnd_layer_spec nnd_dense_layer(int n_out, nnd_activation f, double p_dropout)
{
    nnd_layer_spec s;
    memset(&s, 0, sizeof s);
    s.kind = NND_LAYER_DENSE;
    s.activation = f;
    s.n_out = n_out;
    s.p_dropout = p_dropout;
    return s;
}

NND_DEF nnd_layer_spec nnd_fully_connected_layer(int n_out, nnd_activation f, double p_dropout)
{
    return nnd_dense_layer(n_out, f, p_dropout);
}

NND_DEF nnd_layer_spec nnd_softmax_layer(int n_out, double p_dropout)
{
    return nnd_dense_layer(n_out, NND_SOFTMAX, p_dropout);
}

NND_DEF nnd_layer_spec nnd_conv_pool_layer(int filters, int filter_h, int filter_w, int pool_h,
                                           int pool_w, nnd_activation f)
{
    nnd_layer_spec s = nnd_dense_layer(filters, f, 0.0);
    s.kind = NND_LAYER_CONV_POOL;
    s.filter_h = filter_h;
    s.filter_w = filter_w;
    s.pool_h = pool_h;
    s.pool_w = pool_w;
    return s;
}

NND_DEF nnd_layer_spec nnd_conv_layer(int filters, int filter_h, int filter_w, nnd_activation f)
{
    nnd_layer_spec s = nnd_conv_pool_layer(filters, filter_h, filter_w, 0, 0, f);
    s.kind = NND_LAYER_CONV;
    return s;
}

NND_DEF nnd_layer_spec nnd_pool_layer(int pool_h, int pool_w)
{
    nnd_layer_spec s = nnd_dense_layer(0, NND_LINEAR, 0.0);
    s.kind = NND_LAYER_POOL;
    s.pool_h = pool_h;
    s.pool_w = pool_w;
    return s;
}

/* Fill in L's shapes from its spec and its input maps (c, h, w); 0 if the
   layer does not fit them. */
static int nnd__layer_shape(nnd__layer *L, const nnd_layer_spec *s, int c, int h, int w)
{
    const int big = NND__MAX_WIDTH;
    L->ic = c;
    L->ih = h;
    L->iw = w;
    L->n_in = c * h * w;
    L->fh = L->fw = L->ph = L->pw = 0;
    L->ch = h;
    L->cw = w;
    L->K = 0;
    switch (s->kind) {
    case NND_LAYER_DENSE:
        if (s->n_out < 1 || s->n_out > big) return 0;
        L->oc = s->n_out;
        L->oh = L->ow = 1;
        break;
    case NND_LAYER_CONV:
    case NND_LAYER_CONV_POOL:
        if (s->n_out < 1 || s->n_out > big || s->filter_h < 1 || s->filter_w < 1 ||
            s->filter_h > h || s->filter_w > w)
            return 0;
        L->fh = s->filter_h;
        L->fw = s->filter_w;
        L->ch = h - L->fh + 1; /* "valid": only positions where the filter fits */
        L->cw = w - L->fw + 1;
        L->K = L->fh * L->fw * c;
        if ((double)L->K * s->n_out > big) return 0;
        L->oc = s->n_out;
        L->oh = L->ch;
        L->ow = L->cw;
        if (s->kind == NND_LAYER_CONV) break;
        /* the conv output is pooled: */
        /* fall through */
    case NND_LAYER_POOL:
        if (s->pool_h < 1 || s->pool_w < 1 || s->pool_h > L->ch || s->pool_w > L->cw) return 0;
        L->ph = s->pool_h;
        L->pw = s->pool_w;
        if (s->kind == NND_LAYER_POOL) L->oc = c;
        L->oh = L->ch / L->ph; /* ignore_border: a partial block is dropped */
        L->ow = L->cw / L->pw;
        break;
    default:
        return 0;
    }
    if ((double)L->oc * L->oh * L->ow > big) return 0;
    L->n_out = L->oc * L->oh * L->ow;
    return 1;
}

/* The workspace is the block and the large buffers' own allocations
   (nnd__reserve); freeing it clears every pointer into it. */
static void nnd__free_workspace(nnd_net *net)
{
    int i;
    for (i = 0; i < net->n_own; ++i) NND_FREE(net->own[i]);
    NND_FREE(net->block); /* which holds the list own */
    net->block = NULL;
    net->own = NULL;
    net->n_own = 0;
    net->a = net->dropped = net->mask = net->dz = net->col = net->zc = net->wtc = NULL;
    net->route_val = NULL;
    net->arg = net->route_idx = NULL;
    net->scratch = net->target = net->slab = net->sp_val = NULL;
    net->slab_int = net->sp_cnt = net->sp_idx = NULL;
    net->sp_row_idx = NULL;
    net->sp_row_val = NULL;
    net->slab_len = net->slab_ints = 0;
    net->slab_cap = net->cap = 0;
}

/* Whether layer l's weight gradient reads a padded copy of its input image
   a filter at a time (nnd__rows_image): a first conv-pool layer with one
   channel and filters narrow enough. */
static int nnd__image_gradient(const nnd_net *net, int l)
{
    const nnd__layer *L = &net->layer[l];
    return l == 0 && L->kind == NND_LAYER_CONV_POOL && L->ic == 1 && L->fw <= NND__VL &&
           L->fh <= NND__IMAGE_FH;
}

/* Whether conv-pool layer L takes its forward pass straight from its input
   (nnd__conv_pool_direct): a pooling window of at most four positions, at
   least a vector of filters. Otherwise im2col, Z = COL W^T, nnd__maxpool. */
static int nnd__conv_direct(const nnd__layer *L)
{
    return L->kind == NND_LAYER_CONV_POOL && L->ph * L->pw <= 4 && L->oc >= NND__VL;
}

static int nnd__threads(const nnd_net *net);

/* The workspace is laid out twice by nnd__workspace_layout: once with no
   block, to add up its size and count its large buffers, then for real.
   nnd__carve hands out n items of `size` bytes at a 64-byte boundary (a
   cache line): a buffer of NND__OWN_BYTES or more as an allocation of its
   own, a smaller one from the shared block. (The conv kernels run slower
   when all their large buffers are cut from one block, though on no one
   buffer in particular; as the C library places them apart they do not.)
   A size that does not fit a size_t, or an allocation that fails, sets
   overflow. */
#define NND__OWN_BYTES 4096
typedef struct nnd__carver {
    char *base;   /* NULL while sizing */
    size_t used;  /* bytes of the block */
    int overflow;
    int n_own;    /* large buffers so far */
    void **own;   /* their allocations (while carving) */
} nnd__carver;

static void *nnd__carve(nnd__carver *C, size_t n, size_t size)
{
    size_t at;
    char *p;
    if (C->used > (size_t)-1 - 128) C->overflow = 1;
    if (C->overflow) return NULL;
    at = (C->used + 63) / 64 * 64 + 64; /* a cache line apart: no two buffers at the same 4 KB offset */
    if (n && size > ((size_t)-1 - at) / n) {
        C->overflow = 1;
        return NULL;
    }
    if (n * size < NND__OWN_BYTES) {
        C->used = at + n * size;
        return C->base ? C->base + at : NULL;
    }
    if (!C->base) {
        ++C->n_own;
        return NULL;
    }
    if (!(p = (char *)nnd__alloc(n * size + 64, 1))) {
        C->overflow = 1;
        return NULL;
    }
    C->own[C->n_own++] = p;
    return p + (64 - (size_t)((uintptr_t)p & 63));
}

/* lhs = n items of type T from the block (lhs is not touched while sizing) */
#define NND__TAKE(C, lhs, n, T)                                     \
    do {                                                            \
        T *taken_ = (T *)nnd__carve((C), (size_t)(n), sizeof(T));   \
        if ((C)->base) (lhs) = taken_;                              \
    } while (0)

static int nnd__large(const nnd_net *net, int l);

/* The weight rows nnd__bp2_step_part takes at a time: in float, 32 rows of
   1000 outputs and their gradient rows are 256 KB, a core's share of cache. */
#define NND__STEP_ROWS 32

/* A slab's scratch (see nnd__forward), in values and ints. BP2 above the
   first layer: a dense layer's nnd__gemm_nt needs the smaller of W^T and
   D^T + C^T (see there), a large one's fused step D^T and NND__STEP_ROWS
   rows of C^T and of the gradient (nnd__bp2_step_part); a convolution one example's dCOL, conv-pool also
   its routing lists. For a layer whose gradient reads the image (a first
   layer: no BP2) the slab holds nnd__gradients' copy of it and VL zeros. */
static void nnd__slab_sizes(const nnd_net *net, size_t M, size_t *len, size_t *ints)
{
    const size_t VL = NND__VL;
    int l;
    *len = *ints = 1;
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        const size_t P = (size_t)L->ch * L->cw;
        if (l > 0 && L->kind == NND_LAYER_DENSE) {
            const size_t kn = (size_t)L->n_in * L->n_out, mp = M > VL ? M : VL;
            const size_t dt = ((size_t)L->n_in + L->n_out) * mp;
            const size_t fused = nnd__large(net, l) ? L->n_out * mp + NND__STEP_ROWS * (mp + L->n_out) : 0;
            if ((kn < dt ? kn : dt) > *len) *len = kn < dt ? kn : dt;
            if (fused > *len) *len = fused;
        } else if (L->kind != NND_LAYER_POOL) {
            const size_t need = nnd__image_gradient(net, l) ? (size_t)L->n_in + VL
                                : l > 0                     ? P * L->K + L->n_out
                                                            : 0;
            if (need > *len) *len = need;
            if (l > 0 && P + 1 + L->n_out > *ints) *ints = P + 1 + L->n_out;
        }
    }
}

/* Every buffer of the workspace for batches of M examples and S slabs, per
   layer l (P = positions of a conv layer's output before pooling):
     a[l+1], dz[l]        M n_out        every layer
     dropped[l], mask[l]  M n_in         layers with dropout
     col[l]               M P K          conv, conv-pool (im2col patches) but
                                         a direct conv-pool (nnd__conv_direct)
     wtc[l]               n_w            conv, conv-pool (filters transposed)
     zc[l]                M P F          conv-pool but a direct one (before
                                         pooling; the reference path: all)
     route_idx/val[l]     M n_out        conv-pool (weight gradient lists)
     arg[l]               M n_out        pool, conv-pool (pool winners)
   and a[0], scratch, target, the sparse input lists and the slabs. */
static void nnd__workspace_layout(nnd_net *net, nnd__carver *C, size_t M, size_t S)
{
    const size_t nl = (size_t)net->n_layers, nz = M * net->n_in;
    int l;
    NND__TAKE(C, net->a, nl + 1, nnd_real *);
    NND__TAKE(C, net->dropped, nl, nnd_real *);
    NND__TAKE(C, net->mask, nl, nnd_real *);
    NND__TAKE(C, net->dz, nl, nnd_real *);
    NND__TAKE(C, net->col, nl, nnd_real *);
    NND__TAKE(C, net->zc, nl, nnd_real *);
    NND__TAKE(C, net->wtc, nl, nnd_real *);
    NND__TAKE(C, net->route_val, nl, nnd_real *);
    NND__TAKE(C, net->arg, nl, int *);
    NND__TAKE(C, net->route_idx, nl, int *);
    if (C->base) memset(C->base, 0, C->used); /* the pointer lists: NULL where a layer has none */
    NND__TAKE(C, net->a[0], nz, nnd_real);
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        const size_t P = (size_t)L->ch * L->cw, out = M * L->n_out;
        const int conv = L->kind == NND_LAYER_CONV || L->kind == NND_LAYER_CONV_POOL;
        NND__TAKE(C, net->a[l + 1], out, nnd_real);
        NND__TAKE(C, net->dz[l], out, nnd_real);
        if (L->p_dropout > 0) {
            NND__TAKE(C, net->dropped[l], M * L->n_in, nnd_real);
            NND__TAKE(C, net->mask[l], M * L->n_in, nnd_real);
        }
        if (conv) {
            if (!nnd__conv_direct(L)) NND__TAKE(C, net->col[l], M * P * L->K, nnd_real);
            NND__TAKE(C, net->wtc[l], L->n_w, nnd_real);
        }
        if (L->kind == NND_LAYER_CONV_POOL) {
            if (NND__REFERENCE || !nnd__conv_direct(L)) NND__TAKE(C, net->zc[l], M * P * L->oc, nnd_real);
            NND__TAKE(C, net->route_idx[l], out, int);
            NND__TAKE(C, net->route_val[l], out, nnd_real);
        }
        if (L->kind == NND_LAYER_POOL || L->kind == NND_LAYER_CONV_POOL)
            NND__TAKE(C, net->arg[l], out, int);
    }
    NND__TAKE(C, net->scratch, M * net->max_width, nnd_real);
    NND__TAKE(C, net->target, M * net->n_out, nnd_real);
    NND__TAKE(C, net->sp_cnt, M, int);
    NND__TAKE(C, net->sp_row_idx, M, const int *);
    NND__TAKE(C, net->sp_row_val, M, const nnd_real *);
    NND__TAKE(C, net->sp_idx, nz, int);
    NND__TAKE(C, net->sp_val, nz, nnd_real);
    NND__TAKE(C, net->slab, net->slab_len * S, nnd_real);
    NND__TAKE(C, net->slab_int, net->slab_ints * S, int);
}

static int nnd__threads(const nnd_net *net);

/* Size the workspace for batches of m examples (and slab scratch for as
   many slabs as threads) and allocate it: the block, then each large
   buffer (nnd__carve). Called before any loop; the loops themselves never
   allocate. */
static int nnd__reserve(nnd_net *net, int m)
{
    const int slabs = nnd__threads(net);
    nnd__carver C;
    size_t len, ints;
    if (m <= net->cap && slabs <= net->slab_cap) return NND_OK;
    if (m < net->cap) m = net->cap;
    nnd__free_workspace(net);
    nnd__slab_sizes(net, (size_t)m, &len, &ints);
    net->slab_len = len;
    net->slab_ints = ints;
    memset(&C, 0, sizeof C);
    nnd__workspace_layout(net, &C, (size_t)m, (size_t)slabs);
    /* the block, and after it the list of the large buffers' allocations */
    C.used = (C.used + 63) / 64 * 64;
    if (!C.overflow && (size_t)C.n_own < ((size_t)-1 - C.used) / sizeof(void *))
        C.base = (char *)nnd__alloc(C.used + (size_t)C.n_own * sizeof(void *), 1);
    if (!C.base) {
        nnd__free_workspace(net);
        return NND_ERR_NOMEM;
    }
    net->block = C.base;
    net->own = C.own = (void **)(void *)(C.base + C.used);
    C.used = 0;
    C.n_own = 0;
    nnd__workspace_layout(net, &C, (size_t)m, (size_t)slabs);
    net->n_own = C.n_own;
    if (C.overflow) { /* an allocation failed */
        nnd__free_workspace(net);
        return NND_ERR_NOMEM;
    }
    net->cap = m;
    net->slab_cap = slabs;
    return NND_OK;
}

/* Check a stack of layer specs and lay it out: every layer's shapes and its
   place in the parameter block (layer[0 .. n_layers-1]), the parameter
   count, the widest batch row and the work of one example. Allocates
   nothing, so a loader can compare a file's sizes with the numbers it
   holds before it builds anything. NND_ERR_ARG for an impossible spec,
   NND_ERR_SHAPE for layers that do not fit their input. */
static int nnd__layout(int n_in, const nnd_layer_spec *specs, int n_layers, nnd_cost cost,
                       nnd__layer *layer, size_t *n_params, int *max_width, double *work, int *bad)
{
    size_t off = 0;
    int l, c = n_in, h = 1, w = 1;
    *bad = -1;
    if (n_in < 1 || n_in > NND__MAX_WIDTH || !specs || n_layers < 1 ||
        n_layers > NND__MAX_LAYERS || (int)cost < 0 || (int)cost > 2)
        return NND_ERR_ARG;
    for (l = 0; l < n_layers; ++l) {
        const nnd_layer_spec *s = &specs[l];
        int last = l == n_layers - 1;
        if ((int)s->kind < 0 || (int)s->kind > 3 ||
            (s->kind != NND_LAYER_POOL && (s->n_out < 1 || s->n_out > NND__MAX_WIDTH)) ||
            (s->kind != NND_LAYER_DENSE && (s->p_dropout != 0 || s->activation == NND_SOFTMAX)) ||
            (s->kind == NND_LAYER_POOL && s->activation != NND_LINEAR) ||
            (int)s->activation < 0 || (int)s->activation > 4 ||
            !(s->p_dropout >= 0.0 && s->p_dropout < 1.0) ||
            (s->activation == NND_SOFTMAX && (!last || cost != NND_LOG_LIKELIHOOD)) ||
            (last && cost == NND_LOG_LIKELIHOOD && s->activation != NND_SOFTMAX) ||
            (last && cost == NND_CROSS_ENTROPY && s->activation != NND_SIGMOID)) {
            *bad = l;
            return NND_ERR_ARG;
        }
    }
    *max_width = n_in;
    *work = 0;
    for (l = 0; l < n_layers; ++l) {
        nnd__layer *L = &layer[l];
        const nnd_layer_spec *s = &specs[l];
        memset(L, 0, sizeof *L);
        L->kind = s->kind;
        L->act = s->activation;
        L->p_dropout = s->p_dropout;
        if (s->kind != NND_LAYER_DENSE && (s->image_c || s->image_h || s->image_w)) {
            if ((double)s->image_c * s->image_h * s->image_w != (double)c * h * w) c = -1;
            else {
                c = s->image_c;
                h = s->image_h;
                w = s->image_w;
            }
        } else if (s->kind != NND_LAYER_DENSE && h == 1 && w == 1 && l == 0) {
            int side = (int)(sqrt((double)n_in) + 0.5); /* a square one-channel image */
            if (side * side == n_in) {
                c = 1;
                h = w = side;
            }
        }
        if (c < 1 || !nnd__layer_shape(L, s, c, h, w)) {
            *bad = l;
            return NND_ERR_SHAPE;
        }
        L->w_off = off;
        L->n_w = s->kind == NND_LAYER_DENSE ? (size_t)L->n_in * (size_t)L->n_out
                 : s->kind == NND_LAYER_POOL ? 0 : (size_t)L->K * (size_t)L->oc;
        off += L->n_w;
        L->b_off = off;
        L->n_b = s->kind == NND_LAYER_POOL ? 0 : (size_t)L->oc;
        off += L->n_b;
        *work += s->kind == NND_LAYER_POOL ? 0.0
                 : (double)L->n_w * (s->kind == NND_LAYER_DENSE ? 1 : L->ch * L->cw);
        c = L->oc;
        h = L->oh;
        w = L->ow;
        if (L->n_out > *max_width) *max_width = L->n_out;
        if (L->n_in > *max_width) *max_width = L->n_in;
    }
    *n_params = off;
    return NND_OK;
}

/* The workspace is not reserved here but by the first call that runs the
   net (nnd__reserve), sized by its batch: creating or loading a net costs
   its parameters and gradients only. */
NND_DEF nnd_net *nnd_net_create(int n_in, const nnd_layer_spec *specs, int n_layers,
                                nnd_cost cost, int *status)
{
    nnd_net *net;
    int st, l;
    if (n_layers < 1 || n_layers > NND__MAX_LAYERS) {
        nnd__set_status(status, NND_ERR_ARG);
        return NULL;
    }
    net = (nnd_net *)nnd__zalloc(1, sizeof *net);
    if (net) net->layer = (nnd__layer *)nnd__zalloc((size_t)n_layers, sizeof(nnd__layer));
    if (!net || !net->layer) {
        NND_FREE(net);
        nnd__set_status(status, NND_ERR_NOMEM);
        return NULL;
    }
    st = nnd__layout(n_in, specs, n_layers, cost, net->layer, &net->n_params, &net->max_width,
                     &net->work, &l);
    if (st != NND_OK) {
        nnd_free(net);
        nnd__set_status(status, st);
        return NULL;
    }
    net->n_layers = n_layers;
    net->n_in = n_in;
    net->n_out = net->layer[n_layers - 1].n_out;
    net->cost = cost;
    nnd_rng_seed(&net->dropout_rng, 0);
    net->params_set = net->n_params == 0; /* a net of pooling layers has nothing to set */
    net->params = (nnd_real *)nnd__zalloc(net->n_params, sizeof(nnd_real));
    net->grad = (nnd_real *)nnd__zalloc(net->n_params, sizeof(nnd_real));
    if (!net->params || !net->grad) {
        nnd_free(net);
        nnd__set_status(status, NND_ERR_NOMEM);
        return NULL;
    }
    nnd__set_status(status, NND_OK);
    return net;
}

NND_DEF nnd_net *nnd_network2(const int *sizes, int n_sizes, nnd_cost cost, nnd_rng *rng,
                              int *status)
{
    nnd_layer_spec specs[64];
    nnd_layer_spec *sp = specs;
    nnd_net *net;
    int l;
    if (!sizes || n_sizes < 2 || n_sizes > NND__MAX_LAYERS + 1 ||
        (cost != NND_QUADRATIC && cost != NND_CROSS_ENTROPY)) {
        nnd__set_status(status, NND_ERR_ARG);
        return NULL;
    }
    if (n_sizes - 1 > 64) {
        sp = (nnd_layer_spec *)nnd__alloc((size_t)n_sizes - 1, sizeof *sp);
        if (!sp) {
            nnd__set_status(status, NND_ERR_NOMEM);
            return NULL;
        }
    }
    for (l = 1; l < n_sizes; ++l) sp[l - 1] = nnd_dense_layer(sizes[l], NND_SIGMOID, 0.0);
    net = nnd_net_create(sizes[0], sp, n_sizes - 1, cost, status);
    if (sp != specs) NND_FREE(sp);
    if (net && rng) nnd_default_weight_initializer(net, rng);
    if (net) net->params_set = 1; /* zeros, when rng is NULL, were asked for */
    return net;
}

NND_DEF void nnd_free(nnd_net *net)
{
    if (!net) return;
    nnd__free_workspace(net);
    NND_FREE(net->params);
    NND_FREE(net->grad);
    NND_FREE(net->layer);
    NND_FREE(net);
}

/* Draw every bias from N(0,1) and every weight from N(0, 1)*scale(n_in),
   layer by layer in the book's order: biases, then weights row by row
   (neuron j's incoming weights w_j0 .. w_j,n_in-1). */
/* Where w_jk lives in a layer's weight block: dense layers keep W^T
   ([n_in x n_out], element (k, j) at k n_out + j), conv layers one filter per
   row ([filters x K], element (j, k) at j K + k). */
static size_t nnd__widx(const nnd__layer *L, int j, int k)
{
    int c, kx, ky;
    if (L->kind == NND_LAYER_DENSE) return (size_t)k * L->n_out + j;
    /* k = (ky fw + kx) ic + c in the book's (true convolution) indexing;
       stored flipped, at ((fh-1-ky) fw + fw-1-kx) ic + c (see nnd__im2col) */
    c = k % L->ic;
    kx = (k / L->ic) % L->fw;
    ky = k / L->ic / L->fw;
    return (size_t)j * L->K + ((size_t)(L->fh - 1 - ky) * L->fw + (L->fw - 1 - kx)) * L->ic + c;
}

/* Neurons (filters) and inputs per neuron of a layer's weights. */
static int nnd__fan_out(const nnd__layer *L) { return L->kind == NND_LAYER_DENSE ? L->n_out : L->oc; }
static int nnd__fan_in(const nnd__layer *L) { return L->kind == NND_LAYER_DENSE ? L->n_in : L->K; }

/* The initialisers' standard deviations: network2's large_weight (1) and
   default (1/sqrt(fan in)) ones, network3's (1/sqrt(n_out) for a dense
   layer, or its fan-in with NND__INIT_NETWORK3_FAN_IN; zero softmax). */
typedef enum nnd__init {
    NND__INIT_LARGE, NND__INIT_DEFAULT, NND__INIT_NETWORK3, NND__INIT_NETWORK3_FAN_IN
} nnd__init;

/* Draw every bias from N(0,1) and every weight from N(0, sd^2), layer by
   layer in the book's order: biases, then weights row by row (neuron j's
   incoming weights w_j0 .. w_j,fan_in-1). */
static void nnd__init_gaussian(nnd_net *net, nnd_rng *rng, nnd__init mode)
{
    int l, j, k;
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        nnd_real *W = net->params + L->w_off, *b = net->params + L->b_off;
        const int nj = nnd__fan_out(L), nk = nnd__fan_in(L);
        double sd = 1.0;
        if (L->kind == NND_LAYER_POOL) continue;
        if (mode == NND__INIT_DEFAULT) sd = 1.0 / sqrt((double)nk);
        if (mode == NND__INIT_NETWORK3 || mode == NND__INIT_NETWORK3_FAN_IN) {
            if (L->kind == NND_LAYER_DENSE && L->act == NND_SOFTMAX) {
                memset(W, 0, L->n_w * sizeof *W); /* SoftmaxLayer starts at zero */
                memset(b, 0, L->n_b * sizeof *b);
                continue;
            }
            if (L->kind == NND_LAYER_DENSE)
                sd = 1.0 / sqrt((double)(mode == NND__INIT_NETWORK3_FAN_IN ? L->n_in : L->n_out));
            else /* n_out = filters fh fw / (ph pw) */
                sd = 1.0 / sqrt((double)L->oc * L->fh * L->fw /
                                (L->ph ? (double)L->ph * L->pw : 1.0));
        }
        for (j = 0; j < nj; ++j) b[j] = (nnd_real)nnd_rng_normal(rng);
        for (j = 0; j < nj; ++j)
            for (k = 0; k < nk; ++k) W[nnd__widx(L, j, k)] = (nnd_real)(nnd_rng_normal(rng) * sd);
    }
}

NND_DEF void nnd_default_weight_initializer(nnd_net *net, nnd_rng *rng)
{
    nnd__init_gaussian(net, rng, NND__INIT_DEFAULT);
    net->params_set = 1;
}

NND_DEF void nnd_large_weight_initializer(nnd_net *net, nnd_rng *rng)
{
    nnd__init_gaussian(net, rng, NND__INIT_LARGE);
    net->params_set = 1;
}

NND_DEF void nnd_network3_initializer(nnd_net *net, nnd_rng *rng, int fan_in)
{
    nnd__init_gaussian(net, rng, fan_in ? NND__INIT_NETWORK3_FAN_IN : NND__INIT_NETWORK3);
    net->params_set = 1;
}

NND_DEF int nnd_num_layers(const nnd_net *net) { return net->n_layers; }
NND_DEF int nnd_input_size(const nnd_net *net) { return net->n_in; }
NND_DEF int nnd_output_size(const nnd_net *net) { return net->n_out; }
NND_DEF nnd_cost nnd_net_cost(const nnd_net *net) { return net->cost; }
NND_DEF size_t nnd_param_count(const nnd_net *net) { return net->n_params; }
/* The writable views count as setting the parameters (nnd_net_create). */
NND_DEF nnd_real *nnd_params(nnd_net *net)
{
    net->params_set = 1;
    return net->params;
}

NND_DEF const nnd_error *nnd_net_error(const nnd_net *net) { return &net->error; }

/* Whether net may run: its parameters were set (nnd_net_create). */
static int nnd__usable(nnd_net *net, const char *fn)
{
    if (net->params_set) return NND_OK;
    return nnd__fail(&net->error, NND_ERR_ARG, 0,
                     "%s: the network's parameters were never set - call an initialiser "
                     "(nnd_default_weight_initializer, nnd_network3_initializer) or load a file", fn);
}

NND_DEF nnd_layer_desc nnd_layer_info(const nnd_net *net, int l)
{
    nnd_layer_desc d;
    const nnd__layer *L;
    NND_ASSERT(l >= 0 && l < net->n_layers);
    L = &net->layer[l];
    d.kind = L->kind;
    d.activation = L->act;
    d.n_in = L->n_in;
    d.n_out = L->n_out;
    d.p_dropout = L->p_dropout;
    d.n_weights = L->n_w;
    d.n_biases = L->n_b;
    d.weight_offset = L->w_off;
    d.bias_offset = L->b_off;
    d.in_c = L->ic;
    d.in_h = L->ih;
    d.in_w = L->iw;
    d.out_c = L->oc;
    d.out_h = L->oh;
    d.out_w = L->ow;
    d.filter_h = L->fh;
    d.filter_w = L->fw;
    d.pool_h = L->ph;
    d.pool_w = L->pw;
    return d;
}

NND_DEF nnd_real *nnd_weights(nnd_net *net, int l)
{
    NND_ASSERT(l >= 0 && l < net->n_layers);
    net->params_set = 1;
    return net->params + net->layer[l].w_off;
}

NND_DEF nnd_real *nnd_biases(nnd_net *net, int l)
{
    NND_ASSERT(l >= 0 && l < net->n_layers);
    net->params_set = 1;
    return net->params + net->layer[l].b_off;
}

NND_DEF double nnd_weight(const nnd_net *net, int l, int j, int k)
{
    const nnd__layer *L;
    NND_ASSERT(l >= 0 && l < net->n_layers);
    L = &net->layer[l];
    NND_ASSERT(L->n_w > 0 && j >= 0 && j < nnd__fan_out(L) && k >= 0 && k < nnd__fan_in(L));
    return net->params[L->w_off + nnd__widx(L, j, k)];
}

NND_DEF void nnd_set_weight(nnd_net *net, int l, int j, int k, double w)
{
    const nnd__layer *L;
    NND_ASSERT(l >= 0 && l < net->n_layers);
    L = &net->layer[l];
    NND_ASSERT(L->n_w > 0 && j >= 0 && j < nnd__fan_out(L) && k >= 0 && k < nnd__fan_in(L));
    net->params[L->w_off + nnd__widx(L, j, k)] = (nnd_real)w;
    net->params_set = 1;
}

NND_DEF void nnd_set_sparse_input(nnd_net *net, int mode) { net->sparse_mode = mode; }
NND_DEF void nnd_set_threads(nnd_net *net, int threads)
{
    net->threads = threads > 0 ? threads : 0;
    memset(&net->pace, 0, sizeof net->pace);
}

/* The number of threads the kernels may use. */
static int nnd__threads(const nnd_net *net)
{
#if defined(_OPENMP)
    return net->threads > 0 ? net->threads : omp_get_max_threads();
#else
    (void)net;
    return 1;
#endif
}

NND_DEF void nnd_set_train_mode(nnd_net *net, int on) { net->train_mode = on != 0; }

NND_DEF void nnd_set_dropout_seed(nnd_net *net, uint64_t seed)
{
    nnd_rng_seed(&net->dropout_rng, seed);
}

NND_DEF nnd_rng nnd_dropout_rng(const nnd_net *net) { return net->dropout_rng; }

NND_DEF void nnd_set_dropout_rng(nnd_net *net, const nnd_rng *rng) { net->dropout_rng = *rng; }

/* -------------------------------------------------------------------------
   5. Layers, plainly: the reference path (NND_REFERENCE)
   ------------------------------------------------------------------------- */
/* The book's equations as loops, a forward / backward pair per layer kind,
   one value at a time: no sparse lists, fused steps, threads or vector
   types. With NND_REFERENCE, nnd__forward and nnd__backward hand every batch
   to nnd__ref_forward / nnd__ref_backward (one thread, one slab, nothing
   split or fused: nnd__plan_batch); update, monitors and files are shared.
   tests/test_reference.c checks the fast path against these loops. Sums
   are accumulated in double, in their equation's order, and stored as
   nnd_real once. The workspace keeps its roles: a[l] is layer l's input,
   a[l+1] its output (a[n_layers] and target feed the costs), dz[l] its
   Delta = dC/dz, grad the whole gradient. The letters of the shapes:
     m           examples in the batch (the rows of every [m x ...])
     n_in, n_out values per example into and out of a layer
     C, H, W     the input maps: C channels of H x W, HWC (value (c, y, x)
                 at (y W + x) C + c), n_in = H W C
     F           filters (the output channels of conv and conv-pool)
     fh, fw      a filter's size; ch = H-fh+1, cw = W-fw+1 the conv maps
                 (a pool layer's ch, cw are H, W, and it keeps C channels)
     ph, pw      the pooling blocks; oh = ch/ph, ow = cw/pw the pooled maps */
#ifdef NND_REFERENCE
/* a = f(z) (23) in place on one example's n values z (22): sigmoid (3),
   tanh (110), ReLU (112), linear, or the softmax of all n (78). */
static void nnd__ref_activate(nnd_activation f, nnd_real *z, int n)
{
    double mx = z[0], sum = 0;
    int j;
    if (f == NND_SOFTMAX) { /* e^{z_j - max z} / sum_k e^{z_k - max z}: no overflow */
        for (j = 1; j < n; ++j) mx = z[j] > mx ? z[j] : mx;
        for (j = 0; j < n; ++j) sum += exp(z[j] - mx);
        for (j = 0; j < n; ++j) z[j] = (nnd_real)(exp(z[j] - mx) / sum);
    }
    for (j = 0; j < n; ++j) {
        if (f == NND_SIGMOID) z[j] = (nnd_real)(1.0 / (1.0 + exp(-(double)z[j])));
        if (f == NND_TANH) z[j] = (nnd_real)tanh((double)z[j]);
        if (f == NND_RELU) z[j] = z[j] > 0 ? z[j] : 0;
    }
}

/* Dropout's factor on input k of example i of dense layer l: its 0/1 mask
   (training), 1-p (evaluation: network3's z = (1-p) a w + b), or 1. */
static double nnd__ref_keep(const nnd_net *net, int l, int i, int k, int train)
{
    const nnd__layer *L = &net->layer[l];
    if (L->p_dropout <= 0) return 1.0;
    return train ? net->mask[l][(size_t)i * L->n_in + k] : 1.0 - L->p_dropout;
}

/* Dense layer l (network2's layers; network3's FullyConnectedLayer and
   SoftmaxLayer): [m x n_in] -> [m x n_out], W [n_in x n_out] (w_jk at
   k n_out + j), dropout on the input: x_k = keep_k a_k. */
static void nnd__ref_dense_forward(nnd_net *net, int l, int m, int train)
{
    const nnd__layer *L = &net->layer[l];
    const nnd_real *W = net->params + L->w_off, *b = net->params + L->b_off;
    int i, j, k;
    for (i = 0; i < m; ++i) {
        const nnd_real *a = net->a[l] + (size_t)i * L->n_in;
        nnd_real *z = net->a[l + 1] + (size_t)i * L->n_out;
        for (j = 0; j < L->n_out; ++j) {
            double s = 0;
            for (k = 0; k < L->n_in; ++k)
                s += W[(size_t)k * L->n_out + j] * (nnd__ref_keep(net, l, i, k, train) * a[k]);
            z[j] = (nnd_real)(s + b[j]); /* z_j = sum_k w_jk x_k + b_j   (22) */
        }
        nnd__ref_activate(L->act, z, L->n_out); /* (23) */
    }
}

/* From Delta [m x n_out] (dz[l]): grad's b [n_out] and W [n_in x n_out];
   dC/da of the input [m x n_in] into dz[l-1] (l > 0; f' is the caller's). */
static void nnd__ref_dense_backward(nnd_net *net, int l, int m, nnd_real *grad, int train)
{
    const nnd__layer *L = &net->layer[l];
    const nnd_real *W = net->params + L->w_off, *d = net->dz[l], *a = net->a[l];
    const int n_in = L->n_in, n_out = L->n_out;
    int i, j, k;
    for (j = 0; j < n_out; ++j) {
        double s = 0;
        for (i = 0; i < m; ++i) s += d[(size_t)i * n_out + j];
        grad[L->b_off + j] = (nnd_real)s; /* dC/db_j = sum_x Delta_j   (BP3, 29) */
    }
    for (k = 0; k < n_in; ++k)
        for (j = 0; j < n_out; ++j) {
            double s = 0;
            for (i = 0; i < m; ++i)
                s += nnd__ref_keep(net, l, i, k, train) * a[(size_t)i * n_in + k] *
                     d[(size_t)i * n_out + j];
            grad[L->w_off + (size_t)k * n_out + j] = (nnd_real)s; /* sum x_k Delta_j (BP4, 31) */
        }
    for (i = 0; i < m && l > 0; ++i)
        for (k = 0; k < n_in; ++k) {
            double s = 0;
            for (j = 0; j < n_out; ++j) s += W[(size_t)k * n_out + j] * d[(size_t)i * n_out + j];
            s *= nnd__ref_keep(net, l, i, k, train); /* dC/da_k = keep_k sum_j w_jk Delta_j */
            net->dz[l - 1][(size_t)i * n_in + k] = (nnd_real)s; /* BP2 (26) before f' */
        }
}

/* Where value (c, y, x) of maps w wide with C channels is (HWC). */
static size_t nnd__ref_at(int w, int C, int y, int x, int c) { return ((size_t)y * w + x) * C + c; }

/* One example's input maps in [H W C] -> out [ch cw F]: every filter f's
   true convolution (the kernel flipped, as network3 / Theano), + b_f when b:
     z_f(y,x) = sum_{ky,kx,c} w_f(c,ky,kx) in(c, y+fh-1-ky, x+fw-1-kx) + b_f,
   w_f(c,ky,kx) = nnd_weight(net, l, f, (ky fw + kx) C + c). */
static void nnd__ref_convolve(const nnd__layer *L, const nnd_real *W, const nnd_real *b,
                              const nnd_real *in, nnd_real *out)
{
    int y, x, f, ky, kx, c;
    for (y = 0; y < L->ch; ++y)
        for (x = 0; x < L->cw; ++x)
            for (f = 0; f < L->oc; ++f) {
                double s = 0;
                for (ky = 0; ky < L->fh; ++ky)
                    for (kx = 0; kx < L->fw; ++kx)
                        for (c = 0; c < L->ic; ++c)
                            s += W[nnd__widx(L, f, (ky * L->fw + kx) * L->ic + c)] *
                                 in[nnd__ref_at(L->iw, L->ic, y + L->fh - 1 - ky,
                                                 x + L->fw - 1 - kx, c)];
                out[nnd__ref_at(L->cw, L->oc, y, x, f)] = (nnd_real)(s + (b ? b[f] : 0));
            }
}

/* Conv layer l: [m x H W C] -> [m x ch cw F], weights [F x fh fw C]. */
static void nnd__ref_conv_forward(nnd_net *net, int l, int m)
{
    const nnd__layer *L = &net->layer[l];
    int e;
    for (e = 0; e < m; ++e) {
        nnd_real *out = net->a[l + 1] + (size_t)e * L->n_out;
        nnd__ref_convolve(L, net->params + L->w_off, net->params + L->b_off,
                          net->a[l] + (size_t)e * L->n_in, out); /* z = w * a + b   (22) */
        nnd__ref_activate(L->act, out, L->n_out);                /* (23) */
    }
}

/* From D = Delta at every conv output [m x ch cw F] (a conv layer's dz[l];
   conv-pool routes its own there): grad's b [F] and W [F x fh fw C]; dC/da
   of the input [m x H W C] into dz[l-1] (l > 0). Every position shares
   the weights, so BP3 and BP4 sum over the positions as over the batch. */
static void nnd__ref_conv_backward(nnd_net *net, int l, int m, const nnd_real *D, nnd_real *grad)
{
    const nnd__layer *L = &net->layer[l];
    const nnd_real *W = net->params + L->w_off, *a = net->a[l];
    const int F = L->oc, C = L->ic, fh = L->fh, fw = L->fw;
    const size_t Dlen = (size_t)L->ch * L->cw * F;
    int e, y, x, f, ky, kx, c, h, w;
    size_t q;
    for (f = 0; f < F; ++f) {
        double s = 0;
        for (q = 0; q < (size_t)m * Dlen / F; ++q) s += D[q * F + f]; /* q: example, y, x */
        grad[L->b_off + f] = (nnd_real)s; /* dC/db_f = sum Delta_f   (BP3, 29) */
        for (ky = 0; ky < fh; ++ky)
            for (kx = 0; kx < fw; ++kx)
                for (c = 0; c < C; ++c) {
                    for (s = 0, e = 0; e < m; ++e)
                        for (y = 0; y < L->ch; ++y)
                            for (x = 0; x < L->cw; ++x)
                                s += D[e * Dlen + nnd__ref_at(L->cw, F, y, x, f)] *
                                     a[(size_t)e * L->n_in +
                                       nnd__ref_at(L->iw, C, y + fh - 1 - ky, x + fw - 1 - kx, c)];
                    /* dC/dw_f(c,ky,kx) = sum Delta_f(y,x) a(c, y+fh-1-ky, x+fw-1-kx)  (BP4, 31) */
                    grad[L->w_off + nnd__widx(L, f, (ky * fw + kx) * C + c)] = (nnd_real)s;
                }
    }
    for (e = 0; e < m && l > 0; ++e)
        for (h = 0; h < L->ih; ++h)
            for (w = 0; w < L->iw; ++w)
                for (c = 0; c < C; ++c) {
                    double s = 0; /* over the (f, ky, kx) whose position (y, x) read a(c, h, w) */
                    for (f = 0; f < F; ++f)
                        for (ky = 0; ky < fh; ++ky)
                            for (kx = 0; kx < fw; ++kx) {
                                y = h - (fh - 1 - ky), x = w - (fw - 1 - kx);
                                if (y >= 0 && y < L->ch && x >= 0 && x < L->cw)
                                    s += W[nnd__widx(L, f, (ky * fw + kx) * C + c)] *
                                         D[e * Dlen + nnd__ref_at(L->cw, F, y, x, f)];
                            }
                    /* dC/da(c,h,w) = sum w_f(c,ky,kx) Delta_f(y,x): BP2 (26) before f' */
                    net->dz[l - 1][(size_t)e * L->n_in + nnd__ref_at(L->iw, C, h, w, c)] =
                        (nnd_real)s;
                }
}

/* Max-pooling of one example's maps [ch cw C] over ph x pw blocks: out
   [oh ow C] = each block's maximum (+ b_c when b), win [oh ow C] = where it
   is, (y cw + x) C + c: the first maximum in row order, as the fast path. */
static void nnd__ref_maxpool(const nnd__layer *L, int C, const nnd_real *map, const nnd_real *b,
                             nnd_real *out, int *win)
{
    int py, px, c, y, x;
    for (py = 0; py < L->oh; ++py)
        for (px = 0; px < L->ow; ++px)
            for (c = 0; c < C; ++c) {
                const size_t o = nnd__ref_at(L->ow, C, py, px, c);
                int best = -1;
                for (y = py * L->ph; y < (py + 1) * L->ph; ++y)
                    for (x = px * L->pw; x < (px + 1) * L->pw; ++x) {
                        const int at = (int)nnd__ref_at(L->cw, C, y, x, c);
                        if (best < 0 || map[at] > map[best]) best = at;
                    }
                win[o] = best;
                out[o] = (nnd_real)((double)map[best] + (b ? b[c] : 0));
            }
}

/* Pool layer l: [m x H W C] -> [m x oh ow C]; the winners go to arg[l]. */
static void nnd__ref_pool_forward(nnd_net *net, int l, int m)
{
    const nnd__layer *L = &net->layer[l];
    int e;
    for (e = 0; e < m; ++e)
        nnd__ref_maxpool(L, L->ic, net->a[l] + (size_t)e * L->n_in, NULL,
                         net->a[l + 1] + (size_t)e * L->n_out, net->arg[l] + (size_t)e * L->n_out);
}

/* From Delta [m x oh ow C] (dz[l]): dC/da of the input [m x H W C] into
   dz[l-1] (l > 0): each block's Delta goes to its winner, 0 elsewhere. */
static void nnd__ref_pool_backward(nnd_net *net, int l, int m)
{
    const nnd__layer *L = &net->layer[l];
    int e, o;
    for (e = 0; e < m && l > 0; ++e) {
        nnd_real *din = net->dz[l - 1] + (size_t)e * L->n_in;
        memset(din, 0, (size_t)L->n_in * sizeof *din);
        for (o = 0; o < L->n_out; ++o)
            din[net->arg[l][(size_t)e * L->n_out + o]] += net->dz[l][(size_t)e * L->n_out + o];
    }
}

/* Conv-pool layer l (network3's ConvPoolLayer): [m x H W C] -> the conv maps
   [m x ch cw F] (in zc[l]) -> max-pooled, + b, f: [m x oh ow F]. */
static void nnd__ref_conv_pool_forward(nnd_net *net, int l, int m)
{
    const nnd__layer *L = &net->layer[l];
    int e;
    for (e = 0; e < m; ++e) {
        nnd_real *conv = net->zc[l] + (size_t)e * L->ch * L->cw * L->oc;
        nnd_real *out = net->a[l + 1] + (size_t)e * L->n_out;
        nnd__ref_convolve(L, net->params + L->w_off, NULL, net->a[l] + (size_t)e * L->n_in, conv);
        nnd__ref_maxpool(L, L->oc, conv, net->params + L->b_off, out,
                         net->arg[l] + (size_t)e * L->n_out); /* z = max (w * a) + b   (22) */
        nnd__ref_activate(L->act, out, L->n_out);              /* (23) */
    }
}

/* From Delta [m x oh ow F] (dz[l]): each pooled value's Delta goes to the
   conv output that won its block, 0 elsewhere, in zc[l] [m x ch cw F] (the
   conv maps, which only the winners needed); then as a conv layer. */
static void nnd__ref_conv_pool_backward(nnd_net *net, int l, int m, nnd_real *grad)
{
    const nnd__layer *L = &net->layer[l];
    const size_t Dlen = (size_t)L->ch * L->cw * L->oc;
    int e, o;
    memset(net->zc[l], 0, (size_t)m * Dlen * sizeof *net->zc[l]);
    for (e = 0; e < m; ++e)
        for (o = 0; o < L->n_out; ++o)
            net->zc[l][e * Dlen + net->arg[l][(size_t)e * L->n_out + o]] +=
                net->dz[l][(size_t)e * L->n_out + o];
    nnd__ref_conv_backward(net, l, m, net->zc[l], grad);
}

/* The batch a[0] [m x n_in] through every layer to a[n_layers] [m x n_out];
   train: with the dropout masks nnd__forward drew, else the evaluation pass. */
static void nnd__ref_forward(nnd_net *net, int m, int train)
{
    int l;
    for (l = 0; l < net->n_layers; ++l) switch (net->layer[l].kind) {
        case NND_LAYER_DENSE: nnd__ref_dense_forward(net, l, m, train); break;
        case NND_LAYER_CONV: nnd__ref_conv_forward(net, l, m); break;
        case NND_LAYER_POOL: nnd__ref_pool_forward(net, l, m); break;
        default: nnd__ref_conv_pool_forward(net, l, m); break;
        }
}

/* grad [nnd_param_count] = the gradient of sum_x C_x over the batch whose
   forward pass (the same train) is in the workspace, from the top layer. */
static void nnd__ref_backward(nnd_net *net, int m, nnd_real *grad, int train)
{
    const int top = net->n_layers - 1, n = net->layer[top].n_out;
    size_t i;
    int l;
    for (i = 0; i < (size_t)m; ++i) /* Delta^L: BP1 (25); (66) cross-entropy, (84) log-likelihood */
        nnd_cost_delta(net->cost, net->layer[top].act, net->a[top + 1] + i * n, net->target + i * n,
                       net->dz[top] + i * n, n);
    for (l = top; l >= 0; --l) {
        switch (net->layer[l].kind) {
        case NND_LAYER_DENSE: nnd__ref_dense_backward(net, l, m, grad, train); break;
        case NND_LAYER_CONV: nnd__ref_conv_backward(net, l, m, net->dz[l], grad); break;
        case NND_LAYER_POOL: nnd__ref_pool_backward(net, l, m); break;
        default: nnd__ref_conv_pool_backward(net, l, m, grad); break;
        }
        for (i = 0; l > 0 && i < (size_t)m * net->layer[l].n_in; ++i) /* BP2 (26): f'(z^{l-1}) */
            net->dz[l - 1][i] *= nnd_activation_prime(net->layer[l - 1].act, net->a[l][i]);
    }
}
#endif /* NND_REFERENCE */

/* -------------------------------------------------------------------------
   6. Forward: z^l = w^l a^{l-1} + b^l, a^l = f(z^l)   (22), for a batch
   ------------------------------------------------------------------------- */

/* Append the nonzeros of one input row to the batch's CSR lists; returns
   the new count. Branch-free per element (always write, advance when
   nonzero); rows of bytes skip whole zero words, as most of an MNIST image is
   blank margin. */
static int nnd__list_nonzeros(const nnd_data *d, size_t r, int *NND__RESTRICT idx,
                              nnd_real *NND__RESTRICT val, int nnz)
{
    const int n_in = d->n_in;
    int k = 0;
    if (d->x8) {
        const unsigned char *src = d->x8 + r * n_in;
        const nnd_real s = d->x8_scale;
        for (; k + 8 <= n_in; k += 8) {
            uint64_t w;
            int u;
            memcpy(&w, src + k, 8);
            if (!w) continue;
            for (u = 0; u < 8; ++u) {
                idx[nnz] = k + u;
                val[nnz] = (nnd_real)src[k + u] * s;
                nnz += src[k + u] != 0;
            }
        }
        for (; k < n_in; ++k) {
            idx[nnz] = k;
            val[nnz] = (nnd_real)src[k] * s;
            nnz += src[k] != 0;
        }
    } else {
        const nnd_real *src = d->x + r * n_in;
        for (; k < n_in; ++k) {
            idx[nnz] = k;
            val[nnz] = src[k];
            nnz += src[k] != 0;
        }
    }
    return nnz;
}

/* A data set's nonzero inputs listed once, example by example (built by
   nnd_sgd before its loop so that no epoch scans the images again). */
typedef struct nnd__index {
    int *ptr, *idx; /* example r: idx[ptr[r] .. ptr[r+1]-1] */
    nnd_real *val;
} nnd__index;

static void nnd__index_free(nnd__index *ix)
{
    NND_FREE(ix->ptr);
    NND_FREE(ix->idx);
    NND_FREE(ix->val);
    memset(ix, 0, sizeof *ix);
}

/* Build the index of d when the first layer can use one and d is at most
   half nonzero; otherwise leave ix empty. Returns a status. */
static int nnd__index_build(const nnd_net *net, const nnd_data *d, nnd__index *ix)
{
    size_t nnz = 0, cells = (size_t)d->n * d->n_in, i;
    int r, k;
    memset(ix, 0, sizeof *ix);
    if (NND__REFERENCE || net->sparse_mode == NND_INPUT_DENSE || net->layer[0].p_dropout > 0 || d->n < 1 ||
        net->layer[0].kind != NND_LAYER_DENSE)
        return NND_OK;
    if (d->x8) {
        for (i = 0; i < cells; ++i) nnz += d->x8[i] != 0;
    } else {
        for (i = 0; i < cells; ++i) nnz += d->x[i] != 0;
    }
    if (net->sparse_mode != NND_INPUT_SPARSE && 2 * nnz > cells) return NND_OK;
    if (nnz > (size_t)INT_MAX) return NND_OK;
    ix->ptr = (int *)nnd__alloc((size_t)d->n + 1, sizeof(int));
    ix->idx = (int *)nnd__alloc(nnz + (size_t)d->n_in, sizeof(int));
    ix->val = (nnd_real *)nnd__alloc(nnz + (size_t)d->n_in, sizeof(nnd_real));
    if (!ix->ptr || !ix->idx || !ix->val) {
        nnd__index_free(ix);
        return NND_ERR_NOMEM;
    }
    for (r = 0, k = 0; r < d->n; ++r) {
        ix->ptr[r] = k;
        k = nnd__list_nonzeros(d, (size_t)r, ix->idx, ix->val, k);
    }
    ix->ptr[d->n] = k;
    return NND_OK;
}

/* Load examples order[first .. first+m-1] (or first .. in order) of d as the
   input batch, and their targets into net->target. When the first layer can
   use it (no dropout on its input) the batch is first listed as nonzeros -
   copied from ix when there is one, else found by scanning; if at most half
   of it is nonzero the first layer runs on those lists, otherwise (or when it
   cannot) the dense rows a[0] are filled. */
static void nnd__gather(nnd_net *net, const nnd_data *d, const nnd__index *ix, const int *order,
                        int first, int m)
{
    const int n_in = net->n_in, n_out = net->n_out;
    const int sparse_ok = !NND__REFERENCE && net->sparse_mode != NND_INPUT_DENSE &&
                          net->layer[0].p_dropout == 0 && net->layer[0].kind == NND_LAYER_DENSE;
    int i, k, nnz = 0;
    size_t total = 0;
    for (i = 0; i < m; ++i) {
        const size_t r = (size_t)(order ? order[first + i] : first + i);
        nnd_real *t = net->target + (size_t)i * n_out;
        if (sparse_ok) {
            if (ix && ix->ptr) { /* refer to the index: nothing to copy */
                const int c0 = ix->ptr[r], c1 = ix->ptr[r + 1];
                int c;
                net->sp_row_idx[i] = ix->idx + c0;
                net->sp_row_val[i] = ix->val + c0;
                net->sp_cnt[i] = c1 - c0;
                for (c = c0; c < c1; c += 16) { /* fetch the lists while earlier rows compute */
                    NND__PREFETCH(ix->idx + c);
                    NND__PREFETCH(ix->val + c);
                }
            } else {
                int start = nnz;
                nnz = nnd__list_nonzeros(d, r, net->sp_idx, net->sp_val, nnz);
                net->sp_row_idx[i] = net->sp_idx + start;
                net->sp_row_val[i] = net->sp_val + start;
                net->sp_cnt[i] = nnz - start;
            }
            total += net->sp_cnt[i];
        }
        if (d->y) {
            memcpy(t, d->y + r * d->n_y, (size_t)n_out * sizeof *t);
        } else if (d->labels) {
            for (k = 0; k < n_out; ++k) t[k] = 0;
            t[d->labels[r]] = 1; /* vectorized_result(j) */
        }
    }
    net->sp_total = total;
    net->sparse = sparse_ok && (net->sparse_mode == NND_INPUT_SPARSE || 2 * total <= (size_t)m * n_in);
    if (net->sparse) return;
    for (i = 0; i < m; ++i) {
        const size_t r = (size_t)(order ? order[first + i] : first + i);
        nnd_real *row = net->a[0] + (size_t)i * n_in;
        if (d->x8) {
            const unsigned char *src = d->x8 + r * n_in;
            const nnd_real s = d->x8_scale;
            for (k = 0; k < n_in; ++k) row[k] = (nnd_real)src[k] * s;
        } else {
            memcpy(row, d->x + r * n_in, (size_t)n_in * sizeof *row);
        }
    }
}

/* Dropout (training): network3 drops each input unit of a layer with
   probability p. The masks of the whole batch are drawn before the forward
   pass, layer by layer and example by example, so the draws do not depend on
   how the examples are shared out between threads. */
static void nnd__draw_masks(nnd_net *net, int m)
{
    int l;
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        size_t i, len = (size_t)m * L->n_in;
        if (L->p_dropout <= 0) continue;
        for (i = 0; i < len; ++i)
            net->mask[l][i] = nnd_rng_uniform(&net->dropout_rng) >= L->p_dropout ? 1 : 0;
    }
}

/* im2col for one example: patch row r = y cw + x holds the input block
   under the filter at (y, x), row by row: column (dy fw + dx) ic + c is the
   input value (c, y + dy, x + dx). For network3's true convolution
     z_f(y,x) = sum_{ky,kx,c} w_f[c,ky,kx] in(c, y+fh-1-ky, x+fw-1-kx) + b_f
   the layer keeps its filters flipped (dy = fh-1-ky, dx = fw-1-kx: see
   nnd__widx), so z = row r of COL times filter row f.  COL: [P x K],
   P = ch cw; each (y, x, dy) is one contiguous copy of fw ic values. The
   batch's COL is the examples' blocks one after another. */
static void nnd__im2col(const nnd__layer *L, const nnd_real *in, nnd_real *col)
{
    const int C = L->ic;
    const size_t run = (size_t)L->fw * C;
    int y, x, dy;
    for (y = 0; y < L->ch; ++y)
        for (x = 0; x < L->cw; ++x) {
            nnd_real *row = col + ((size_t)y * L->cw + x) * L->K;
            for (dy = 0; dy < L->fh; ++dy, row += run) {
                const nnd_real *NND__RESTRICT from = in + ((size_t)(y + dy) * L->iw + x) * C;
                size_t t;
                for (t = 0; t < run; ++t) row[t] = from[t]; /* short runs: no memcpy call */
            }
        }
}

/* The transpose of nnd__im2col for one example: dIn = sum over patches of
   dCOL's entries at the input values they were copied from (BP2 through a
   convolution). */
static void nnd__col2im(const nnd__layer *L, const nnd_real *col, nnd_real *din)
{
    const int run = L->fw * L->ic;
    int y, x, dy, t;
    memset(din, 0, (size_t)L->n_in * sizeof *din);
    for (y = 0; y < L->ch; ++y)
        for (x = 0; x < L->cw; ++x) {
            const nnd_real *row = col + ((size_t)y * L->cw + x) * L->K;
            for (dy = 0; dy < L->fh; ++dy, row += run) {
                nnd_real *NND__RESTRICT line = din + ((size_t)(y + dy) * L->iw + x) * L->ic;
                for (t = 0; t < run; ++t) line[t] += row[t];
            }
        }
}

/* Max-pooling of maps [m x (h w C)] (HWC, h x w = L->ch x L->cw) over
   ph x pw blocks, ignore_border: out [m x n_out] and, per output value, where
   (within its example) the input that won - the first maximum - is: its
   index (row = 0), or its position y row + x (of C maps). */
static void nnd__maxpool(int nt, const nnd__layer *L, int C, const nnd_real *in, int m,
                         nnd_real *out, int *arg, int row)
{
    const size_t in_len = (size_t)L->ch * L->cw * C;
    int e;
    (void)nt;
    NND__FOR(nt, 2.0 * m * in_len, e, 0, m, {
        const nnd_real *src = in + (size_t)e * in_len;
        nnd_real *dst = out + (size_t)e * L->n_out;
        int *win = arg + (size_t)e * L->n_out;
        int py, px, ky, kx, c;
        for (py = 0; py < L->oh; ++py)
            for (px = 0; px < L->ow; ++px) {
                nnd_real *o = dst + ((size_t)py * L->ow + px) * C;
                int *a = win + ((size_t)py * L->ow + px) * C;
                for (ky = 0; ky < L->ph; ++ky)
                    for (kx = 0; kx < L->pw; ++kx) {
                        const int y = py * L->ph + ky, x = px * L->pw + kx;
                        const int at = (y * L->cw + x) * C, pos = y * row + x;
                        const nnd_real *v = src + at;
                        if (ky == 0 && kx == 0) {
                            for (c = 0; c < C; ++c) {
                                o[c] = v[c];
                                a[c] = row ? pos : at + c;
                            }
                        } else {
                            for (c = 0; c < C; ++c) {
                                const int better = v[c] > o[c];
                                o[c] = better ? v[c] : o[c];
                                a[c] = better ? (row ? pos : at + c) : a[c];
                            }
                        }
                    }
            }
    });
}

/* z[i][c] += b[c] for the rows of a [rows x C] block. */
static void nnd__add_bias(int rows, int C, const nnd_real *NND__RESTRICT b, nnd_real *NND__RESTRICT z)
{
    int i, c;
    for (i = 0; i < rows; ++i)
        for (c = 0; c < C; ++c) z[(size_t)i * C + c] += b[c];
}

/* Example e through conv-pool layer l as network3's ConvPoolLayer has it:
   the convolution (22) at the positions of each pooling window
   (nnd__conv_window, on the filters transposed in wtc[l]), their maximum -
   the first one, in the window's row order, with its pixel y iw + x in
   arg[l] - and then + b; f is the caller's. Each value is the same sum as
   nnd__im2col and a product form, and each maximum the one nnd__maxpool
   finds. Columns go up to three vectors at a time, starting no later than
   F - VL (overlapping ones compute the same values again). */
static void nnd__conv_pool_direct(nnd_net *net, int l, int e)
{
    const nnd__layer *L = &net->layer[l];
    const int VL = NND__VL, F = L->oc, nr = L->ph * L->pw, last = F - NND__VL;
    const int most = nr == 4 ? NND__NV4 : 3; /* vectors of filters per block */
    const nnd_real *in = net->a[l] + (size_t)e * L->n_in, *b = net->params + L->b_off;
    nnd_real Z[4 * NND__LDZ];
    nnd__conv_geom G;
    int q, k, j, c;
    G.F = F, G.fh = L->fh, G.run = L->fw * L->ic, G.line = (size_t)L->iw * L->ic;
    for (q = 0; q < L->oh * L->ow; ++q) {
        nnd_real *o = net->a[l + 1] + (size_t)e * L->n_out + (size_t)q * F;
        int *won = net->arg[l] + (size_t)e * L->n_out + (size_t)q * F, pix[4];
        const nnd_real *p[4];
        for (k = 0; k < nr; ++k) {
            pix[k] = (q / L->ow * L->ph + k / L->pw) * L->iw + q % L->ow * L->pw + k % L->pw;
            p[k] = in + (size_t)pix[k] * L->ic;
        }
        for (j = 0; j < F; j += most * VL) {
            const int jv[3] = {j < last ? j : last, j + VL < last ? j + VL : last,
                               j + 2 * VL < last ? j + 2 * VL : last};
            const int nv = F - j > 2 * VL && most > 2 ? 3 : F - j > VL ? 2 : 1, j1 = jv[nv - 1] + VL;
            switch (nr) {
            case 4: nnd__conv_window(4, nv, jv, &G, p, net->wtc[l], Z); break;
            case 3: nnd__conv_window(3, nv, jv, &G, p, net->wtc[l], Z); break;
            case 2: nnd__conv_window(2, nv, jv, &G, p, net->wtc[l], Z); break;
            default: nnd__conv_window(1, nv, jv, &G, p, net->wtc[l], Z); break;
            }
            for (c = jv[0]; c < j1; ++c) {
                nnd_real best = Z[c - jv[0]];
                int at = pix[0];
                for (k = 1; k < nr; ++k)
                    if (Z[k * NND__LDZ + c - jv[0]] > best) best = Z[k * NND__LDZ + c - jv[0]], at = pix[k];
                o[c] = best + b[c];
                won[c] = at;
            }
        }
    }
}

/* Forward through a convolutional or pooling layer l for examples [e0, e1)
   (input a[l], output a[l+1]); the activation is applied by the caller. A
   convolution runs example by example - straight from the input when
   nnd__conv_direct says so, else im2col, Z = COL W^T (wtc[l]: the filters
   transposed to [K x F] by nnd__forward), pooling, + b - so an example's
   values stay in one core's cache and the steps need no barrier between
   them. Every value is the same sum as a product over the whole batch
   would form. */
static void nnd__forward_conv(nnd_net *net, int l, int e0, int e1, int nt)
{
    const nnd__layer *L = &net->layer[l];
    const nnd_real *b = net->params + L->b_off;
    const int P = L->ch * L->cw;
    int e;
    (void)nt;
    if (L->kind == NND_LAYER_POOL) {
        nnd__maxpool(nt, L, L->ic, net->a[l] + (size_t)e0 * L->n_in, e1 - e0,
                     net->a[l + 1] + (size_t)e0 * L->n_out, net->arg[l] + (size_t)e0 * L->n_out, 0);
        return;
    }
    if (nnd__conv_direct(L)) {
        NND__FOR(nt, 4.0 * (e1 - e0) * P * L->K * L->oc, e, e0, e1, nnd__conv_pool_direct(net, l, e));
        return;
    }
    NND__FOR(nt, 4.0 * (e1 - e0) * P * L->K * L->oc, e, e0, e1, {
        const nnd_real *in = net->a[l] + (size_t)e * L->n_in;
        nnd_real *col = net->col[l] + (size_t)e * P * L->K, *out = net->a[l + 1] + (size_t)e * L->n_out;
        nnd__im2col(L, in, col);
        if (L->kind == NND_LAYER_CONV) { /* Z = COL W^T + b */
            nnd__gemm_nn(1, P, L->oc, L->K, col, net->wtc[l], NULL, out);
            nnd__add_bias(P, L->oc, b, out);
        } else { /* conv-pool: conv, pool, then + b (bias after pooling) */
            nnd_real *z = net->zc[l] + (size_t)e * P * L->oc;
            nnd__gemm_nn(1, P, L->oc, L->K, col, net->wtc[l], NULL, z);
            nnd__maxpool(1, L, L->oc, z, 1, out, net->arg[l] + (size_t)e * L->n_out, L->iw);
            nnd__add_bias(L->oh * L->ow, L->oc, b, out);
        }
    });
}

/* Dense layer l's input times its dropout mask, rows [e0, e1), columns
   [j0, j1) (the forward pass while training: a slab's rows, or a split
   layer's stage its columns, the only ones it reads). */
static void nnd__drop_input(nnd_net *net, int l, int e0, int e1, int j0, int j1)
{
    const size_t n = (size_t)net->layer[l].n_in;
    int e, j;
    for (e = e0; e < e1; ++e) {
        const nnd_real *NND__RESTRICT x = net->a[l] + e * n, *NND__RESTRICT k = net->mask[l] + e * n;
        nnd_real *NND__RESTRICT d = net->dropped[l] + e * n;
        for (j = j0; j < j1; ++j) d[j] = x[j] * k[j];
    }
}

/* Examples [e0, e1) of the batch through layers [l0, l1), the kernels
   using nt threads. train = 1: dropout masks (drawn by nnd__forward);
   train = 0: network3's evaluation rule z = (1-p) (a . w) + b. */
static void nnd__forward_rows(nnd_net *net, int e0, int e1, int nt, int train, int l0, int l1)
{
    const int rows = e1 - e0;
    int l;
    for (l = l0; l < l1; ++l) {
        const nnd__layer *L = &net->layer[l];
        const nnd_real *W = net->params + L->w_off, *b = net->params + L->b_off;
        const size_t at = (size_t)e0 * L->n_in;
        nnd_real *z = net->a[l + 1] + (size_t)e0 * L->n_out;
        if (L->kind != NND_LAYER_DENSE) {
            nnd__forward_conv(net, l, e0, e1, nt);
        } else if (l == 0 && net->sparse) {
            nnd__sparse_nn(nt, rows, L->n_out, net->sp_cnt + e0, net->sp_row_idx + e0,
                           net->sp_row_val + e0, W, b, z, (double)net->sp_total);
        } else if (L->p_dropout > 0 && train) { /* the input times its mask */
            nnd__drop_input(net, l, e0, e1, 0, L->n_in);
            nnd__gemm_nn(nt, rows, L->n_out, L->n_in, net->dropped[l] + at, W, b, z);
        } else if (L->p_dropout > 0) {
            size_t i, zlen = (size_t)rows * L->n_out;
            const nnd_real keep = (nnd_real)(1.0 - L->p_dropout);
            nnd__gemm_nn(nt, rows, L->n_out, L->n_in, net->a[l] + at, W, NULL, z);
            for (i = 0; i < zlen; ++i) z[i] = keep * z[i] + b[i % L->n_out];
        } else {
            nnd__gemm_nn(nt, rows, L->n_out, L->n_in, net->a[l] + at, W, b, z);
        }
        nnd__activate_rows(nt, L->act, z, rows, L->n_out);
    }
}

/* A large dense layer (its weights more than a core's share of cache,
   NND__L2_BYTES) is split between the S > 1 threads by its weights instead
   of by examples: thread s owns the rows [nnd__part(n_in, s), nnd__part(n_in,
   s + 1)) of its weights (the inputs they come from), and only it ever
   reads or writes them. With slabs, every thread would read all the
   weights twice per step (forward and BP2), just after the update wrote
   half of them on the other core, and a core's share of cache cannot hold
   them: the threads would wait on memory, not compute. Split, thread s takes the layer's BP2
   and its weight step for all examples on its own rows (nnd__bp2_part,
   nnd__bp2_step_part), and the forward pass is a pipeline through the threads
   in row order (nnd__forward_part). Each value is the same sum in the same
   order as without the split, so the split changes no result. Not for
   softmax (a row's values depend on each other) or the first layer; each
   part has at least 16 rows, and a row at least one vector. On one thread
   such a layer still takes its BP2, weight gradient and step together, a
   block of rows at a time (nnd__bp2_step_part with S = 1): a gradient as
   large as the weights would go out of cache and come back for the update,
   and each block of weights is read once for BP2 and the step. */
static int nnd__large(const nnd_net *net, int l)
{
    const nnd__layer *L = &net->layer[l];
    return l > 0 && L->kind == NND_LAYER_DENSE && L->act != NND_SOFTMAX &&
           (double)L->n_in * L->n_out * sizeof(nnd_real) > NND__L2_BYTES && L->n_out >= NND__VL;
}

static int nnd__split(const nnd_net *net, int l, int S)
{
    return S > 1 && nnd__large(net, l) && net->layer[l].n_in >= 32 * S;
}

/* The start of part s of S of n rows (a multiple of 16). */
static int nnd__part(int n, int s, int S)
{
    return s >= S ? n : (int)((long)n * s / S) / 16 * 16;
}

/* The schedule of one batch of m examples, made once before its forward
   pass (nnd__plan_batch) and read by the forward pass, backpropagation and
   the update, so that each of these rules is written here only:
   - nt, the threads: as many as the caller allows (nnd_set_threads, else
     OpenMP's count), but one per NND__STEP_WORK multiply-adds of the batch's
     forward pass at most. Threads meet at the end of every parallel region,
     several per layer and step; on a small step the meetings cost more than
     the second thread gives, and on a machine whose other cores are busy
     each meeting waits until the late thread gets a core again.
   - slabs: the examples cut into one slab per thread, at least two examples
     each, for the passes that take a slab through the layers
     (nnd__forward, nnd__backward); 1 means the whole batch, with the
     threads inside each product.
   - split[l]: layer l split by its weights between the threads (nnd__split).
   - fused[l]: with plain SGD (fuse), layer l's weight gradient is taken
     inside its step instead of being formed: the sparse input layer's in
     nnd__update, every large layer's (nnd__large), split or not, in its
     BP2 (nnd__bp2_step_part), which then runs over the whole batch by
     parts of the weight rows, as a split layer's does (nnd__by_rows).
   The schedule decides who computes what, never what is computed: every
   value is the same sum in the same order under any plan. */
#ifndef NND__STEP_WORK
#define NND__STEP_WORK 1048576.0
#endif
typedef struct nnd__plan {
    int m, nt, slabs;
    unsigned char split[NND__MAX_LAYERS], fused[NND__MAX_LAYERS];
    nnd_real step, shrink;  /* a fused weight step's eta/m and eta lmbda/n (nnd__plan_step) */
    nnd_regularization reg; /* and its regulariser */
} nnd__plan;

/* The threads a batch of m may use: the caller's count, clamped by its work. */
static int nnd__batch_threads(const nnd_net *net, int m)
{
    const double most = m * net->work / NND__STEP_WORK;
    const int nt = nnd__threads(net);
    return nt <= most ? nt : most >= 2 ? (int)most : 1;
}

static void nnd__plan_batch(const nnd_net *net, int m, int fuse, nnd__plan *P)
{
    int l, nt = nnd__batch_threads(net, m);
    if (net->pace.one || NND__REFERENCE) nt = 1; /* section 5: one slab, no split, nothing fused (no sparse lists) */
    P->m = m;
    P->nt = nt;
    P->step = P->shrink = 0;
    P->reg = NND_L2;
    P->slabs = nt < net->slab_cap ? nt : net->slab_cap;
    if (P->slabs > m / 2) P->slabs = m / 2 > 1 ? m / 2 : 1;
    for (l = 0; l < net->n_layers; ++l) {
        P->split[l] = (unsigned char)nnd__split(net, l, P->slabs);
        P->fused[l] = (unsigned char)(fuse && !NND__REFERENCE &&
                                      ((l == 0 && net->sparse) || nnd__large(net, l)));
    }
}

/* Whether backpropagation takes layer l's BP2 over the whole batch, by
   parts of its weight rows (nnd__bp2_part), instead of slab by slab. */
static int nnd__by_rows(const nnd__plan *P, int l)
{
    return l > 0 && (P->split[l] || P->fused[l]);
}

/* Stage s of a pipeline has finished its first g groups (nnd__forward_part):
   the stage publishes g, the next one waits for it. Without OpenMP the
   stages run one after the other and never wait. */
static void nnd__stage_post(int *flag, int g)
{
    (void)g; /* an atomic write's right side may look unused to a compiler */
    NND__FLUSH;
    NND__ATOMIC_WRITE
    *flag = g;
}

/* A waiting stage spins for a short while (the usual wait is a few
   microseconds), then gives its core away at every look: with more threads
   than free cores, the stage it waits for may need that core. */
static void nnd__stage_wait(int *flag, int g)
{
    int v, spins = 0;
    for (;;) {
        NND__ATOMIC_READ
        v = *flag;
        if (v >= g) break;
        if (++spins > 2000) nnd__yield();
    }
    NND__FLUSH;
}

/* Forward through split layer l (nnd__split) for the whole batch of m,
   stage s of S: the terms of its rows [p0, p1) of the weights. Each z =
   b + sum_p a_p w_p keeps its order p = 0, 1, ..., so the stages take a
   tile of nnd__gemm_rows (a group of examples times a strip of outputs) in
   turn: stage 0 starts it from b, stage s adds its terms to what stage s-1
   left, the last stage applies f - while stage s-1 goes on with the next
   tile. The tiles go strip by strip, every group of a strip before the
   next strip, so a strip of the stage's weights is read from memory once
   and stays in cache for the other groups, and the next stage can start
   after one tile. A stage reads only its columns [p0, p1) of the input, so
   it forms their dropout itself. flag[s * ints] counts stage s's finished
   tiles (the slabs' int scratch, which the forward pass does not use
   otherwise). */
static void nnd__forward_part(nnd_net *net, int l, int m, int s, int S, int train)
{
    const nnd__layer *L = &net->layer[l];
    const int n = L->n_out, p0 = nnd__part(L->n_in, s, S), p1 = nnd__part(L->n_in, s + 1, S);
    const int drop = L->p_dropout > 0, last = s == S - 1, groups = nnd__groups(m);
    const nnd_real *b = net->params + L->b_off, keep = (nnd_real)(1.0 - L->p_dropout);
    const nnd_real *in = (train && drop ? net->dropped[l] : net->a[l]) + p0;
    int *flag = net->slab_int + net->slab_ints * s;
    nnd_real *z = net->a[l + 1];
    /* every stage must cut the same tiles: the strips follow the layer, not the part */
    int width, strips = nnd__strips(1, groups, n, L->n_in / S, &width), t, r0, i, j;
    if (train && drop) nnd__drop_input(net, l, 0, m, p0, p1);
    for (t = 0; t < groups * strips; ++t) {
        const int nr = nnd__group(m, t % groups, &r0), j0 = t / groups * width;
        const int j1 = t / groups == strips - 1 ? n : j0 + width;
        if (s > 0) nnd__stage_wait(flag - net->slab_ints, t + 1);
        nnd__gemm_tile(t, groups, strips, width, m, n, p1 - p0, in, (size_t)L->n_in, 1,
                       net->params + L->w_off + (size_t)p0 * n, (size_t)n,
                       drop && !train ? NULL : b, s > 0, z, (size_t)n);
        for (i = r0; i < r0 + nr && last; ++i) {
            nnd_real *zi = z + (size_t)i * n;
            if (drop && !train) /* evaluation: z = (1-p) a w + b */
                for (j = j0; j < j1; ++j) zi[j] = keep * zi[j] + b[j];
            nnd__activate_rows(1, L->act, zi + j0, 1, j1 - j0);
        }
        nnd__stage_post(flag, t + 1);
    }
}

/* Run the batch in a[0] through every layer (22). With threads the batch
   is cut into slabs of examples, and each thread takes its slab through the
   layers with no barrier between them (layers meet only in the weights,
   which the forward pass only reads), except at a split layer
   (nnd__split), which the threads take together, a part of its weights
   each. The kernels compute every output of an example as the same sum in
   the same order whichever slab or part it is in, so neither the threads
   nor the slabs change a result. */
static void nnd__forward(nnd_net *net, const nnd__plan *P, int train)
{
    const int S = P->slabs, m = P->m;
    int l, l0, s;
    if (train) nnd__draw_masks(net, m);
#ifdef NND_REFERENCE
    nnd__ref_forward(net, m, train); /* the plain loops of section 5 instead of the kernels */
    return;
#endif
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        if (L->kind == NND_LAYER_CONV || L->kind == NND_LAYER_CONV_POOL)
            nnd__transpose(1, L->oc, L->K, net->params + L->w_off, (size_t)L->K, net->wtc[l],
                           (size_t)L->oc);
    }
    if (S == 1) {
        nnd__forward_rows(net, 0, m, P->nt, train, 0, net->n_layers);
        return;
    }
    for (l0 = 0; l0 < net->n_layers; l0 = l + 1) {
        for (l = l0; l < net->n_layers && !P->split[l]; ++l) {
        }
        if (l > l0) {
            const int l1 = l;
            NND__SLABS(S, s, nnd__forward_rows(net, m * s / S, m * (s + 1) / S, 1, train, l0, l1));
        }
        if (l < net->n_layers) {
            const int ls = l;
            for (s = 0; s < S; ++s) net->slab_int[net->slab_ints * s] = 0;
            NND__SLABS(S, s, nnd__forward_part(net, ls, m, s, S, train));
        }
    }
}

NND_DEF int nnd_feedforward(nnd_net *net, const nnd_real *x, size_t n_x, nnd_real *out, size_t n_out)
{
    int first, st, m;
    nnd_data d;
    if (!net || !x || !out) return NND_ERR_ARG;
    if (n_x == 0 || n_x % (size_t)net->n_in != 0)
        return nnd__fail(&net->error, NND_ERR_ARG, 0,
                         "nnd_feedforward: x holds %lu values, not a whole number of the net's %d-value inputs",
                         (unsigned long)n_x, net->n_in);
    if (n_x / (size_t)net->n_in > (size_t)INT_MAX)
        return nnd__fail(&net->error, NND_ERR_ARG, 0, "nnd_feedforward: x holds %lu values, more than %d examples",
                         (unsigned long)n_x, INT_MAX);
    m = (int)(n_x / (size_t)net->n_in);
    if (n_out / (size_t)net->n_out < (size_t)m)
        return nnd__fail(&net->error, NND_ERR_ARG, 0, "nnd_feedforward: out holds %lu values, %d %s %lu",
                         (unsigned long)n_out, m, m == 1 ? "example needs" : "examples need",
                         (unsigned long)((size_t)m * (size_t)net->n_out));
    if ((st = nnd__usable(net, "nnd_feedforward")) != NND_OK) return st;
    if ((st = nnd__reserve(net, m < 128 ? m : 128)) != NND_OK) return st;
    memset(&d, 0, sizeof d);
    d.n = m;
    d.n_in = net->n_in;
    d.x = x;
    for (first = 0; first < m; first += net->cap) {
        int b = m - first < net->cap ? m - first : net->cap;
        nnd__plan P;
        nnd__gather(net, &d, NULL, NULL, first, b);
        nnd__plan_batch(net, b, 0, &P);
        nnd__forward(net, &P, 0);
        memcpy(out + (size_t)first * net->n_out, net->a[net->n_layers],
               (size_t)b * net->n_out * sizeof *out);
    }
    return NND_OK;
}

/* -------------------------------------------------------------------------
   7. Backpropagation over the mini-batch (ch.2)
   ------------------------------------------------------------------------- */

/* Output error for examples [e0, e1): Delta^L, row i = cost.delta for
   example i (BP1), into dz[L-1]. */
static void nnd__output_delta(nnd_net *net, int e0, int e1)
{
    const nnd__layer *L = &net->layer[net->n_layers - 1];
    int i;
    for (i = e0; i < e1; ++i)
        nnd_cost_delta(net->cost, L->act, net->a[net->n_layers] + (size_t)i * L->n_out,
                       net->target + (size_t)i * L->n_out, net->dz[net->n_layers - 1] + (size_t)i * L->n_out,
                       L->n_out);
}

/* A conv-pool winner's patch row y cw + x from its pixel y iw + x */
#define NND__PATCH_ROW(L, pixel) ((pixel) / (L)->iw * (L)->cw + (pixel) % (L)->iw)

/* BP2 through a convolutional or pooling layer l for one example e: from
   its Delta de (dC/dz at the layer's output, f' applied), dC/da of its input
   into dp. Max-pooling sends each Delta to the input that won its block only
   (ch.6 problem). Through a convolution, dCOL = Delta W (patch row r gets
   Delta_f w_f from every filter f), then col2im adds each patch entry back
   at the input it was copied from. For conv-pool only the filters whose
   pooled value row r won contribute: a list per row (CSR: cnt, idx, val).
   T and ti are the slab's scratch. */
static void nnd__bp2_conv(const nnd_net *net, int l, int e, nnd_real *T, int *ti)
{
    const nnd__layer *L = &net->layer[l];
    const nnd_real *W = net->params + L->w_off;
    const int P = L->ch * L->cw, F = L->oc;
    const int *a = net->arg[l] ? net->arg[l] + (size_t)e * L->n_out : NULL;
    const nnd_real *de = net->dz[l] + (size_t)e * L->n_out;
    nnd_real *dp = net->dz[l - 1] + (size_t)e * L->n_in;
    int o, r, f;
    switch (L->kind) {
    case NND_LAYER_POOL:
        memset(dp, 0, (size_t)L->n_in * sizeof *dp);
        for (o = 0; o < L->n_out; ++o) dp[a[o]] += de[o];
        break;
    case NND_LAYER_CONV:
        nnd__gemm_nn(1, P, L->K, F, de, W, NULL, T); /* dCOL = D W */
        nnd__col2im(L, T, dp);
        break;
    case NND_LAYER_CONV_POOL: {
        int *cnt = ti, *idx = ti + P + 1;
        nnd_real *val = T + (size_t)P * L->K;
        memset(cnt, 0, ((size_t)P + 1) * sizeof *cnt);
        for (o = 0; o < L->n_out; ++o) ++cnt[NND__PATCH_ROW(L, a[o]) + 1];
        for (r = 0; r < P; ++r) cnt[r + 1] += cnt[r];
        for (o = 0; o < L->n_out; o += F)
            for (f = 0; f < F; ++f) { /* pooled value o + f: filter f */
                const int at = cnt[NND__PATCH_ROW(L, a[o + f])]++;
                idx[at] = f;
                val[at] = de[o + f];
            }
        for (r = P; r > 0; --r) cnt[r] = cnt[r - 1]; /* back to row starts */
        cnt[0] = 0;
        for (r = 0; r < P; ++r)
            nnd__rows(L->K, cnt[r + 1] - cnt[r], idx + cnt[r], val + cnt[r], 1, W, (size_t)L->K,
                      NULL, T + (size_t)r * L->K);
        nnd__col2im(L, T, dp);
        break;
    }
    default:
        break;
    }
}

/* Conv-pool layer l's gradient lists (see nnd__gradients) for examples
   [e0, e1) of a batch of m: filter f's list holds, for each pooled value
   (e, q), the pixel of example e that won it (arg) and Delta there, at
   f m Q + e Q + q. */
static void nnd__route_lists(const nnd_net *net, int l, int m, int e0, int e1)
{
    const nnd__layer *L = &net->layer[l];
    const int F = L->oc, Q = L->oh * L->ow;
    const size_t mq = (size_t)m * Q;
    int e, q, f;
    if (L->kind != NND_LAYER_CONV_POOL) return;
    for (e = e0; e < e1; ++e) {
        const int *a = net->arg[l] + (size_t)e * L->n_out;
        const nnd_real *d = net->dz[l] + (size_t)e * L->n_out;
        for (q = 0; q < Q; ++q)
            for (f = 0; f < F; ++f) {
                const size_t at = (size_t)f * mq + (size_t)e * Q + q;
                net->route_idx[l][at] = a[q * F + f];
                net->route_val[l][at] = d[q * F + f];
            }
    }
}

/* The end of BP2 through dense layer l for rows [e0, e1) and columns
   [p0, p1) of Delta^{l-1}: times the dropout mask of the layer's input
   (evaluation: times 1-p, as z = (1-p) a w + b), then f'(z^{l-1}). */
static void nnd__bp2_finish(nnd_net *net, int l, int train, int e0, int e1, int p0, int p1)
{
    const nnd__layer *L = &net->layer[l];
    const size_t n = (size_t)L->n_in;
    const nnd_real keep = (nnd_real)(1.0 - L->p_dropout);
    int e, p;
    for (e = e0; e < e1; ++e) {
        nnd_real *dp = net->dz[l - 1] + e * n;
        if (L->p_dropout > 0)
            for (p = p0; p < p1; ++p) dp[p] *= train ? net->mask[l][e * n + p] : keep;
        nnd__mul_prime(net->layer[l - 1].act, net->a[l] + e * n + p0, dp + p0, (size_t)(p1 - p0));
    }
}

/* The deltas of examples [e0, e1), from layer top down to layer bottom
   (BP1 first when top is the output layer):
     Delta^{l-1} = (Delta^l (w^l)^T) . f'(z^{l-1})      (BP2)
   (times the dropout mask of layer l's input, when it has one) for
   bottom < l <= top, the kernels using nt threads; T, ti: the slab's
   scratch. Conv-pool layers list their examples' part of the weight
   gradient's terms as their deltas are done. */
static void nnd__deltas_rows(nnd_net *net, int m, int e0, int e1, int nt, int train, nnd_real *T,
                             int *ti, int top, int bottom)
{
    const int rows = e1 - e0;
    int l, e;
    if (top == net->n_layers - 1) nnd__output_delta(net, e0, e1);
    nnd__route_lists(net, top, m, e0, e1);
    for (l = top; l > bottom; --l) {
        const nnd__layer *L = &net->layer[l];
        const size_t at = (size_t)e0 * L->n_in;
        if (L->kind == NND_LAYER_DENSE) {
            nnd__gemm_nt(nt, rows, L->n_out, L->n_in, net->dz[l] + (size_t)e0 * L->n_out,
                         net->params + L->w_off, T, net->dz[l - 1] + at, (size_t)L->n_in);
            nnd__bp2_finish(net, l, train, e0, e1, 0, L->n_in);
        } else {
            for (e = e0; e < e1; ++e) nnd__bp2_conv(net, l, e, T, ti);
            nnd__mul_prime(net->layer[l - 1].act, net->a[l] + at, net->dz[l - 1] + at,
                           (size_t)rows * L->n_in);
        }
        nnd__route_lists(net, l - 1, m, e0, e1); /* Delta^{l-1} is complete */
    }
}

static void nnd__bp2_step_part(nnd_net *net, const nnd__plan *P, int l, int s, int S);

/* BP2 through layer l (nnd__by_rows) for the whole batch: part s of S of
   the columns of Delta^{l-1}, from that part's rows of the weights; a
   fused layer takes those rows' weight step with it (nnd__bp2_step_part). */
static void nnd__bp2_part(nnd_net *net, const nnd__plan *P, int l, int s, int S, int train)
{
    const nnd__layer *L = &net->layer[l];
    const int p0 = nnd__part(L->n_in, s, S), p1 = nnd__part(L->n_in, s + 1, S);
    if (P->fused[l])
        nnd__bp2_step_part(net, P, l, s, S);
    else
        nnd__gemm_nt(1, P->m, L->n_out, p1 - p0, net->dz[l], net->params + L->w_off + (size_t)p0 * L->n_out,
                     net->slab + net->slab_len * s, net->dz[l - 1] + p0, (size_t)L->n_in);
    nnd__bp2_finish(net, l, train, 0, P->m, p0, p1);
}

/* BP3 and BP4 of conv-pool layer l, from filter f's list (nnd__route_lists):
   dC/db_f = sum of Delta over the pooled values, dC/dw_f = sum over them
   of Delta times the patch at the position that won the pool block. */
static void nnd__conv_pool_gradient(nnd_net *net, const nnd__plan *plan, int l, nnd_real *gw,
                                    nnd_real *gb)
{
    const nnd__layer *L = &net->layer[l];
    const int nt = plan->nt, m = plan->m, F = L->oc, C = L->ic;
    const int Q = L->oh * L->ow, mq = m * Q, parts = nt < F ? nt : F, run = L->fw * C;
    const int image = nnd__image_gradient(net, l);
    int part;
    nnd__sum_rows(mq, F, net->dz[l], gb);
    /* The threads split the filters; each walks the batch once, an
       example at a time, so that example's input stays in cache while
       all its filters take their terms. Filter f's sum still runs over
       its list in order, whatever the split. A term's patch is read
       from the input itself, a filter row (fw C values) at a time: the
       input is K / C times smaller than its patches. A one-channel
       first layer reads a padded copy of the image, a filter at once
       (nnd__rows_image). */
    NND__FOR(nt, (double)mq * F * L->K, part, 0, parts, {
        const int f0 = F * part / parts, f1 = F * (part + 1) / parts;
        nnd_real *copy = net->slab + net->slab_len * part; /* this thread's scratch */
        int e, f, dy;
        for (e = 0; e < m; ++e) {
            const nnd_real *in = net->a[l] + (size_t)e * L->n_in;
            if (image) { /* one channel: the image, padded with zeros */
                memcpy(copy, in, (size_t)L->n_in * sizeof *copy);
                memset(copy + L->n_in, 0, NND__VL * sizeof *copy);
            }
            for (f = f0; f < f1; ++f) {
                const size_t at = (size_t)f * mq + (size_t)e * Q;
                const int *ri = net->route_idx[l] + at;
                const nnd_real *rv = net->route_val[l] + at;
                nnd_real *g = gw + (size_t)f * L->K;
                if (!image)
                    for (dy = 0; dy < L->fh; ++dy)
                        nnd__rows(run, Q, ri, rv, 1, in + (size_t)dy * L->iw * C, (size_t)C,
                                  e > 0 ? g + dy * run : NULL, g + dy * run);
                else
                    nnd__rows_image_fh(L->fh, L->fw, L->iw, Q, ri, rv, copy, e > 0, g);
            }
        }
    });
}

/* From the deltas, write the sum over the batch of dC/db and dC/dw of
   every layer into grad:
     dC/db^l = sum_i Delta^l[i]                      (BP3)
     dC/dw^l = (A^{l-1})^T Delta^l  ([n_in x n_out]) (BP4)
   A convolution's weights are shared over positions, so its sums run over
   the batch and the positions too: dC/dw_f = sum of Delta_f(y,x) times the
   patch at (y,x); for conv-pool, over pooled positions q, the patch at the
   position that won q for filter f. Fused layers (nnd__plan_batch) form
   no weight gradient here: the sparse input layer takes its step in
   nnd__update, a large layer took its step in BP2 (nnd__bp2_step_part). */
static void nnd__gradients(nnd_net *net, const nnd__plan *plan, nnd_real *grad, int train)
{
    const int nt = plan->nt, m = plan->m;
    int l;
    for (l = net->n_layers - 1; l >= 0; --l) {
        const nnd__layer *L = &net->layer[l];
        const nnd_real *d = net->dz[l];
        nnd_real *gw = grad + L->w_off, *gb = grad + L->b_off;
        const int P = L->ch * L->cw, F = L->oc;
        switch (L->kind) {
        case NND_LAYER_DENSE:
            nnd__sum_rows(m, L->n_out, d, gb);
            if (plan->fused[l]) {
                /* its weight step takes the gradient itself (see above) */
            } else if (l == 0 && net->sparse) {
                nnd__sparse_tn(nt, m, L->n_in, L->n_out, net->sp_cnt, net->sp_row_idx,
                               net->sp_row_val, d, gw, (double)net->sp_total, 0);
            } else {
                const nnd_real *in = train && L->p_dropout > 0 ? net->dropped[l] : net->a[l];
                nnd__gemm_tn(nt, m, L->n_out, L->n_in, in, d, gw);
                if (!train && L->p_dropout > 0) { /* evaluation: z = (1-p) a w + b */
                    size_t i;
                    const nnd_real keep = (nnd_real)(1.0 - L->p_dropout);
                    for (i = 0; i < L->n_w; ++i) gw[i] *= keep;
                }
            }
            break;
        case NND_LAYER_CONV:
            nnd__sum_rows(m * P, F, d, gb);
            nnd__gemm_tn(nt, m * P, L->K, F, d, net->col[l], gw); /* [F x K] = D^T COL */
            break;
        case NND_LAYER_CONV_POOL:
            nnd__conv_pool_gradient(net, plan, l, gw, gb);
            break;
        default:
            break;
        }
    }
}

/* The gradient of the batch whose forward pass is in the workspace: the
   deltas slab by slab as nnd__forward cut it (each thread takes its
   examples down through the layers with no barrier) but for the BP2 of a
   layer that goes by rows (nnd__by_rows), which the threads take together,
   a part of its weight rows each (a fused layer's weight step with it);
   then the other weight gradients, each summed over the whole batch in
   example order. */
static void nnd__backward(nnd_net *net, const nnd__plan *P, nnd_real *grad, int train)
{
    const int S = P->slabs, m = P->m;
    int s, top, ls;
#ifdef NND_REFERENCE
    nnd__ref_backward(net, m, grad, train); /* the plain loops of section 5 instead of the kernels */
    return;
#endif
    for (top = net->n_layers - 1; top >= 0; top = ls - 1) {
        const int t = top;
        for (ls = top; ls > 0 && !nnd__by_rows(P, ls); --ls) {
        }
        if (S == 1)
            nnd__deltas_rows(net, m, 0, m, P->nt, train, net->slab, net->slab_int, t, ls);
        else
            NND__SLABS(S, s,
                       nnd__deltas_rows(net, m, m * s / S, m * (s + 1) / S, 1, train,
                                        net->slab + net->slab_len * s,
                                        net->slab_int + net->slab_ints * s, t, ls));
        if (ls > 0) {
            const int l = ls;
            NND__SLABS(S, s, nnd__bp2_part(net, P, l, s, S, train));
        }
    }
    nnd__gradients(net, P, grad, train);
}

static double nnd__batch_cost_sum(const nnd_net *net, int m)
{
    double c = 0.0;
    int i;
    for (i = 0; i < m; ++i)
        c += nnd_cost_fn(net->cost, net->a[net->n_layers] + (size_t)i * net->n_out,
                         net->target + (size_t)i * net->n_out, net->n_out);
    return c;
}

/* NND_OK when each of the n labels is a class of net, else the first that
   is not, named. */
static int nnd__check_labels(nnd_net *net, const int *labels, int n, const char *what)
{
    int i;
    for (i = 0; i < n; ++i)
        if (labels[i] < 0 || labels[i] >= net->n_out)
            return nnd__fail(&net->error, NND_ERR_SHAPE, 0, "%s: label %d of example %d is outside 0..%d",
                             what, labels[i], i, net->n_out - 1);
    return NND_OK;
}

static int nnd__check_data(nnd_net *net, const nnd_data *d, const char *what);

/* Whether batch is a mini-batch net can run (`what` names it in the
   messages): nnd__check_data's checks - the view's inputs, their width,
   its targets' width, its labels, the net's parameters - and at least one
   example, with labels or targets. */
static int nnd__check_batch(nnd_net *net, const nnd_data *batch, const char *what)
{
    int st = nnd__check_data(net, batch, what);
    if (st != NND_OK) return st;
    if (batch->n < 1)
        return nnd__fail(&net->error, NND_ERR_ARG, 0, "%s: %d examples, a batch needs at least one", what, batch->n);
    if (!batch->y && !batch->labels)
        return nnd__fail(&net->error, NND_ERR_ARG, 0, "%s: neither labels nor targets (nnd_data_targets)", what);
    return NND_OK;
}

NND_DEF int nnd_backprop(nnd_net *net, const nnd_data *batch, nnd_real *grad, size_t n_grad, double *cost)
{
    nnd__plan P;
    int st;
    if (!net || !grad) return NND_ERR_ARG;
    if ((st = nnd__check_batch(net, batch, "nnd_backprop's batch")) != NND_OK) return st;
    if (n_grad < net->n_params)
        return nnd__fail(&net->error, NND_ERR_ARG, 0, "nnd_backprop: grad holds %lu values, the network has %lu parameters",
                         (unsigned long)n_grad, (unsigned long)net->n_params);
    if ((st = nnd__reserve(net, batch->n)) != NND_OK) return st;
    nnd__gather(net, batch, NULL, NULL, 0, batch->n);
    nnd__plan_batch(net, batch->n, 0, &P);
    nnd__forward(net, &P, net->train_mode);
    if (cost) *cost = nnd__batch_cost_sum(net, batch->n);
    nnd__backward(net, &P, grad, net->train_mode);
    return NND_OK;
}

NND_DEF int nnd_batch_cost(nnd_net *net, const nnd_data *batch, double *cost)
{
    nnd__plan P;
    int st;
    if (!net || !cost) return NND_ERR_ARG;
    if ((st = nnd__check_batch(net, batch, "nnd_batch_cost's batch")) != NND_OK) return st;
    if ((st = nnd__reserve(net, batch->n)) != NND_OK) return st;
    nnd__gather(net, batch, NULL, NULL, 0, batch->n);
    nnd__plan_batch(net, batch->n, 0, &P);
    nnd__forward(net, &P, net->train_mode);
    *cost = nnd__batch_cost_sum(net, batch->n);
    return NND_OK;
}

/* -------------------------------------------------------------------------
   8. Evaluation: accuracy, total_cost (network2) and predictions
   ------------------------------------------------------------------------- */
NND_DEF nnd_data nnd_data_slice(const nnd_data *d, int first, int count)
{
    nnd_data s = *d;
    if (first < 0) first = 0;
    if (first > d->n) first = d->n;
    if (count < 0 || count > d->n - first) count = d->n - first;
    s.n = count;
    if (s.x) s.x += (size_t)first * d->n_in;
    if (s.x8) s.x8 += (size_t)first * d->n_in;
    if (s.labels) s.labels += first;
    if (s.y) s.y += (size_t)first * d->n_y;
    return s;
}

NND_DEF nnd_data nnd_data_bytes(const unsigned char *x8, int n, int n_in, double scale,
                                const int *labels)
{
    nnd_data d;
    memset(&d, 0, sizeof d);
    d.n = n;
    d.n_in = n_in;
    d.x8 = x8;
    d.x8_scale = (nnd_real)scale;
    d.labels = labels;
    return d;
}

NND_DEF nnd_data nnd_data_reals(const nnd_real *x, int n, int n_in, const int *labels)
{
    nnd_data d = nnd_data_bytes(NULL, n, n_in, 0.0, labels);
    d.x = x;
    return d;
}

NND_DEF nnd_data nnd_data_targets(nnd_data d, const nnd_real *y, int n_y)
{
    d.y = y;
    d.n_y = n_y;
    return d;
}

/* Whether net can run on the data set d (`what` names it in the message). */
static int nnd__check_data(nnd_net *net, const nnd_data *d, const char *what)
{
    nnd_error *e = &net->error;
    int st;
    if (!d) return nnd__fail(e, NND_ERR_ARG, 0, "%s: NULL", what);
    if (d->n < 0 || (!d->x && !d->x8 && d->n > 0))
        return nnd__fail(e, NND_ERR_ARG, 0, "%s: %d examples and no inputs", what, d->n);
    if (!d->x && d->x8 && !(d->x8_scale > 0))
        return nnd__fail(e, NND_ERR_ARG, 0, "%s: bytes with scale %g would all read as 0 (nnd_data_bytes: 1/256.0 for MNIST)",
                         what, (double)d->x8_scale);
    if (d->n_in != net->n_in)
        return nnd__fail(e, NND_ERR_SHAPE, 0, "%s: %d inputs per example, the network takes %d", what, d->n_in, net->n_in);
    if (d->y && d->n_y != net->n_out)
        return nnd__fail(e, NND_ERR_SHAPE, 0, "%s: %d targets per example, the network has %d outputs", what, d->n_y, net->n_out);
    if ((st = nnd__usable(net, what)) != NND_OK) return st;
    return d->labels ? nnd__check_labels(net, d->labels, d->n, what) : NND_OK;
}

static int nnd__argmax(const nnd_real *v, int n)
{
    int j, best = 0;
    for (j = 1; j < n; ++j)
        if (v[j] > v[best]) best = j; /* first maximum, like numpy.argmax */
    return best;
}

/* One pass over d in chunks: predictions and/or the summed cost. */
static int nnd__evaluate(nnd_net *net, const nnd_data *d, const nnd__index *ix,
                         int *predicted, int *correct, double *cost_sum)
{
    int first, i, chunk, st = nnd__check_data(net, d, "data");
    int hits = 0;
    double c = 0.0;
    if (st != NND_OK) return st;
    if ((st = nnd__reserve(net, 128)) != NND_OK) return st;
    if (cost_sum && !d->y && !d->labels) return NND_ERR_ARG;
    /* convolutional layers' buffers grow fast with the batch: keep it in cache */
    chunk = net->cap;
    for (i = 0; i < net->n_layers; ++i)
        if (net->layer[i].kind != NND_LAYER_DENSE) chunk = 16;
    if (chunk > net->cap) chunk = net->cap;
    for (first = 0; first < d->n; first += chunk) {
        int b = d->n - first < chunk ? d->n - first : chunk;
        const nnd_real *out;
        nnd__plan P;
        nnd__gather(net, d, ix, NULL, first, b);
        nnd__plan_batch(net, b, 0, &P);
        nnd__forward(net, &P, 0);
        out = net->a[net->n_layers];
        for (i = 0; i < b; ++i) {
            int guess = nnd__argmax(out + (size_t)i * net->n_out, net->n_out);
            int truth = d->labels ? d->labels[first + i]
                                  : nnd__argmax(net->target + (size_t)i * net->n_out, net->n_out);
            if (predicted) predicted[first + i] = guess;
            hits += guess == truth;
        }
        if (cost_sum) c += nnd__batch_cost_sum(net, b);
    }
    if (correct) *correct = hits;
    if (cost_sum) *cost_sum = c;
    return NND_OK;
}

NND_DEF int nnd_accuracy(nnd_net *net, const nnd_data *data, int *correct)
{
    if (!net || !correct || !data || (!data->labels && !data->y)) return NND_ERR_ARG;
    return nnd__evaluate(net, data, NULL, NULL, correct, NULL);
}

NND_DEF int nnd_predict(nnd_net *net, const nnd_data *data, int *predicted)
{
    if (!net || !predicted) return NND_ERR_ARG;
    return nnd__evaluate(net, data, NULL, predicted, NULL, NULL);
}

/* One example through the network, in evaluation mode; d holds it as
   reals or bytes, and its length is checked before anything is read. */
static int nnd__classify(nnd_net *net, const nnd_data *d, int n_x, nnd_real *scores, int n_scores, int *cls)
{
    nnd__plan P;
    int st;
    if (!net || (!d->x && !d->x8)) return NND_ERR_ARG;
    if (n_x != net->n_in)
        return nnd__fail(&net->error, NND_ERR_SHAPE, 0, "the example has %d values, the network takes %d", n_x,
                         net->n_in);
    if (scores && n_scores < net->n_out)
        return nnd__fail(&net->error, NND_ERR_SHAPE, 0, "room for %d scores, the network has %d outputs", n_scores,
                         net->n_out);
    if ((st = nnd__usable(net, "nnd_classify")) != NND_OK || (st = nnd__reserve(net, 1)) != NND_OK) return st;
    nnd__gather(net, d, NULL, NULL, 0, 1);
    nnd__plan_batch(net, 1, 0, &P);
    nnd__forward(net, &P, 0);
    if (scores) memcpy(scores, net->a[net->n_layers], (size_t)net->n_out * sizeof *scores);
    if (cls) *cls = nnd__argmax(net->a[net->n_layers], net->n_out);
    return NND_OK;
}

NND_DEF int nnd_classify(nnd_net *net, const nnd_real *x, int n_x, nnd_real *scores, int n_scores, int *cls)
{
    nnd_data d = nnd_data_reals(x, 1, n_x, NULL);
    return nnd__classify(net, &d, n_x, scores, n_scores, cls);
}

NND_DEF int nnd_classify_bytes(nnd_net *net, const unsigned char *px, int n_px, nnd_real *scores,
                               int n_scores, int *cls)
{
    nnd_data d = nnd_data_bytes(px, 1, n_px, 1.0 / 256, NULL);
    return nnd__classify(net, &d, n_px, scores, n_scores, cls);
}

NND_DEF int nnd_top_k(const nnd_real *scores, int n, int k, int *classes)
{
    int i, j, c;
    if (!scores || !classes || n < 0 || k < 0) return 0;
    if (k > n) k = n;
    for (i = 0; i < k; ++i) { /* selection: the best class not taken yet */
        int best = -1;
        for (c = 0; c < n; ++c) {
            for (j = 0; j < i && classes[j] != c; ++j) {}
            if (j == i && (best < 0 || scores[c] > scores[best])) best = c;
        }
        classes[i] = best;
    }
    return k;
}

/* The penalty of (86)/(95) without its 1/n: 0.5 sum w^2, or sum |w|. */
static double nnd__weight_penalty(const nnd_net *net, nnd_regularization reg)
{
    double s = 0.0;
    int l;
    size_t i;
    for (l = 0; l < net->n_layers; ++l) {
        const nnd_real *W = net->params + net->layer[l].w_off;
        for (i = 0; i < net->layer[l].n_w; ++i)
            s += reg == NND_L1 ? fabs((double)W[i]) : 0.5 * (double)W[i] * (double)W[i];
    }
    return s;
}

/* network2's total_cost from a summed cost: sum/n + (lmbda/n) penalty. */
static double nnd__total_from_sum(const nnd_net *net, double sum, int n, double lmbda,
                                  nnd_regularization reg)
{
    return sum / n + (lmbda / n) * nnd__weight_penalty(net, reg);
}

NND_DEF int nnd_total_cost(nnd_net *net, const nnd_data *data, double lmbda, int l1,
                           double *cost)
{
    double sum;
    int st;
    if (!net || !data || !cost || data->n < 1) return NND_ERR_ARG;
    if ((st = nnd__evaluate(net, data, NULL, NULL, NULL, &sum)) != NND_OK) return st;
    *cost = nnd__total_from_sum(net, sum, data->n, lmbda, l1 ? NND_L1 : NND_L2);
    return NND_OK;
}

/* -------------------------------------------------------------------------
   9. Training: stochastic gradient descent (ch.1 (20)-(21), ch.3)
   ------------------------------------------------------------------------- */
NND_DEF void nnd_plateau_init(nnd_plateau *p, int patience, int max_halvings)
{
    memset(p, 0, sizeof *p);
    p->patience = patience;
    p->max_halvings = max_halvings;
    p->best_epoch = -1;
    p->best = -HUGE_VAL;
}

NND_DEF int nnd_plateau_update(nnd_plateau *p, double score)
{
    int epoch = p->epochs++;
    if (score > p->best) { /* strictly better: an improvement */
        p->best = score;
        p->best_epoch = epoch;
        p->since_best = 0;
        return NND_CONTINUE;
    }
    if (p->patience <= 0 || ++p->since_best < p->patience) return NND_CONTINUE;
    p->since_best = 0; /* the count restarts after each firing */
    if (p->halvings < p->max_halvings) {
        ++p->halvings;
        if (p->halvings < p->max_halvings) return NND_HALVE_ETA;
    }
    return NND_STOP;
}

NND_DEF nnd_sgd_options nnd_sgd_defaults(void)
{
    nnd_sgd_options o;
    memset(&o, 0, sizeof o);
    o.epochs = 30;
    o.mini_batch_size = 10;
    o.eta = 0.5;
    o.regularization = NND_L2;
    return o;
}

NND_DEF nnd_sgd_options nnd_network3_options(int epochs, int mini_batch_size, double eta,
                                             const nnd_data *validation, const nnd_data *test,
                                             double lmbda)
{
    nnd_sgd_options o = nnd_sgd_defaults();
    o.epochs = epochs;
    o.mini_batch_size = mini_batch_size;
    o.eta = eta;
    o.lmbda = lmbda;
    o.network3 = 1;
    o.evaluation_data = validation;
    o.monitor_evaluation_accuracy = validation != NULL;
    o.test_data = test;
    return o;
}

NND_DEF void nnd_history_free(nnd_history *h)
{
    if (!h) return;
    NND_FREE(h->evaluation_cost);
    NND_FREE(h->evaluation_accuracy);
    NND_FREE(h->training_cost);
    NND_FREE(h->training_accuracy);
    NND_FREE(h->eta);
    NND_FREE(h->test_accuracy);
    memset(h, 0, sizeof *h);
}

/* One weight's plain SGD step, (93) with L2 or (97) with L1:
   w - (eta lmbda/n) w - (eta/m) g, or w - (eta lmbda/n) sgn(w) - (eta/m) g. */
static NND__INLINE nnd_real nnd__sgd_step(nnd_real w, nnd_real g, nnd_real shrink, nnd_real step,
                                          nnd_regularization reg)
{
    return reg == NND_L1 ? w - shrink * (nnd_real)((w > 0) - (w < 0)) - step * g : w - shrink * w - step * g;
}

/* The step of len weights from their summed gradient g, nt threads. */
static void nnd__sgd_rows(int nt, nnd_real *NND__RESTRICT w, const nnd_real *NND__RESTRICT g, size_t len,
                          nnd_real shrink, nnd_real step, nnd_regularization reg)
{
    size_t i;
    (void)nt;
    if (reg == NND_L1) {
        NND__FOR(nt, 4.0 * len, i, 0, len, w[i] = nnd__sgd_step(w[i], g[i], shrink, step, NND_L1));
    } else {
        NND__FOR(nt, 2.0 * len, i, 0, len, w[i] = nnd__sgd_step(w[i], g[i], shrink, step, NND_L2));
    }
}

/* The step a fused layer takes inside backpropagation, for a batch of m
   out of n training examples (L2 or L1 as in nnd__update). */
static void nnd__plan_step(nnd__plan *P, double eta, double lmbda, int n, nnd_regularization reg)
{
    P->step = (nnd_real)(eta / P->m);
    P->shrink = (nnd_real)(eta * lmbda / n);
    /* (1 - eta lmbda/n) w is applied as w - (eta lmbda/n) w: in float the
       factor 1 - 1e-5 would round to a multiple of 6e-8, the small term does not */
    P->reg = reg;
}

/* BP2 (26) and plain SGD fused, on large layer l (nnd__large) for the
   batch, part s of S of its weight rows [p0, p1), a block of rows at a
   time: first the block's columns of Delta^{l-1} from its old weights
   (nnd__gemm_nt's small-batch form, C^T = W T with T = Delta^T), then its
   rows of the weight gradient (BP4 (31): row p is sum_i a_ip Delta_i)
   into the thread's scratch, and their step (93)/(97). A block of weights
   is read from memory once for both, not once for BP2 and again for the
   step, and the gradient is never written out whole. Every value is the
   same sum in the same order as nnd__gemm_nt's BP2 and nnd__gradients'
   product, so the fusion changes no result. The slab holds T, the block's
   C^T and its gradient rows (nnd__slab_sizes). */
static void nnd__bp2_step_part(nnd_net *net, const nnd__plan *P, int l, int s, int S)
{
    const nnd__layer *L = &net->layer[l];
    const int n = L->n_out, k = L->n_in, m = P->m, mp = m > NND__VL ? m : NND__VL, block = NND__STEP_ROWS;
    const int p1 = nnd__part(k, s + 1, S);
    const nnd_real *in = L->p_dropout > 0 ? net->dropped[l] : net->a[l];
    nnd_real *T = net->slab + net->slab_len * s, *Ct = T + (size_t)n * mp, *g = Ct + (size_t)block * mp;
    int p;
    NND_ASSERT(net->slab_len >= (size_t)n * mp + (size_t)block * (mp + n)); /* nnd__slab_sizes */
    nnd__nt_operand(1, m, n, net->dz[l], T, mp);
    for (p = nnd__part(k, s, S); p < p1; p += block) {
        const int rows = p1 - p < block ? p1 - p : block;
        nnd_real *w = net->params + L->w_off + (size_t)p * n; /* the block's rows, one run */
        nnd__nt_rows(1, m, n, rows, T, mp, w, Ct, net->dz[l - 1] + p, (size_t)k);
        nnd__gemm_rows(1, rows, n, m, in + p, 1, (size_t)k, net->dz[l], (size_t)n, NULL, g, (size_t)n);
        nnd__sgd_rows(1, w, g, (size_t)rows * n, P->shrink, P->step, P->reg);
    }
}

/* One step for a mini-batch of m whose summed gradient is in net->grad:
   L2 (93):  w <- (1 - eta lmbda/n) w - (eta/m) sum grad_w
   L1 (97):  w <- w - (eta lmbda/n) sgn(w) - (eta/m) sum grad_w
   momentum (107)-(108), with the regulariser's gradient in grad C:
             v <- mu v - eta grad C,  w <- w + v
   with eta, lmbda, n and the regulariser of nnd__plan_step. Biases take
   the gradient step only. With fuse (plain SGD), the weights of a sparse
   input layer take their gradient here, and those of a large layer
   (nnd__large) have taken their step in BP2 (nnd__bp2_step_part):
   nnd__gradients left both out. */
static void nnd__update(nnd_net *net, const nnd__plan *P, double mu, nnd_real *vel)
{
    const int m = P->m;
    const nnd_real step = P->step, shrink = P->shrink;
    const nnd_regularization reg = P->reg;
    const nnd_real muv = (nnd_real)mu;
    const int nt = P->nt;
    int l;
    (void)nt;
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        nnd_real *NND__RESTRICT w = net->params + L->w_off;
        nnd_real *NND__RESTRICT b = net->params + L->b_off;
        const nnd_real *NND__RESTRICT gw = net->grad + L->w_off;
        const nnd_real *NND__RESTRICT gb = net->grad + L->b_off;
        size_t i;
        if (vel) {
            nnd_real *NND__RESTRICT vw = vel + L->w_off, *NND__RESTRICT vb = vel + L->b_off;
            for (i = 0; i < L->n_w; ++i) {
                nnd_real r = reg == NND_L1 ? (nnd_real)((w[i] > 0) - (w[i] < 0)) : w[i];
                vw[i] = muv * vw[i] - step * gw[i] - shrink * r;
                w[i] += vw[i];
            }
            for (i = 0; i < L->n_b; ++i) {
                vb[i] = muv * vb[i] - step * gb[i];
                b[i] += vb[i];
            }
            continue;
        }
        if (P->fused[l] && l == 0) { /* (nnd__large excludes layer 0) */
            /* The sparse input layer with plain SGD: nnd__backward did not form
               its weight gradient sum_i x_i Delta_i (mostly zero rows). Take the
               decay (or L1) step over all weights, then add -(eta/m) x_ik Delta_i
               to the rows k that the batch's nonzero inputs touch: the same
               update as (93)/(97), without writing and re-reading a
               gradient block of n_in x n_out numbers per mini-batch. */
            const nnd_real *d1 = net->dz[0];
            nnd_real *sd = net->scratch;
            size_t q, len = (size_t)m * L->n_out;
            if (reg == NND_L1) {
                NND__FOR(nt, 4.0 * L->n_w, i, 0, L->n_w, w[i] -= shrink * (nnd_real)((w[i] > 0) - (w[i] < 0)));
            } else {
                NND__FOR(nt, 2.0 * L->n_w, i, 0, L->n_w, w[i] -= shrink * w[i]);
            }
            for (q = 0; q < len; ++q) sd[q] = -step * d1[q];
            nnd__sparse_tn(nt, m, L->n_in, L->n_out, net->sp_cnt, net->sp_row_idx, net->sp_row_val,
                           sd, w, (double)net->sp_total, 1);
        } else if (P->fused[l]) {
            /* a large layer: its weights took their step in BP2 (nnd__bp2_step_part) */
        } else {
            nnd__sgd_rows(nt, w, gw, L->n_w, shrink, step, reg);
        }
        for (i = 0; i < L->n_b; ++i) b[i] -= step * gb[i];
    }
}

/* Augmentation transforms the input as one grey image: a conv/pool first
   layer with one channel, or a dense first layer reading a square image. */
static int nnd__is_image_input(const nnd_net *net)
{
    const nnd__layer *L0 = &net->layer[0];
    const int side = (int)(sqrt((double)net->n_in) + 0.5);
    return L0->kind != NND_LAYER_DENSE ? L0->ic == 1 : side * side == net->n_in;
}

/* The hyper-parameters nnd_sgd refuses, each named with its value. */
static int nnd__check_hyper(nnd_net *net, const nnd_sgd_options *o)
{
    nnd_error *e = &net->error;
    if (!o) return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: NULL options");
    if (o->epochs < 0) return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: epochs is %d, it must be >= 0", o->epochs);
    if (o->mini_batch_size < 1)
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: mini_batch_size is %d, it must be >= 1", o->mini_batch_size);
    if (!(o->eta > 0) || !(o->eta < HUGE_VAL))
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: eta is %g, it must be positive and finite", o->eta);
    if (!(o->lmbda >= 0) || !(o->lmbda < HUGE_VAL))
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: lmbda is %g, it must be >= 0 and finite", o->lmbda);
    if (!(o->momentum >= 0 || o->momentum < 0))
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: momentum is NaN");
    if (o->regularization != NND_L2 && o->regularization != NND_L1)
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: regularization is %d, not NND_L2 or NND_L1", (int)o->regularization);
    if (o->early_stopping_patience < 0 || o->eta_halvings < 0)
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: early_stopping_patience %d and eta_halvings %d must be >= 0",
                         o->early_stopping_patience, o->eta_halvings);
    if (!(o->augment_rotate >= 0 && o->augment_rotate <= 180) || !(o->augment_shift >= 0 && o->augment_shift < 1e6))
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: augment_rotate %g must be in [0, 180], augment_shift %g >= 0",
                         o->augment_rotate, o->augment_shift);
    if ((o->augment_rotate > 0 || o->augment_shift > 0) && (!o->rng || !nnd__is_image_input(net)))
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: augmentation needs rng and a network whose input is an image");
    return NND_OK;
}

static int nnd__check_options(nnd_net *net, const nnd_data *tr, const nnd_sgd_options *o)
{
    nnd_error *e = &net->error;
    int st;
    if ((st = nnd__check_hyper(net, o)) != NND_OK) return st;
    if (!tr || tr->n < 1 || (!tr->labels && !tr->y))
        return nnd__fail(e, NND_ERR_ARG, 0, "training data: it needs at least one example, with labels or targets");
    if ((st = nnd__check_data(net, tr, "training data")) != NND_OK) return st;
    if ((o->monitor_evaluation_accuracy || o->monitor_evaluation_cost || o->early_stopping_patience > 0) &&
        (!o->evaluation_data || o->evaluation_data->n < 1))
        return nnd__fail(e, NND_ERR_ARG, 0, "nnd_sgd: the evaluation monitors and early stopping need evaluation_data");
    if (o->evaluation_data && (st = nnd__check_data(net, o->evaluation_data, "evaluation data")) != NND_OK)
        return st;
    if (o->test_data && (st = nnd__check_data(net, o->test_data, "test data")) != NND_OK) return st;
    if (o->test_data && (!o->test_data->labels && !o->test_data->y))
        return nnd__fail(e, NND_ERR_ARG, 0, "test data: it needs labels or targets");
    return NND_OK;
}

/* Finite blow-up after an epoch (see nnd_epoch): the largest |parameter|,
   and the training cost against the first epoch's (kept in *first). */
static void nnd__blowup(const nnd_net *net, nnd_epoch *rep, double *first, double first_cost)
{
    double most = 0;
    size_t i;
    for (i = 0; i < net->n_params; ++i)
        if (fabs((double)net->params[i]) > most) most = fabs((double)net->params[i]);
    rep->max_abs_param = most;
    if (first) *first = rep->training_cost;
    rep->diverging = most > NND_DIVERGING_PARAM ||
                     (!first && first_cost > 0 && rep->training_cost > NND_DIVERGING_COST_RISE * first_cost);
}

static int nnd__history_alloc(nnd_history *h, const nnd_sgd_options *o)
{
    size_t e = (size_t)(o->epochs > 0 ? o->epochs : 1);
    memset(h, 0, sizeof *h);
    h->eta = (double *)nnd__zalloc(e, sizeof(double));
    if (o->monitor_evaluation_cost) h->evaluation_cost = (double *)nnd__zalloc(e, sizeof(double));
    if (o->monitor_evaluation_accuracy)
        h->evaluation_accuracy = (int *)nnd__zalloc(e, sizeof(int));
    if (o->monitor_training_cost) h->training_cost = (double *)nnd__zalloc(e, sizeof(double));
    if (o->monitor_training_accuracy) h->training_accuracy = (int *)nnd__zalloc(e, sizeof(int));
    if (o->test_data) h->test_accuracy = (int *)nnd__zalloc(e, sizeof(int));
    h->best_epoch = h->best_evaluation_accuracy = h->best_iteration = h->best_test_accuracy = -1;
    h->diverging_epoch = -1;
    if ((o->test_data && !h->test_accuracy) ||
        !h->eta || (o->monitor_evaluation_cost && !h->evaluation_cost) ||
        (o->monitor_evaluation_accuracy && !h->evaluation_accuracy) ||
        (o->monitor_training_cost && !h->training_cost) ||
        (o->monitor_training_accuracy && !h->training_accuracy)) {
        nnd_history_free(h);
        return NND_ERR_NOMEM;
    }
    return NND_OK;
}

/* Seconds on a wall clock (pacing needs OpenMP: without it there is one
   thread and nothing to pace). */
static double nnd__now(void)
{
#if defined(_OPENMP)
    return omp_get_wtime();
#else
    return 0.0;
#endif
}

/* Pacing (nnd__pace) from the start of a training run. */
static void nnd__pace_start(nnd__pace *p)
{
    memset(p, 0, sizeof *p);
    p->one = 1;
    p->next = NND__PACE_WARM + NND__PACE_TRIAL;
}

/* Pacing: one full batch took `seconds`. */
static void nnd__pace_batch(nnd__pace *p, double seconds)
{
    if (p->trial > 0) {
        const int lost = !((p->tried += seconds) < 0.9 * p->kept);
        if (--p->trial > 0 && !lost) return;
        if (lost) p->one = !p->one; /* back to the kept setting */
        p->trial = p->count = 0;
        p->kept = 0;
        p->next = NND__PACE_EVERY;
        return;
    }
    if (++p->count > p->next - NND__PACE_TRIAL) p->kept += seconds;
    if (p->count < p->next) return;
    p->one = !p->one; /* the trial */
    p->trial = NND__PACE_TRIAL;
    p->tried = 0;
}

/* What nnd_sgd keeps from one epoch to the next: the training order, the
   parameters before the epoch (put back if it diverges), momentum's
   velocities, the augmentation buffer, the data sets' nonzero indexes and
   the plateau rule. All of it is allocated before the first epoch. */
typedef struct nnd__sgd_run {
    int n, m, n_l2, fuse, augment, saved_sparse_mode;
    int *order;
    nnd_real *snapshot, *vel, *aug;
    nnd__index tix, eix;
    nnd_plateau plateau;
    double eta_scale, first_cost;
} nnd__sgd_run;

static int nnd__sgd_begin(nnd_net *net, const nnd_data *tr, const nnd_sgd_options *opt,
                          nnd_history *hist, nnd__sgd_run *R)
{
    const int n = tr->n, m = opt->mini_batch_size;
    int i, st;
    R->n = n;
    R->m = m;
    nnd__pace_start(&net->pace); /* each run measures the machine afresh */
    /* network3's L2 divides by the number of mini-batches, network2's by n */
    R->n_l2 = opt->network3 ? (n / m > 0 ? n / m : 1) : n;
    R->fuse = opt->momentum == 0; /* see nnd__update */
    R->augment = opt->augment_rotate > 0 || opt->augment_shift > 0;
    R->eta_scale = 1.0;
    if ((st = nnd__history_alloc(hist, opt)) != NND_OK) return st;
    /* a batch never holds more than the training set: size for min(m, n) */
    if ((st = nnd__reserve(net, m < n ? (m > 128 ? m : 128) : (n > 128 ? n : 128))) != NND_OK)
        return st;
    R->order = (int *)nnd__alloc((size_t)n, sizeof(int));
    R->snapshot = (nnd_real *)nnd__alloc(net->n_params, sizeof(nnd_real));
    if (!R->fuse) R->vel = (nnd_real *)nnd__zalloc(net->n_params, sizeof(nnd_real));
    if (R->augment) {
        R->aug = (nnd_real *)nnd__alloc((size_t)net->n_in, sizeof(nnd_real));
        net->sparse_mode = NND_INPUT_DENSE; /* the transformed images are dense rows */
    }
    if (!R->order || !R->snapshot || (!R->fuse && !R->vel) || (R->augment && !R->aug))
        return NND_ERR_NOMEM;
    if ((st = nnd__index_build(net, tr, &R->tix)) != NND_OK ||
        (opt->evaluation_data && (st = nnd__index_build(net, opt->evaluation_data, &R->eix)) != NND_OK))
        return st;
    for (i = 0; i < n; ++i) R->order[i] = i;
    nnd_plateau_init(&R->plateau, opt->early_stopping_patience, opt->eta_halvings);
    return NND_OK;
}

static void nnd__sgd_end(nnd_net *net, nnd__sgd_run *R)
{
    nnd__index_free(&R->tix);
    nnd__index_free(&R->eix);
    NND_FREE(R->order);
    NND_FREE(R->snapshot);
    NND_FREE(R->vel);
    NND_FREE(R->aug);
    net->sparse_mode = R->saved_sparse_mode;
}

/* ch.6 problem: small random rotations and shifts of the b gathered images
   (three uniform draws per image, in this order). */
static void nnd__augment_batch(nnd_net *net, const nnd_sgd_options *opt, nnd_real *aug, int b)
{
    const nnd__layer *L0 = &net->layer[0];
    const int side = (int)(sqrt((double)net->n_in) + 0.5);
    const int iw = L0->kind != NND_LAYER_DENSE ? L0->iw : side;
    const int ih = L0->kind != NND_LAYER_DENSE ? L0->ih : net->n_in / side;
    int i;
    for (i = 0; i < b; ++i) {
        nnd_real *row = net->a[0] + (size_t)i * net->n_in;
        double ang = (2 * nnd_rng_uniform(opt->rng) - 1) * opt->augment_rotate;
        double dx = (2 * nnd_rng_uniform(opt->rng) - 1) * opt->augment_shift;
        double dy = (2 * nnd_rng_uniform(opt->rng) - 1) * opt->augment_shift;
        if (iw * ih != net->n_in) break;
        nnd_transform_image(row, aug, iw, ih, ang, dx, dy);
        memcpy(row, aug, (size_t)net->n_in * sizeof *row);
    }
}

/* One epoch of SGD (20)-(21): shuffle (random.shuffle(training_data)), then
   a step per mini-batch [k, k+m) - forward, backpropagation, update. */
static void nnd__train_epoch(nnd_net *net, const nnd_data *tr, const nnd_sgd_options *opt,
                             nnd__sgd_run *R, int epoch, double eta)
{
    const int paced = !NND__REFERENCE && nnd__batch_threads(net, R->m) > 1; /* two settings to choose from */
    int k;
    if (opt->rng) nnd_shuffle(opt->rng, R->order, R->n);
    for (k = 0; k < R->n; k += R->m) {
        const int b = R->n - k < R->m ? R->n - k : R->m;
        const double t0 = paced ? nnd__now() : 0.0;
        nnd__plan P;
        nnd__gather(net, tr, &R->tix, R->order, k, b);
        if (R->augment) nnd__augment_batch(net, opt, R->aug, b);
        nnd__plan_batch(net, b, R->fuse, &P);
        nnd__plan_step(&P, eta, opt->lmbda, R->n_l2, opt->regularization);
        nnd__forward(net, &P, 1);
        nnd__backward(net, &P, net->grad, 1);
        nnd__update(net, &P, opt->momentum, R->vel);
        if (paced && b == R->m) nnd__pace_batch(&net->pace, nnd__now() - t0);
        if (opt->on_batch) opt->on_batch(epoch, k + b, R->n, opt->user);
    }
}

/* network3's rule: a validation accuracy at least the best so far (ties
   count, so the last of equal epochs wins) records the epoch, its
   iteration and, with test data, the test accuracy of that epoch. */
static int nnd__best_epoch(nnd_net *net, const nnd_sgd_options *opt, const nnd__sgd_run *R,
                           nnd_history *hist, nnd_epoch *rep)
{
    int st = NND_OK;
    if (!opt->monitor_evaluation_accuracy || rep->evaluation_accuracy < hist->best_evaluation_accuracy)
        return NND_OK;
    rep->best = 1;
    hist->best_epoch = rep->epoch;
    hist->best_evaluation_accuracy = rep->evaluation_accuracy;
    hist->best_iteration = (rep->epoch + 1) * ((R->n + R->m - 1) / R->m) - 1;
    if (opt->test_data) {
        st = nnd__evaluate(net, opt->test_data, NULL, NULL, &rep->test_accuracy, NULL);
        hist->best_test_accuracy = rep->test_accuracy;
    }
    return st;
}

/* The four monitors after an epoch, in network2's order (one pass over a
   data set gives both its cost and its accuracy), into rep and hist; a
   cost that is no longer finite is NND_ERR_DIVERGED. */
static int nnd__monitor(nnd_net *net, const nnd_data *tr, const nnd_sgd_options *opt,
                        nnd__sgd_run *R, nnd_history *hist, nnd_epoch *rep)
{
    const int e = rep->epoch;
    const nnd_data *ev = opt->evaluation_data;
    double sum = 0.0;
    int st = NND_OK;
    if (opt->monitor_training_cost || opt->monitor_training_accuracy) {
        st = nnd__evaluate(net, tr, &R->tix, NULL, &rep->training_accuracy, &sum);
        if (opt->monitor_training_cost) {
            rep->training_cost = nnd__total_from_sum(net, sum, R->n, opt->lmbda, opt->regularization);
            hist->training_cost[e] = rep->training_cost;
            if (st == NND_OK && !(rep->training_cost < HUGE_VAL)) st = NND_ERR_DIVERGED;
        }
        if (opt->monitor_training_accuracy) hist->training_accuracy[e] = rep->training_accuracy;
        else rep->training_accuracy = -1;
    }
    if (st == NND_OK && (opt->monitor_evaluation_cost || opt->monitor_evaluation_accuracy ||
                         opt->early_stopping_patience)) {
        sum = 0.0;
        st = nnd__evaluate(net, ev, &R->eix, NULL, &rep->evaluation_accuracy,
                           opt->monitor_evaluation_cost ? &sum : NULL);
        if (opt->monitor_evaluation_cost) {
            rep->evaluation_cost = nnd__total_from_sum(net, sum, ev->n, opt->lmbda, opt->regularization);
            hist->evaluation_cost[e] = rep->evaluation_cost;
            if (st == NND_OK && !(rep->evaluation_cost < HUGE_VAL)) st = NND_ERR_DIVERGED;
        }
        if (opt->monitor_evaluation_accuracy) hist->evaluation_accuracy[e] = rep->evaluation_accuracy;
        if (st == NND_OK) st = nnd__best_epoch(net, opt, R, hist, rep);
    }
    if (hist->test_accuracy) hist->test_accuracy[e] = rep->test_accuracy;
    return st;
}

/* The report of epoch e before its monitors run: what is not measured is
   NaN (costs) or -1 (accuracies). */
static void nnd__epoch_report(const nnd_sgd_options *opt, int n, int e, double eta, nnd_epoch *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->epoch = e;
    rep->eta = eta;
    rep->training_cost = rep->evaluation_cost = HUGE_VAL - HUGE_VAL; /* NaN */
    rep->training_accuracy = rep->evaluation_accuracy = rep->test_accuracy = -1;
    rep->n_test = opt->test_data ? opt->test_data->n : 0;
    rep->n_training = n;
    rep->n_evaluation = opt->evaluation_data ? opt->evaluation_data->n : 0;
}

/* After epoch rep->epoch: 1 when training should stop (the callback asked,
   or early stopping's plateau rule says so), else 0; halves eta when the
   rule says so. */
static int nnd__stop_rules(const nnd_sgd_options *opt, nnd__sgd_run *R, nnd_history *hist,
                           const nnd_epoch *rep)
{
    if (opt->on_epoch && opt->on_epoch(rep, opt->user)) return hist->stopped_early = 1;
    if (opt->early_stopping_patience > 0) {
        const int action = nnd_plateau_update(&R->plateau, rep->evaluation_accuracy);
        if (action == NND_HALVE_ETA) R->eta_scale *= 0.5;
        if (action == NND_STOP) return hist->stopped_early = 1;
    }
    return 0;
}

NND_DEF int nnd_sgd(nnd_net *net, const nnd_data *training, const nnd_sgd_options *opt,
                    nnd_history *hist)
{
    nnd_history local;
    nnd__sgd_run R;
    int epoch, st;
    if (!net) return NND_ERR_ARG;
    memset(&R, 0, sizeof R);
    R.saved_sparse_mode = net->sparse_mode;
    if (!hist) hist = &local;
    memset(hist, 0, sizeof *hist);
    hist->best_epoch = hist->best_evaluation_accuracy = hist->best_iteration = -1;
    hist->best_test_accuracy = hist->diverging_epoch = -1;
    if ((st = nnd__check_options(net, training, opt)) != NND_OK) return st;
    /* Everything the epochs need is allocated here, before them. */
    st = nnd__sgd_begin(net, training, opt, hist, &R);
    for (epoch = 0; st == NND_OK && epoch < opt->epochs; ++epoch) {
        nnd_epoch rep;
        const double eta =
            (opt->eta_schedule ? opt->eta_schedule(epoch, opt->eta, opt->user) : opt->eta) * R.eta_scale;
        if (!(eta > 0) || !(eta < HUGE_VAL)) {
            st = NND_ERR_ARG;
            break;
        }
        memcpy(R.snapshot, net->params, net->n_params * sizeof *R.snapshot);
        nnd__train_epoch(net, training, opt, &R, epoch, eta);
        hist->eta[epoch] = eta;
        nnd__epoch_report(opt, R.n, epoch, eta, &rep);
        st = nnd__all_finite(net->params, net->n_params) ? nnd__monitor(net, training, opt, &R, hist, &rep)
                                                        : NND_ERR_DIVERGED;
        if (st != NND_OK) {
            if (st == NND_ERR_DIVERGED) /* put back the last good parameters */
                memcpy(net->params, R.snapshot, net->n_params * sizeof *R.snapshot);
            break; /* this epoch does not count */
        }
        nnd__blowup(net, &rep, epoch == 0 ? &R.first_cost : NULL, R.first_cost);
        if (rep.diverging && hist->diverging_epoch < 0) hist->diverging_epoch = epoch;
        hist->epochs = epoch + 1;
        if (nnd__stop_rules(opt, &R, hist, &rep)) break;
    }
    nnd__sgd_end(net, &R);
    if (hist == &local) nnd_history_free(&local);
    return st;
}

/* -------------------------------------------------------------------------
   10. Data: IDX files and the book's MNIST split
   ------------------------------------------------------------------------- */
static uint32_t nnd__be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Check an IDX header (magic 0x00 0x00 0x08 ndim, then ndim big-endian
   sizes) against the total length of the file; fill out's shape. */
static int nnd__idx_header(const unsigned char *h, size_t avail, size_t total, const char *name,
                           nnd_idx *out, nnd_error *err)
{
    int d;
    size_t count = 1, header;
    memset(out, 0, sizeof *out);
    if (total >= 2 && h[0] == 0x1f && h[1] == 0x8b)
        return nnd__fail(err, NND_ERR_FORMAT, 0,
                         "%s: gzip-compressed; decompress it first (gunzip -k)", name);
    if (total < 4)
        return nnd__fail(err, NND_ERR_FORMAT, 0, "%s: truncated IDX header (%lu bytes)", name,
                         (unsigned long)total);
    if (h[0] != 0 || h[1] != 0)
        return nnd__fail(err, NND_ERR_FORMAT, 0,
                         "%s: bad IDX magic number %02x %02x %02x %02x (expected 00 00 08 0n)",
                         name, h[0], h[1], h[2], h[3]);
    if (h[2] != 0x08)
        return nnd__fail(err, NND_ERR_FORMAT, 0,
                         "%s: IDX element type 0x%02x, only unsigned bytes (0x08) are supported",
                         name, h[2]);
    if (h[3] < 1 || h[3] > 4)
        return nnd__fail(err, NND_ERR_FORMAT, 0, "%s: IDX with %d dimensions (1 to 4 supported)",
                         name, h[3]);
    header = 4 + 4 * (size_t)h[3];
    if (total < header || avail < header)
        return nnd__fail(err, NND_ERR_FORMAT, 0, "%s: truncated IDX header", name);
    out->ndim = h[3];
    for (d = 0; d < out->ndim; ++d) {
        uint32_t v = nnd__be32(h + 4 + 4 * d);
        if (v == 0 || v > 0x7fffffffu)
            return nnd__fail(err, NND_ERR_FORMAT, 0, "%s: dimension %d is %lu", name, d,
                             (unsigned long)v);
        if (count > ((size_t)-1 - header) / v)
            return nnd__fail(err, NND_ERR_FORMAT, 0, "%s: dimensions overflow", name);
        out->dims[d] = (int)v;
        count *= v;
    }
    if (total - header != count)
        return nnd__fail(err, NND_ERR_FORMAT, 0,
                         "%s: %s: dimensions give %lu bytes of data, the file has %lu", name,
                         total - header < count ? "truncated" : "trailing bytes",
                         (unsigned long)count, (unsigned long)(total - header));
    out->count = count;
    return NND_OK;
}

NND_DEF int nnd_idx_parse(const void *bytes, size_t len, nnd_idx *out, nnd_error *err)
{
    const unsigned char *b = (const unsigned char *)bytes;
    int st;
    if (!out || (!bytes && len)) return nnd__fail(err, NND_ERR_ARG, 0, "nnd_idx_parse: NULL");
    st = nnd__idx_header(b, len, len, "IDX data", out, err);
    if (st != NND_OK) return st;
    out->data = (unsigned char *)nnd__alloc(out->count, 1);
    if (!out->data) return nnd__fail(err, NND_ERR_NOMEM, 0, "out of memory");
    memcpy(out->data, b + (len - out->count), out->count);
    nnd__ok(err);
    return NND_OK;
}

NND_DEF void nnd_idx_free(nnd_idx *idx)
{
    if (!idx) return;
    NND_FREE(idx->data);
    memset(idx, 0, sizeof *idx);
}

#ifndef NND_NO_STDIO
NND_DEF int nnd_idx_load(const char *path, nnd_idx *out, nnd_error *err)
{
    unsigned char h[20];
    size_t got;
    long total;
    int st;
    FILE *f;
#ifdef NND__POSIX
    struct stat sb;
#endif
    if (!path || !out) return nnd__fail(err, NND_ERR_ARG, 0, "nnd_idx_load: NULL");
    memset(out, 0, sizeof *out);
#ifdef NND__POSIX
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return nnd__fail(err, NND_ERR_IO, 0, "%s: not a regular file", path);
#endif
    f = fopen(path, "rb");
    if (!f) return nnd__fail(err, NND_ERR_IO, 0, "%s: cannot open", path);
    if (fseek(f, 0, SEEK_END) != 0 || (total = ftell(f)) < 0 || total == LONG_MAX ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return nnd__fail(err, NND_ERR_IO, 0, "%s: cannot determine the file size", path);
    }
    got = fread(h, 1, sizeof h, f);
    if (got < sizeof h && got < (size_t)total) { /* the header is read, or all of the file */
        fclose(f);
        return nnd__fail(err, NND_ERR_IO, 0, "%s: read error", path);
    }
    st = nnd__idx_header(h, got, got < sizeof h ? got : (size_t)total, path, out, err);
    if (st != NND_OK) {
        fclose(f);
        return st;
    }
    out->data = (unsigned char *)nnd__alloc(out->count, 1);
    if (!out->data) {
        fclose(f);
        return nnd__fail(err, NND_ERR_NOMEM, 0, "%s: out of memory", path);
    }
    if (fseek(f, (long)(4 + 4 * out->ndim), SEEK_SET) != 0 ||
        fread(out->data, 1, out->count, f) != out->count) {
        fclose(f);
        nnd_idx_free(out);
        return nnd__fail(err, NND_ERR_IO, 0, "%s: read error", path);
    }
    fclose(f);
    nnd__ok(err);
    return NND_OK;
}

static int nnd__load_in(const char *dir, const char *name, nnd_idx *out, nnd_error *err)
{
    char path[4096];
    FILE *probe;
    int st;
    if (strlen(dir) + strlen(name) + 8 > sizeof path)
        return nnd__fail(err, NND_ERR_ARG, 0, "data directory name too long");
    sprintf(path, "%s/%s", dir, name);
    st = nnd_idx_load(path, out, err);
    if (st == NND_ERR_IO && (probe = fopen(strcat(path, ".gz"), "rb")) != NULL) {
        fclose(probe);
        return nnd__fail(err, NND_ERR_IO, 0, "%s/%s missing but %s exists: decompress it first",
                         dir, name, path);
    }
    return st;
}

NND_DEF int nnd_mnist_load(const char *dir, nnd_mnist *m, nnd_error *err)
{
    int st, i, n_train, n_in;
    if (!dir || !m) return nnd__fail(err, NND_ERR_ARG, 0, "nnd_mnist_load: NULL");
    memset(m, 0, sizeof *m);
    if ((st = nnd__load_in(dir, "train-images-idx3-ubyte", &m->train_images, err)) ||
        (st = nnd__load_in(dir, "train-labels-idx1-ubyte", &m->train_labels, err)) ||
        (st = nnd__load_in(dir, "t10k-images-idx3-ubyte", &m->test_images, err)) ||
        (st = nnd__load_in(dir, "t10k-labels-idx1-ubyte", &m->test_labels, err)))
        goto fail;
    if (m->train_images.ndim != 3 || m->test_images.ndim != 3 || m->train_labels.ndim != 1 ||
        m->test_labels.ndim != 1) {
        st = nnd__fail(err, NND_ERR_FORMAT, 0,
                       "%s: images must have 3 dimensions and labels 1", dir);
        goto fail;
    }
    if ((double)m->train_images.dims[1] * m->train_images.dims[2] > NND__MAX_WIDTH) {
        st = nnd__fail(err, NND_ERR_FORMAT, 0, "%s: training images of %d x %d pixels are too large",
                       dir, m->train_images.dims[1], m->train_images.dims[2]);
        goto fail;
    }
    n_in = m->train_images.dims[1] * m->train_images.dims[2];
    if (m->test_images.dims[1] != m->train_images.dims[1] || m->test_images.dims[2] != m->train_images.dims[2] ||m->train_images.dims[0] != m->train_labels.dims[0] ||
        m->test_images.dims[0] != m->test_labels.dims[0]) {
        st = nnd__fail(err, NND_ERR_SHAPE, 0,
                       "%s: image and label counts or image sizes do not match", dir);
        goto fail;
    }
    m->train_y = (int *)nnd__alloc(m->train_labels.count, sizeof(int));
    m->test_y = (int *)nnd__alloc(m->test_labels.count, sizeof(int));
    if (!m->train_y || !m->test_y) {
        st = nnd__fail(err, NND_ERR_NOMEM, 0, "out of memory");
        goto fail;
    }
    for (i = 0; i < (int)m->train_labels.count; ++i) m->train_y[i] = m->train_labels.data[i];
    for (i = 0; i < (int)m->test_labels.count; ++i) m->test_y[i] = m->test_labels.data[i];
    for (i = 0; i < (int)m->train_labels.count; ++i)
        if (m->train_y[i] > 9) break;
    if (i < (int)m->train_labels.count) {
        st = nnd__fail(err, NND_ERR_FORMAT, 0, "%s: training label %d is %d (not 0-9)", dir, i,
                       m->train_y[i]);
        goto fail;
    }
    for (i = 0; i < (int)m->test_labels.count; ++i)
        if (m->test_y[i] > 9) {
            st = nnd__fail(err, NND_ERR_FORMAT, 0, "%s: test label %d is %d (not 0-9)", dir, i,
                           m->test_y[i]);
            goto fail;
        }
    {
        nnd_data all, test;
        int n = m->train_images.dims[0];
        n_train = n >= 20000 ? n - 10000 : n;
        memset(&all, 0, sizeof all);
        all.n = n;
        all.n_in = n_in;
        all.x8 = m->train_images.data;
        all.x8_scale = (nnd_real)(1.0 / 256.0);
        all.labels = m->train_y;
        test = all;
        test.n = m->test_images.dims[0];
        test.x8 = m->test_images.data;
        test.labels = m->test_y;
        m->training = nnd_data_slice(&all, 0, n_train);
        m->validation = nnd_data_slice(&all, n_train, n - n_train);
        m->test = test;
    }
    nnd__ok(err);
    return NND_OK;
fail:
    nnd_mnist_free(m);
    return st;
}
#endif /* NND_NO_STDIO */

NND_DEF void nnd_mnist_free(nnd_mnist *m)
{
    if (!m) return;
    nnd_idx_free(&m->train_images);
    nnd_idx_free(&m->train_labels);
    nnd_idx_free(&m->test_images);
    nnd_idx_free(&m->test_labels);
    NND_FREE(m->train_y);
    NND_FREE(m->test_y);
    memset(m, 0, sizeof *m);
}

/* -------------------------------------------------------------------------
   11. JSON: the reader and writer both file formats use
   ------------------------------------------------------------------------- */
/* Both formats are JSON (RFC 8259). The writer appends to a growable
   buffer and writes each number as the shortest decimal that reads back to
   the same nnd_real. The reader knows the grammar, not the schemas: a
   schema (sections 10 and 12) is a loop over nnd__json_next that names its
   fields, and skips the values it does not know. Every value reader takes
   `where`, the field's path, for its messages. */

/* A growable text buffer. */
typedef struct nnd__buf {
    char *s;
    size_t len, cap;
    int nomem;
} nnd__buf;

static void nnd__put(nnd__buf *b, const char *s, size_t n)
{
    if (b->nomem) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *t;
        while (cap < b->len + n + 1) cap *= 2;
        t = (char *)NND_REALLOC(b->s, cap);
        if (!t) {
            b->nomem = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void nnd__puts(nnd__buf *b, const char *s) { nnd__put(b, s, strlen(s)); }

/* The text a writer built (its length in *len), or NULL when it ran out of
   memory on the way. */
static char *nnd__buf_finish(nnd__buf *b, size_t *len, nnd_error *err)
{
    if (b->nomem) {
        NND_FREE(b->s);
        nnd__fail(err, NND_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    if (len) *len = b->len;
    nnd__ok(err);
    return b->s;
}

static void nnd__put_int(nnd__buf *b, const char *fmt, int v)
{
    char num[48];
    sprintf(num, fmt, v);
    nnd__puts(b, num);
}

/* strtod that ignores the C locale's decimal separator: JSON always uses '.'. */
static double nnd__strtod(const char *s, size_t n, int *ok)
{
    char buf[64], *end;
    const char *dp = localeconv()->decimal_point;
    size_t i;
    double v;
    if (n >= sizeof buf) {
        *ok = 0;
        return 0;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (dp && dp[0] && dp[0] != '.' && !dp[1])
        for (i = 0; i < n; ++i)
            if (buf[i] == '.') buf[i] = dp[0];
    v = strtod(buf, &end);
    *ok = end == buf + n;
    return v;
}

/* The shortest decimal that reads back (through nnd__strtod) to exactly v. */
static void nnd__format_real(char *out, nnd_real v)
{
#ifdef NND_DOUBLE
    int p = 15, pmax = 17;
#else
    int p = 6, pmax = 9;
#endif
    size_t i, n;
    int ok, plain = 1;
    for (; p <= pmax; ++p) {
        snprintf(out, 40, "%.*g", p, (double)v);
        for (i = 0; out[i]; ++i)
            if (out[i] == ',') out[i] = '.'; /* a comma locale */
        if ((nnd_real)nnd__strtod(out, strlen(out), &ok) == v) break;
    }
    n = strlen(out);
    for (i = 0; i < n; ++i)
        if (out[i] == '.' || out[i] == 'e') plain = 0;
    if (plain) memcpy(out + n, ".0", 3); /* like Python's repr: 1.0, not 1 */
}

/* The reader: the unread text, the line it starts on and where failures go. */
typedef struct nnd__json {
    const char *p, *end;
    int line;
    nnd_error *err;
} nnd__json;

/* A parser's start: J on text, and a zeroed record of size bytes for what
   its schema reads; NULL (err says why) for a NULL text or no memory. */
static void *nnd__json_start(nnd__json *J, const char *text, size_t len, nnd_error *err, const char *fn, size_t size)
{
    void *record;
    if (!text) {
        nnd__fail(err, NND_ERR_ARG, 0, "%s: NULL text", fn);
        return NULL;
    }
    J->p = text;
    J->end = text + len;
    J->line = 1;
    J->err = err;
    if (!(record = nnd__zalloc(1, size))) nnd__fail(err, NND_ERR_NOMEM, 0, "out of memory");
    return record;
}

static void nnd__ws(nnd__json *J)
{
    while (J->p < J->end) {
        char c = *J->p;
        if (c == '\n') ++J->line;
        else if (c != ' ' && c != '\t' && c != '\r') break;
        ++J->p;
    }
}

/* Next significant character (0 at the end of the text), not consumed. */
static char nnd__peek(nnd__json *J)
{
    nnd__ws(J);
    return J->p < J->end ? *J->p : '\0';
}

static int nnd__expect(nnd__json *J, char c, const char *where)
{
    char got = nnd__peek(J);
    if (got != c) {
        if (!got) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: file ends early, expected '%c'", where, c);
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: expected '%c', found '%c'", where, c, got);
    }
    ++J->p;
    return NND_OK;
}

/* A JSON string into out (up to cap-1 bytes; escapes decoded for ASCII). */
static int nnd__string(nnd__json *J, char *out, size_t cap, const char *where)
{
    size_t n = 0;
    int st = nnd__expect(J, '"', where);
    if (st) return st;
    while (J->p < J->end && *J->p != '"') {
        char c = *J->p++;
        if ((unsigned char)c < 0x20)
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: control character in a string", where);
        if (c == '\\') {
            if (J->p >= J->end) break;
            c = *J->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                int h;
                for (h = 0; h < 4; ++h)
                    if (J->p + h >= J->end || !strchr("0123456789abcdefABCDEF", J->p[h]) || !J->p[h])
                        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: bad \\u escape", where);
                J->p += 4;
                c = '?'; /* names in these formats are ASCII */
                break;
            }
            case '"': case '\\': case '/': break;
            default:
                return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: bad escape \\%c", where, c);
            }
        }
        if (n + 1 < cap) out[n++] = c;
    }
    if (J->p >= J->end)
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: unterminated string", where);
    ++J->p;
    out[n] = '\0';
    return NND_OK;
}

/* A JSON number (strict grammar). integer: must have no fraction/exponent. */
static int nnd__number(nnd__json *J, double *v, int integer, const char *where)
{
    const char *s, *q;
    int ok;
    nnd__ws(J);
    s = q = J->p;
    if (q < J->end && *q == '-') ++q;
    if (q < J->end && (*q == 'N' || *q == 'I'))
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: non-finite number (NaN or Infinity)", where);
    if (q >= J->end || *q < '0' || *q > '9') {
        if (J->p >= J->end) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: file ends early, expected a number", where);
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: expected a number, found '%c'", where, *J->p);
    }
    if (*q == '0') ++q;
    else while (q < J->end && *q >= '0' && *q <= '9') ++q;
    if (q < J->end && *q == '.') {
        ++q;
        if (q >= J->end || *q < '0' || *q > '9')
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: malformed number", where);
        while (q < J->end && *q >= '0' && *q <= '9') ++q;
        if (integer) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: expected an integer", where);
    }
    if (q < J->end && (*q == 'e' || *q == 'E')) {
        ++q;
        if (q < J->end && (*q == '+' || *q == '-')) ++q;
        if (q >= J->end || *q < '0' || *q > '9')
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: malformed number", where);
        while (q < J->end && *q >= '0' && *q <= '9') ++q;
        if (integer) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: expected an integer", where);
    }
    *v = nnd__strtod(s, (size_t)(q - s), &ok);
    if (!ok) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: malformed number", where);
    if (!(fabs(*v) <= NND__REAL_MAX))
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: number out of range", where);
    J->p = q;
    return NND_OK;
}

/* A list or an object being read by nnd__json_next. */
typedef struct nnd__iter {
    const char *where; /* names the container in messages about its opening bracket */
    const char *last;  /* ... about what follows an item: ',' or the closing bracket */
    const char *colon; /* objects: names the ':' in messages (NULL: the member's key) */
    int line;          /* the line of the opening bracket; 0 until it is read */
    char open;         /* '[' or '{' */
    char key[64];      /* objects: the current member's key (longer keys are cut) */
} nnd__iter;

static nnd__iter nnd__iter_init(char open, const char *where)
{
    nnd__iter it;
    memset(&it, 0, sizeof it);
    it.where = it.last = where;
    it.open = open;
    return it;
}

/* The next item of a list, '[' [value *(',' value)] ']', or member of an
   object, '{' [string ':' value *(',' string ':' value)] '}': 1 when one
   follows, its value next in the text (for a member, after its key, in
   it->key, and the ':'); 0 once the closing bracket is read; or an error.
   After a ',' an item is required, so a trailing comma fails in the reader
   of that item. The whitespace after a ',' is left to that reader: at an
   item's start J->line is the line of its ',' (of the item, for the first),
   the line a schema records for it. */
static int nnd__json_next(nnd__json *J, nnd__iter *it)
{
    const char close = it->open == '[' ? ']' : '}';
    int st;
    if (!it->line) {
        if ((st = nnd__expect(J, it->open, it->where))) return st;
        it->line = J->line;
        if (nnd__peek(J) == close) {
            ++J->p;
            return 0;
        }
    } else if (nnd__peek(J) == ',') {
        ++J->p;
    } else {
        return nnd__expect(J, close, it->last);
    }
    if (close == ']') return 1;
    if ((st = nnd__string(J, it->key, sizeof it->key, "key")) ||
        (st = nnd__expect(J, ':', it->colon ? it->colon : it->key)))
        return st;
    return 1;
}

/* Skip any JSON value (for keys a schema does not define). It recurses once
   per list or object, so deeper than 64 levels is refused: the stack stays
   bounded whatever the text. */
static int nnd__skip(nnd__json *J, int depth)
{
    char c = nnd__peek(J), tmp[8];
    double v;
    int st;
    if (depth > 64) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "nesting too deep");
    if (c == '"') return nnd__string(J, tmp, sizeof tmp, "value");
    if (c == '[' || c == '{') {
        nnd__iter it = nnd__iter_init(c, "value");
        it.colon = "object";
        while ((st = nnd__json_next(J, &it)) > 0)
            if ((st = nnd__skip(J, depth + 1))) return st;
        return st;
    }
    if (J->end - J->p >= 4 && (!strncmp(J->p, "true", 4) || !strncmp(J->p, "null", 4))) {
        J->p += 4;
        return NND_OK;
    }
    if (J->end - J->p >= 5 && !strncmp(J->p, "false", 5)) {
        J->p += 5;
        return NND_OK;
    }
    return nnd__number(J, &v, 0, "value");
}

/* After the top-level object only whitespace may follow. */
static int nnd__json_end(nnd__json *J)
{
    if (nnd__peek(J) == '\0') return NND_OK;
    return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "unexpected text after the closing '}'");
}

/* Which model a text holds, from the first telling key of its top-level
   object: "format" (nnd's own file, which writes it first) or "sizes"
   (network2.py's); NND__MODEL_ONNX for bytes that begin as an ONNX
   ModelProto does (field 1, ir_version, a one-byte varint: 0x08 then a
   byte below 0x80 - no JSON text starts so); NND__MODEL_UNKNOWN for
   anything else, which nnd's reader then explains. */
enum { NND__MODEL_UNKNOWN = 0, NND__MODEL_NND = 1, NND__MODEL_NETWORK2 = 2, NND__MODEL_ONNX = 3 };
static int nnd__model_format(const char *text, size_t len)
{
    nnd__json J;
    nnd_error quiet;
    nnd__iter it = nnd__iter_init('{', "model");
    if (len >= 2 && (unsigned char)text[0] == 0x08 && (unsigned char)text[1] < 0x80) return NND__MODEL_ONNX;
    J.p = text;
    J.end = text + len;
    J.line = 1;
    J.err = &quiet;
    while (nnd__json_next(&J, &it) > 0) {
        if (!strcmp(it.key, "format")) return NND__MODEL_NND;
        if (!strcmp(it.key, "sizes")) return NND__MODEL_NETWORK2;
        if (nnd__skip(&J, 0)) break;
    }
    return NND__MODEL_UNKNOWN;
}

/* What a reader of format `own` (NND__MODEL_NND or _NETWORK2) finds in
   text, looked at once before it parses: an ONNX model is refused by both
   (nnd writes ONNX for other runtimes but reads back only the two JSON
   formats), an nnd file by network2's reader. The format, or -1 with err
   set. */
static int nnd__sniff(const char *text, size_t len, int own, nnd_error *err)
{
    const int format = nnd__model_format(text, len);
    if (format == NND__MODEL_ONNX) {
        nnd__fail(err, NND_ERR_FORMAT, 0,
                  "this is an ONNX model: nnd writes ONNX for other runtimes but reads only its own "
                  "and network2.py's JSON files - load the file the model was exported from");
        return -1;
    }
    if (own == NND__MODEL_NETWORK2 && format == NND__MODEL_NND) {
        nnd__fail(err, NND_ERR_FORMAT, 1, "this is an nnd model file, not network2.py's: read it with nnd_load or nnd_parse");
        return -1;
    }
    return format;
}

/* A name among n into *out; an error naming the field otherwise. */
static int nnd__enum(nnd__json *J, const char *const *names, int n, int *out, const char *where)
{
    char s[64];
    int i, st = nnd__string(J, s, sizeof s, where);
    if (st) return st;
    for (i = 0; i < n; ++i)
        if (!strcmp(s, names[i])) {
            *out = i;
            return NND_OK;
        }
    return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: unknown value \"%s\"", where, s);
}

/* A list of up to max integers in [lo, hi]; *n receives the count. */
static int nnd__ints(nnd__json *J, int *v, int max, int *n, int lo, int hi, const char *where)
{
    nnd__iter it = nnd__iter_init('[', where);
    int st;
    double x;
    *n = 0;
    while ((st = nnd__json_next(J, &it)) > 0) {
        if ((st = nnd__number(J, &x, 1, where))) return st;
        if (*n >= max || x < lo || x > hi)
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: bad value or too many values", where);
        v[(*n)++] = (int)x;
    }
    return st;
}

/* The numbers of a file's weights and biases, in the file's order; for
   network2's matrices also each one's row count, row length and line. */
typedef struct nnd__mats {
    double *v;
    size_t n, cap;
    int nmat, rows[NND__MAX_LAYERS], cols[NND__MAX_LAYERS], line[NND__MAX_LAYERS];
} nnd__mats;

static int nnd__push(nnd__json *J, nnd__mats *M, double x)
{
    if (M->n == M->cap) {
        size_t cap = M->cap ? 2 * M->cap : 1024;
        double *t = (double *)NND_REALLOC(M->v, cap * sizeof *t);
        if (!t) return nnd__fail(J->err, NND_ERR_NOMEM, J->line, "out of memory");
        M->v = t;
        M->cap = cap;
    }
    M->v[M->n++] = x;
    return NND_OK;
}

/* A flat list of numbers appended to M; its length into *count. */
static int nnd__reals(nnd__json *J, nnd__mats *M, size_t *count, const char *where)
{
    nnd__iter it = nnd__iter_init('[', where);
    size_t n0 = M->n;
    double x;
    int st;
    while ((st = nnd__json_next(J, &it)) > 0)
        if ((st = nnd__number(J, &x, 0, where)) || (st = nnd__push(J, M, x))) return st;
    *count = M->n - n0;
    return st;
}

#ifndef NND_NO_STDIO
/* Put the file's name in front of err's message. */
static void nnd__prefix_path(nnd_error *err, const char *path)
{
    if (err) {
        size_t np = strlen(path), nm = strlen(err->message), cap = sizeof err->message - 1;
        if (np + 2 < cap) {
            if (np + 2 + nm > cap) nm = cap - np - 2;
            memmove(err->message + np + 2, err->message, nm);
            memcpy(err->message, path, np);
            err->message[np] = ':';
            err->message[np + 1] = ' ';
            err->message[np + 2 + nm] = '\0';
            nnd__one_line(err->message);
        }
    }
}

/* Both model formats' path functions: the format's writer, then a safe save
   (nnd_save_file); or the whole file, then the format's parser, with the
   file's name put in front of a parse error. */
static int nnd__save_model(const nnd_net *net, const char *path, nnd_error *err,
                           char *(*write)(const nnd_net *, size_t *, nnd_error *))
{
    nnd_error own; /* the status when the caller passes no err */
    size_t len;
    char *text;
    if (!path) return nnd__fail(err, NND_ERR_ARG, 0, "no path to save to");
    text = write(net, &len, err ? err : &own);
    return nnd__save_made(path, text, len, err, &own);
}

static nnd_net *nnd__load_model(const char *path, nnd_error *err,
                                nnd_net *(*parse)(const char *, size_t, nnd_error *))
{
    size_t size;
    char *text = nnd_load_file(path, &size, err);
    nnd_net *net;
    if (!text) return NULL;
    net = parse(text, size, err);
    NND_FREE(text);
    if (!net) nnd__prefix_path(err, path);
    return net;
}
#endif

/* -------------------------------------------------------------------------
   12. network2 JSON: write and parse network2.py's format (its path
       functions, nnd_network2_save and _load, stand with nnd_save in 14)
   ------------------------------------------------------------------------- */
static int nnd__is_network2(const nnd_net *net)
{
    int l;
    if (net->cost != NND_QUADRATIC && net->cost != NND_CROSS_ENTROPY) return 0;
    for (l = 0; l < net->n_layers; ++l)
        if (net->layer[l].kind != NND_LAYER_DENSE || net->layer[l].act != NND_SIGMOID ||
            net->layer[l].p_dropout != 0)
            return 0;
    return 1;
}

NND_DEF void nnd_free_text(char *text) { NND_FREE(text); }

NND_DEF char *nnd_network2_write(const nnd_net *net, size_t *len, nnd_error *err)
{
    nnd__buf b;
    char num[48];
    int l, j, k;
    memset(&b, 0, sizeof b);
    if (!net) {
        nnd__fail(err, NND_ERR_ARG, 0, "nnd_network2_write: NULL network");
        return NULL;
    }
    if (!nnd__is_network2(net)) {
        nnd__fail(err, NND_ERR_ARG, 0,
                  "only dense sigmoid networks with quadratic or cross-entropy cost "
                  "have a network2 file format");
        return NULL;
    }
    if (!nnd__all_finite(net->params, net->n_params)) {
        nnd__fail(err, NND_ERR_DIVERGED, 0, "the network has NaN or infinite parameters");
        return NULL;
    }
    /* json.dump's default separators: ", " and ": " */
    nnd__puts(&b, "{\"sizes\": [");
    nnd__put_int(&b, "%d", net->n_in);
    for (l = 0; l < net->n_layers; ++l) nnd__put_int(&b, ", %d", net->layer[l].n_out);
    nnd__puts(&b, "], \"weights\": [");
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        const nnd_real *W = net->params + L->w_off;
        nnd__puts(&b, l ? ", [" : "[");
        for (j = 0; j < L->n_out; ++j) { /* row j: neuron j's incoming weights */
            nnd__puts(&b, j ? ", [" : "[");
            for (k = 0; k < L->n_in; ++k) {
                if (k) nnd__puts(&b, ", ");
                nnd__format_real(num, W[(size_t)k * L->n_out + j]);
                nnd__puts(&b, num);
            }
            nnd__puts(&b, "]");
        }
        nnd__puts(&b, "]");
    }
    nnd__puts(&b, "], \"biases\": [");
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        nnd__puts(&b, l ? ", [" : "[");
        for (j = 0; j < L->n_out; ++j) { /* a column vector: one-element lists */
            nnd__puts(&b, j ? ", [" : "[");
            nnd__format_real(num, net->params[L->b_off + j]);
            nnd__puts(&b, num);
            nnd__puts(&b, "]");
        }
        nnd__puts(&b, "]");
    }
    nnd__puts(&b, "], \"cost\": \"");
    nnd__puts(&b, net->cost == NND_CROSS_ENTROPY ? "CrossEntropyCost" : "QuadraticCost");
    nnd__puts(&b, "\"}");
    return nnd__buf_finish(&b, len, err);
}

/* Matrix M->nmat of key: [[x, ...], ...], every row as long as the first. */
static int nnd__matrix(nnd__json *J, nnd__mats *M, const char *key)
{
    char at[96], where[96];
    const int l = M->nmat;
    int j, k, st;
    nnd__iter rows, row;
    double x;
    snprintf(at, sizeof at, "%s[%d]", key, l);
    rows = nnd__iter_init('[', at);
    M->cols[l] = -1;
    for (j = 0; (st = nnd__json_next(J, &rows)) > 0; ++j) {
        /* row.where is `where`: the row's path at its '[', then each number's,
           so a missing ']' is named by the number before it */
        snprintf(where, sizeof where, "%s[%d][%d]", key, l, j);
        row = nnd__iter_init('[', where);
        for (k = 0; (st = nnd__json_next(J, &row)) > 0; ++k) {
            snprintf(where, sizeof where, "%s[%d][%d][%d]", key, l, j, k);
            if ((st = nnd__number(J, &x, 0, where)) || (st = nnd__push(J, M, x))) return st;
        }
        if (st) return st;
        if (M->cols[l] < 0) M->cols[l] = k;
        if (k != M->cols[l])
            return nnd__fail(J->err, NND_ERR_SHAPE, J->line, "%s[%d][%d]: row of %d numbers, the rows before have %d",
                             key, l, j, k, M->cols[l]);
    }
    if (st) return st;
    M->rows[l] = j;
    M->line[l] = rows.line;
    M->nmat = l + 1;
    return NND_OK;
}

/* "weights" or "biases": [[[x, ...], ...], ...], a list of matrices. */
static int nnd__matrices(nnd__json *J, nnd__mats *M, const char *key)
{
    nnd__iter it = nnd__iter_init('[', key);
    int st;
    while ((st = nnd__json_next(J, &it)) > 0) {
        if (M->nmat >= NND__MAX_LAYERS) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: too many layers", key);
        if ((st = nnd__matrix(J, M, key))) return st;
    }
    return st;
}

/* What a network2 file holds, as read (n_sizes -1, a line 0: not seen). */
typedef struct nnd__n2 {
    nnd__mats W, B;
    int sizes[NND__MAX_LAYERS + 1], n_sizes, sizes_line, seen_w, seen_b, cost_line;
    char cost_name[64];
} nnd__n2;

/* "sizes": [n, ...], each 1 to NND__MAX_WIDTH neurons. */
static int nnd__n2_sizes(nnd__json *J, nnd__n2 *F)
{
    nnd__iter it = nnd__iter_init('[', "sizes");
    char where[32];
    double x;
    int st;
    F->sizes_line = J->line;
    F->n_sizes = 0;
    while ((st = nnd__json_next(J, &it)) > 0) {
        sprintf(where, "sizes[%d]", F->n_sizes);
        if (F->n_sizes > NND__MAX_LAYERS) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "sizes: too many layers");
        if ((st = nnd__number(J, &x, 1, where))) return st;
        if (x < 1 || x > NND__MAX_WIDTH)
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: %g neurons (must be 1 to %d)", where, x,
                             NND__MAX_WIDTH);
        F->sizes[F->n_sizes++] = (int)x;
    }
    return st;
}

/* A member of the network2 object: "sizes", "weights", "biases" and "cost",
   each at most once; other keys are skipped. */
static int nnd__n2_field(nnd__json *J, nnd__n2 *F, const char *key)
{
    int *seen = !strcmp(key, "weights") ? &F->seen_w : !strcmp(key, "biases") ? &F->seen_b : NULL;
    if ((!strcmp(key, "sizes") && F->n_sizes >= 0) || (seen && *seen) || (!strcmp(key, "cost") && F->cost_line))
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "duplicate key \"%s\"", key);
    if (!strcmp(key, "sizes")) return nnd__n2_sizes(J, F);
    if (seen) {
        *seen = 1;
        return seen == &F->seen_w ? nnd__matrices(J, &F->W, "weights") : nnd__matrices(J, &F->B, "biases");
    }
    if (!strcmp(key, "cost")) {
        F->cost_line = J->line;
        return nnd__string(J, F->cost_name, sizeof F->cost_name, "cost");
    }
    return nnd__skip(J, 0);
}

/* The fields against each other: all four present, a cost network2 knows,
   and weights[l] sizes[l+1] rows of sizes[l], biases[l] sizes[l+1] rows of
   one number. */
static int nnd__n2_check(const nnd__n2 *F, nnd_cost *cost, nnd_error *err)
{
    const int n = F->n_sizes;
    int l;
    if (n < 0 || !F->seen_w || !F->seen_b || !F->cost_line)
        return nnd__fail(err, NND_ERR_FORMAT, 0, "missing key \"%s\"",
                         n < 0 ? "sizes" : !F->seen_w ? "weights" : !F->seen_b ? "biases" : "cost");
    if (!strcmp(F->cost_name, "CrossEntropyCost")) *cost = NND_CROSS_ENTROPY;
    else if (!strcmp(F->cost_name, "QuadraticCost")) *cost = NND_QUADRATIC;
    else
        return nnd__fail(err, NND_ERR_FORMAT, F->cost_line,
                         "cost: \"%s\" (expected \"CrossEntropyCost\" or \"QuadraticCost\")", F->cost_name);
    if (n < 2) return nnd__fail(err, NND_ERR_SHAPE, F->sizes_line, "sizes: %d layers, a network needs at least 2", n);
    if (F->W.nmat != n - 1 || F->B.nmat != n - 1)
        return nnd__fail(err, NND_ERR_SHAPE, 0, "%s has %d matrices, sizes implies %d",
                         F->W.nmat != n - 1 ? "weights" : "biases", F->W.nmat != n - 1 ? F->W.nmat : F->B.nmat, n - 1);
    for (l = 0; l < n - 1; ++l) {
        if (F->W.rows[l] != F->sizes[l + 1] || F->W.cols[l] != F->sizes[l])
            return nnd__fail(err, NND_ERR_SHAPE, F->W.line[l], "weights[%d]: %d x %d, sizes says %d x %d", l,
                             F->W.rows[l], F->W.cols[l] < 0 ? 0 : F->W.cols[l], F->sizes[l + 1], F->sizes[l]);
        if (F->B.rows[l] != F->sizes[l + 1] || F->B.cols[l] != 1)
            return nnd__fail(err, NND_ERR_SHAPE, F->B.line[l], "biases[%d]: %d x %d, sizes says %d one-element lists",
                             l, F->B.rows[l], F->B.cols[l] < 0 ? 0 : F->B.cols[l], F->sizes[l + 1]);
    }
    return NND_OK;
}

NND_DEF nnd_net *nnd_network2_parse(const char *text, size_t len, nnd_error *err)
{
    nnd__json J;
    nnd__iter it = nnd__iter_init('{', "network2 JSON");
    nnd__n2 *F = (nnd__n2 *)nnd__json_start(&J, text, len, err, "nnd_network2_parse", sizeof(nnd__n2));
    nnd_cost cost = NND_CROSS_ENTROPY;
    nnd_net *net = NULL;
    size_t wi = 0, bi = 0;
    int st, l, j, k;
    if (!F) return NULL;
    if (nnd__sniff(text, len, NND__MODEL_NETWORK2, err) < 0) {
        NND_FREE(F);
        return NULL;
    }
    F->n_sizes = -1;
    while ((st = nnd__json_next(&J, &it)) > 0)
        if ((st = nnd__n2_field(&J, F, it.key))) break;
    if (!st) st = nnd__json_end(&J);
    if (!st) st = nnd__n2_check(F, &cost, err);
    if (!st && !(net = nnd_network2(F->sizes, F->n_sizes, cost, NULL, &st)))
        nnd__fail(err, st, 0, "cannot build the network: %s", nnd_strerror(st));
    for (l = 0; net && l < net->n_layers; ++l) { /* file row j of weights[l]: neuron j's incoming weights */
        const nnd__layer *L = &net->layer[l];
        for (j = 0; j < L->n_out; ++j) {
            for (k = 0; k < L->n_in; ++k)
                net->params[L->w_off + (size_t)k * L->n_out + j] = (nnd_real)F->W.v[wi++];
            net->params[L->b_off + j] = (nnd_real)F->B.v[bi++];
        }
    }
    if (net) nnd__ok(err);
    NND_FREE(F->W.v);
    NND_FREE(F->B.v);
    NND_FREE(F);
    return net;
}

/* -------------------------------------------------------------------------
   13. network3 extras: expanded MNIST, image transforms, ensembles
   ------------------------------------------------------------------------- */
NND_DEF void nnd_dataset_free(nnd_dataset *d)
{
    if (!d) return;
    NND_FREE(d->x8);
    NND_FREE(d->x);
    NND_FREE(d->labels);
    NND_FREE(d->y);
    memset(d, 0, sizeof *d);
}

/* Copy image src (width x height, element size es) shifted by (dx, dy)
   pixels with zero fill - np.roll followed by zeroing the wrapped line. */
static void nnd__shift_image(const unsigned char *src, unsigned char *dst, int width, int height,
                             size_t es, int dx, int dy)
{
    int y, x;
    memset(dst, 0, (size_t)width * height * es);
    for (y = 0; y < height; ++y) {
        const int sy = y - dy;
        if (sy < 0 || sy >= height) continue;
        for (x = 0; x < width; ++x) {
            const int sx = x - dx;
            if (sx < 0 || sx >= width) continue;
            memcpy(dst + ((size_t)y * width + x) * es, src + ((size_t)sy * width + sx) * es, es);
        }
    }
}

NND_DEF int nnd_expand_mnist(const nnd_data *src, int width, int height, nnd_rng *rng,
                             nnd_dataset *out)
{
    /* expand_mnist.py's order: the image, then shifted down, up, right, left */
    static const int shift[5][2] = {{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}};
    size_t es, n_in, i;
    int *perm = NULL, s, N;
    if (!out) return NND_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (!src || (!src->x && !src->x8) || src->n < 1 || width < 1 || height < 1 ||
        (double)width * height != (double)src->n_in || (!src->labels && !src->y) ||
        src->n > INT_MAX / 5)
        return NND_ERR_ARG;
    N = 5 * src->n;
    n_in = (size_t)src->n_in;
    es = src->x8 ? 1 : sizeof(nnd_real);
    if (src->x8) out->x8 = (unsigned char *)nnd__alloc((size_t)N * n_in, 1);
    else out->x = (nnd_real *)nnd__alloc((size_t)N * n_in, sizeof(nnd_real));
    if (src->labels) out->labels = (int *)nnd__alloc((size_t)N, sizeof(int));
    if (src->y) out->y = (nnd_real *)nnd__alloc((size_t)N * src->n_y, sizeof(nnd_real));
    perm = (int *)nnd__alloc((size_t)N, sizeof(int));
    if ((!out->x8 && !out->x) || (src->labels && !out->labels) || (src->y && !out->y) || !perm) {
        NND_FREE(perm);
        nnd_dataset_free(out);
        return NND_ERR_NOMEM;
    }
    for (s = 0; s < N; ++s) perm[s] = s;
    if (rng) nnd_shuffle(rng, perm, N); /* random.shuffle(expanded_training_pairs) */
    for (i = 0; i < (size_t)N; ++i) {
        const size_t from = (size_t)perm[i] / 5, kind = (size_t)perm[i] % 5;
        const unsigned char *img = src->x8 ? src->x8 + from * n_in
                                           : (const unsigned char *)(src->x + from * n_in);
        unsigned char *dst = out->x8 ? out->x8 + i * n_in : (unsigned char *)(out->x + i * n_in);
        nnd__shift_image(img, dst, width, height, es, shift[kind][0], shift[kind][1]);
        if (out->labels) out->labels[i] = src->labels[from];
        if (out->y) memcpy(out->y + i * src->n_y, src->y + from * src->n_y, (size_t)src->n_y * sizeof(nnd_real));
    }
    NND_FREE(perm);
    out->data.n = N;
    out->data.n_in = src->n_in;
    out->data.x = out->x;
    out->data.x8 = out->x8;
    out->data.x8_scale = src->x8_scale;
    out->data.labels = out->labels;
    out->data.y = out->y;
    out->data.n_y = src->n_y;
    return NND_OK;
}

NND_DEF void nnd_transform_image(const nnd_real *in, nnd_real *out, int width, int height,
                                 double angle_deg, double dx, double dy)
{
    const double t = angle_deg * 3.14159265358979323846 / 180.0, ct = cos(t), st = sin(t);
    const double cx = 0.5 * (width - 1), cy = 0.5 * (height - 1);
    int x, y;
    if (angle_deg == 0 && dx == floor(dx) && dy == floor(dy) && fabs(dx) < width &&
        fabs(dy) < height) { /* an exact pixel shift */
        nnd__shift_image((const unsigned char *)in, (unsigned char *)out, width, height,
                         sizeof *in, (int)dx, (int)dy);
        return;
    }
    for (y = 0; y < height; ++y)
        for (x = 0; x < width; ++x) {
            /* the source point: undo the shift, then the rotation (which
               turns the picture counter-clockwise as seen, y pointing down) */
            const double u = x - cx - dx, v = y - cy - dy;
            const double sx = ct * u - st * v + cx, sy = st * u + ct * v + cy;
            const int x0 = (int)floor(sx), y0 = (int)floor(sy);
            const double fx = sx - x0, fy = sy - y0;
            double acc = 0;
            int a, b;
            for (b = 0; b < 2; ++b)
                for (a = 0; a < 2; ++a) {
                    const int px = x0 + a, py = y0 + b;
                    if (px >= 0 && px < width && py >= 0 && py < height)
                        acc += (a ? fx : 1 - fx) * (b ? fy : 1 - fy) * in[(size_t)py * width + px];
                }
            out[(size_t)y * width + x] = (nnd_real)acc;
        }
}

NND_DEF int nnd_vote(const int *votes, int k, int n, int classes, const int *labels, int *predicted,
                     int *correct, int *wrong, int *n_wrong)
{
    int *count, i, j, hits = 0, misses = 0;
    size_t t;
    if (!votes || k < 1 || n < 0 || classes < 1) return NND_ERR_ARG;
    if ((correct || wrong || n_wrong) && !labels) return NND_ERR_ARG;
    for (t = 0; t < (size_t)k * n; ++t)
        if (votes[t] < 0 || votes[t] >= classes) return NND_ERR_SHAPE;
    if (!(count = (int *)nnd__zalloc((size_t)classes, sizeof(int)))) return NND_ERR_NOMEM;
    for (i = 0; i < n; ++i) {
        int best = votes[i];
        for (j = 0; j < k; ++j) ++count[votes[(size_t)j * n + i]];
        /* the most votes; among equals the class voted first in net order */
        for (j = 1; j < k; ++j) {
            const int c = votes[(size_t)j * n + i];
            if (count[c] > count[best]) best = c;
        }
        for (j = 0; j < k; ++j) count[votes[(size_t)j * n + i]] = 0;
        if (predicted) predicted[i] = best;
        if (labels) {
            if (best == labels[i]) ++hits;
            else {
                if (wrong) wrong[misses] = i;
                ++misses;
            }
        }
    }
    NND_FREE(count);
    if (correct) *correct = hits;
    if (n_wrong) *n_wrong = misses;
    return NND_OK;
}

NND_DEF int nnd_ensemble_vote(nnd_net *const *nets, int k, const nnd_data *data, int *predicted,
                              int *correct, int *wrong, int *n_wrong)
{
    int *votes, j, st = NND_OK;
    if (!nets || k < 1 || !data || !nets[0] || data->n < 0) return NND_ERR_ARG;
    for (j = 1; j < k; ++j)
        if (!nets[j] || nets[j]->n_out != nets[0]->n_out || nets[j]->n_in != nets[0]->n_in)
            return NND_ERR_SHAPE;
    votes = (int *)nnd__alloc((size_t)k * (data->n > 0 ? data->n : 1), sizeof(int));
    if (!votes) return NND_ERR_NOMEM;
    for (j = 0; j < k && st == NND_OK; ++j) st = nnd_predict(nets[j], data, votes + (size_t)j * data->n);
    if (st == NND_OK)
        st = nnd_vote(votes, k, data->n, nets[0]->n_out, data->labels, predicted, correct, wrong, n_wrong);
    NND_FREE(votes);
    return st;
}

/* -------------------------------------------------------------------------
   14. nnd JSON: any stack of layers, with a format version
   ------------------------------------------------------------------------- */
static const char *const nnd__kind_names[] = {"dense", "conv", "pool", "conv_pool"};
static const char *const nnd__act_names[] = {"sigmoid", "tanh", "relu", "linear", "softmax"};
static const char *const nnd__cost_names[] = {"quadratic", "cross_entropy", "log_likelihood"};

/* Position in the weight block of element t of the file's flat list:
   dense (n_in, n_out) row by row = our W^T as it is; conv (filters, c, fh,
   fw) -> our [filter][(ky fw + kx) c_in + c]. */
static size_t nnd__file_widx(const nnd__layer *L, size_t t)
{
    size_t f, c, ky, kx, r;
    if (L->kind == NND_LAYER_DENSE) return t;
    kx = t % L->fw;
    r = t / L->fw;
    ky = r % L->fh;
    r /= L->fh;
    c = r % L->ic;
    f = r / L->ic;
    return nnd__widx(L, (int)f, (int)((ky * L->fw + kx) * L->ic + c));
}

NND_DEF char *nnd_write(const nnd_net *net, size_t *len, nnd_error *err)
{
    nnd__buf b;
    char num[48];
    int l;
    size_t t;
    memset(&b, 0, sizeof b);
    if (!net) {
        nnd__fail(err, NND_ERR_ARG, 0, "nnd_write: NULL network");
        return NULL;
    }
    if (!nnd__all_finite(net->params, net->n_params)) {
        nnd__fail(err, NND_ERR_DIVERGED, 0, "the network has NaN or infinite parameters");
        return NULL;
    }
    nnd__puts(&b, "{\"format\": \"nnd\", \"version\": 1,\n \"input\": [");
    nnd__put_int(&b, "%d, ", net->layer[0].ic);
    nnd__put_int(&b, "%d, ", net->layer[0].ih);
    nnd__put_int(&b, "%d],\n \"cost\": \"", net->layer[0].iw);
    nnd__puts(&b, nnd__cost_names[net->cost]);
    nnd__puts(&b, "\",\n \"layers\": [");
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        const nnd_real *W = net->params + L->w_off, *B = net->params + L->b_off;
        nnd__puts(&b, l ? ",\n  {\"type\": \"" : "\n  {\"type\": \"");
        nnd__puts(&b, nnd__kind_names[L->kind]);
        nnd__puts(&b, "\", \"activation\": \"");
        nnd__puts(&b, nnd__act_names[L->act]);
        nnd__puts(&b, "\"");
        if (L->kind != NND_LAYER_POOL) nnd__put_int(&b, L->kind == NND_LAYER_DENSE ? ", \"neurons\": %d" : ", \"filters\": %d", L->oc);
        if (L->fh) {
            nnd__put_int(&b, ", \"filter\": [%d, ", L->fh);
            nnd__put_int(&b, "%d]", L->fw);
        }
        if (L->ph) {
            nnd__put_int(&b, ", \"pool\": [%d, ", L->ph);
            nnd__put_int(&b, "%d]", L->pw);
        }
        nnd__puts(&b, ", \"p_dropout\": ");
        snprintf(num, sizeof num, "%.17g", L->p_dropout);
        for (t = 0; num[t]; ++t)
            if (num[t] == ',') num[t] = '.';
        nnd__puts(&b, num);
        if (!strpbrk(num, ".e")) nnd__puts(&b, ".0");
        if (L->kind != NND_LAYER_POOL) {
            nnd__puts(&b, ",\n   \"weights\": [");
            for (t = 0; t < L->n_w; ++t) {
                if (t) nnd__puts(&b, t % 16 ? ", " : ",\n    ");
                nnd__format_real(num, W[nnd__file_widx(L, t)]);
                nnd__puts(&b, num);
            }
            nnd__puts(&b, "],\n   \"biases\": [");
            for (t = 0; t < L->n_b; ++t) {
                if (t) nnd__puts(&b, ", ");
                nnd__format_real(num, B[t]);
                nnd__puts(&b, num);
            }
            nnd__puts(&b, "]");
        }
        nnd__puts(&b, "}");
    }
    nnd__puts(&b, "\n ]}\n");
    return nnd__buf_finish(&b, len, err);
}

/* Where a layer is in the file: its line, whether it names its "type", and
   its weights and biases in the number store (n_w, n_b (size_t)-1: absent). */
typedef struct nnd__flayer {
    int has_type, line;
    size_t w_at, n_w, b_at, n_b;
} nnd__flayer;

/* What an nnd file holds, as read (-1 or 0: a key not seen yet). */
typedef struct nnd__nndfile {
    nnd__mats M;
    nnd_layer_spec spec[NND__MAX_LAYERS];
    nnd__flayer at[NND__MAX_LAYERS];
    int n_layers, layers_seen, input[3], n_input, version, cost, format_ok;
} nnd__nndfile;

/* Member e of layer P->n_layers (its index in the keys of nnd__nnd_layer;
   9, "", and 10, unknown, are skipped), named `where` in messages. */
static int nnd__layer_field(nnd__json *J, nnd__nndfile *P, int e, const char *where)
{
    nnd_layer_spec *s = &P->spec[P->n_layers];
    nnd__flayer *F = &P->at[P->n_layers];
    int v[2], n = 0, st;
    double x;
    switch (e) {
    case 0: /* "type" */
        if ((st = nnd__enum(J, nnd__kind_names, 4, &n, where))) return st;
        s->kind = (nnd_layer_kind)n;
        F->has_type = 1;
        return NND_OK;
    case 1: /* "activation" */
        if ((st = nnd__enum(J, nnd__act_names, 5, &n, where))) return st;
        s->activation = (nnd_activation)n;
        return NND_OK;
    case 2: /* "neurons" or "filters" */
        if ((st = nnd__number(J, &x, 1, where))) return st;
        if (x < 1 || x > NND__MAX_WIDTH)
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: %g out of range", where, x);
        s->n_out = (int)x;
        return NND_OK;
    case 4: /* "filter" */
    case 5: /* "pool" */
        if ((st = nnd__ints(J, v, 2, &n, 1, NND__MAX_WIDTH, where))) return st;
        if (n != 2) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: expected [height, width]", where);
        if (e == 4) {
            s->filter_h = v[0];
            s->filter_w = v[1];
        } else {
            s->pool_h = v[0];
            s->pool_w = v[1];
        }
        return NND_OK;
    case 6: /* "p_dropout" */
        if ((st = nnd__number(J, &x, 0, where))) return st;
        if (!(x >= 0 && x < 1))
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: %g is not in [0, 1)", where, x);
        s->p_dropout = x;
        return NND_OK;
    case 7: /* "weights" */
        F->w_at = P->M.n;
        return nnd__reals(J, &P->M, &F->n_w, where);
    case 8: /* "biases" */
        F->b_at = P->M.n;
        return nnd__reals(J, &P->M, &F->n_b, where);
    default:
        return nnd__skip(J, 0);
    }
}

/* Layer object P->n_layers: each of its keys at most once (the empty key
   too), a "type" required; a pool layer without an "activation" is linear,
   as it can be nothing else. */
static int nnd__nnd_layer(nnd__json *J, nnd__nndfile *P)
{
    static const char *const keys[10] = {"type", "activation", "neurons", "filters", "filter",
                                         "pool", "p_dropout",  "weights", "biases",  ""};
    const int l = P->n_layers;
    nnd__iter it = nnd__iter_init('{', "layers");
    char where[96];
    int e, st, seen = 0;
    it.last = "layer";
    P->at[l].n_w = P->at[l].n_b = (size_t)-1;
    P->spec[l] = nnd_dense_layer(0, NND_SIGMOID, 0.0);
    while ((st = nnd__json_next(J, &it)) > 0) {
        snprintf(where, sizeof where, "layers[%d].%s", l, it.key);
        for (e = 0; e < 10 && strcmp(it.key, keys[e]); ++e) continue;
        if (e == 3) e = 2; /* "filters" and "neurons" are one field */
        if (e < 10 && (seen & (1 << e)))
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "%s: duplicate key", where);
        if (e < 10) seen |= 1 << e;
        if ((st = nnd__layer_field(J, P, e, where))) return st;
    }
    if (st) return st;
    if (!P->at[l].has_type)
        return nnd__fail(J->err, NND_ERR_FORMAT, P->at[l].line, "layers[%d]: missing \"type\"", l);
    if (P->spec[l].kind == NND_LAYER_POOL && !(seen & 2)) P->spec[l].activation = NND_LINEAR;
    return NND_OK;
}

/* "layers": [{...}, ...], at most NND__MAX_LAYERS. */
static int nnd__nnd_layers(nnd__json *J, nnd__nndfile *P)
{
    nnd__iter it = nnd__iter_init('[', "layers");
    int st;
    while ((st = nnd__json_next(J, &it)) > 0) {
        if (P->n_layers >= NND__MAX_LAYERS) return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "layers: too many");
        P->at[P->n_layers].line = J->line;
        if ((st = nnd__nnd_layer(J, P))) return st;
        ++P->n_layers;
    }
    return st;
}

/* A member of the nnd object: "format", "version", "input", "cost" and
   "layers", each at most once; other keys are skipped. */
static int nnd__nnd_field(nnd__json *J, nnd__nndfile *P, const char *key)
{
    char name[16];
    double x;
    int st;
    if ((!strcmp(key, "format") && P->format_ok) || (!strcmp(key, "version") && P->version >= 0) ||
        (!strcmp(key, "input") && P->n_input >= 0) || (!strcmp(key, "cost") && P->cost >= 0) ||
        (!strcmp(key, "layers") && P->layers_seen))
        return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "duplicate key \"%s\"", key);
    if (!strcmp(key, "format")) {
        if ((st = nnd__string(J, name, sizeof name, "format"))) return st;
        if (strcmp(name, "nnd"))
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "format: \"%s\", expected \"nnd\"", name);
        P->format_ok = 1;
    } else if (!strcmp(key, "version")) {
        if ((st = nnd__number(J, &x, 1, "version"))) return st;
        if (x != 1)
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "version: %g is not supported (this reader knows 1)", x);
        P->version = 1;
    } else if (!strcmp(key, "input")) {
        if ((st = nnd__ints(J, P->input, 3, &P->n_input, 1, NND__MAX_WIDTH, "input"))) return st;
        if (P->n_input != 3)
            return nnd__fail(J->err, NND_ERR_FORMAT, J->line, "input: expected [channels, height, width]");
    } else if (!strcmp(key, "cost")) {
        return nnd__enum(J, nnd__cost_names, 3, &P->cost, "cost");
    } else if (!strcmp(key, "layers")) {
        P->layers_seen = 1;
        return nnd__nnd_layers(J, P);
    } else {
        return nnd__skip(J, 0);
    }
    return NND_OK;
}

/* Once the whole text is read: every key present, at least one layer, at
   most NND__MAX_WIDTH input values; a first layer that is not dense takes
   the input's shape. */
static int nnd__nnd_check(nnd__nndfile *P, nnd_error *err)
{
    const int *in = P->input;
    if (P->layers_seen && P->n_layers < 1) return nnd__fail(err, NND_ERR_FORMAT, 0, "layers: the list is empty");
    if (!P->format_ok || P->version < 0 || P->n_input < 0 || P->cost < 0 || P->n_layers < 1)
        return nnd__fail(err, NND_ERR_FORMAT, 0, "missing key \"%s\"",
                         !P->format_ok ? "format" : P->version < 0 ? "version" : P->n_input < 0 ? "input"
                         : P->cost < 0 ? "cost" : "layers");
    if (P->spec[0].kind != NND_LAYER_DENSE) {
        P->spec[0].image_c = in[0];
        P->spec[0].image_h = in[1];
        P->spec[0].image_w = in[2];
    }
    if ((double)in[0] * in[1] * in[2] > NND__MAX_WIDTH) return nnd__fail(err, NND_ERR_FORMAT, 0, "input: too large");
    return NND_OK;
}

/* The sizes the layers declare against the numbers the file holds, before
   anything is built: a file can only make nnd build a net whose parameters
   it contains. */
static int nnd__nnd_fits(const nnd__nndfile *P, nnd_error *err)
{
    nnd__layer *lay = (nnd__layer *)nnd__zalloc((size_t)P->n_layers, sizeof *lay);
    size_t n_params;
    int width, l, st;
    double work;
    if (!lay) return nnd__fail(err, NND_ERR_NOMEM, 0, "out of memory");
    st = nnd__layout(P->input[0] * P->input[1] * P->input[2], P->spec, P->n_layers, (nnd_cost)P->cost, lay,
                     &n_params, &width, &work, &l);
    if (st != NND_OK && l < 0)
        st = nnd__fail(err, NND_ERR_FORMAT, 0, "the input or the cost does not make a valid network");
    else if (st == NND_ERR_SHAPE)
        st = nnd__fail(err, NND_ERR_FORMAT, P->at[l].line, "layers[%d]: its sizes do not fit its input", l);
    else if (st != NND_OK)
        st = nnd__fail(err, NND_ERR_FORMAT, P->at[l].line,
                       "layers[%d]: impossible settings (activation, dropout or the cost of the last layer)", l);
    for (l = 0; st == NND_OK && l < P->n_layers; ++l) {
        const nnd__layer *L = &lay[l];
        const nnd__flayer *F = &P->at[l];
        const size_t want_w = L->kind == NND_LAYER_POOL ? (size_t)-1 : L->n_w;
        const size_t want_b = L->kind == NND_LAYER_POOL ? (size_t)-1 : L->n_b;
        if (F->n_w != want_w || F->n_b != want_b) {
            const int w_bad = F->n_w != want_w;
            const size_t got = w_bad ? F->n_w : F->n_b;
            st = nnd__fail(err, NND_ERR_FORMAT, F->line, "layers[%d].%s: %s%lu numbers, the layer needs %lu", l,
                           w_bad ? "weights" : "biases", got == (size_t)-1 ? "missing, " : "",
                           (unsigned long)(got == (size_t)-1 ? 0 : got),
                           (unsigned long)(L->kind == NND_LAYER_POOL ? 0 : (w_bad ? L->n_w : L->n_b)));
        }
    }
    NND_FREE(lay);
    return st;
}

/* The net of a checked file, its parameters moved from the file's order. */
static nnd_net *nnd__nnd_build(const nnd__nndfile *P, nnd_error *err)
{
    const int n_in = P->input[0] * P->input[1] * P->input[2];
    int l, st;
    size_t t;
    nnd_net *net = nnd_net_create(n_in, P->spec, P->n_layers, (nnd_cost)P->cost, &st);
    if (!net) {
        nnd__fail(err, st, 0, "cannot build the network: %s", nnd_strerror(st));
        return NULL;
    }
    for (l = 0; l < P->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l];
        if (L->kind == NND_LAYER_POOL) continue;
        for (t = 0; t < L->n_w; ++t)
            net->params[L->w_off + nnd__file_widx(L, t)] = (nnd_real)P->M.v[P->at[l].w_at + t];
        for (t = 0; t < L->n_b; ++t) net->params[L->b_off + t] = (nnd_real)P->M.v[P->at[l].b_at + t];
    }
    if (!nnd__all_finite(net->params, net->n_params)) {
        nnd__fail(err, NND_ERR_FORMAT, 0, "a parameter is out of range for nnd_real");
        nnd_free(net);
        return NULL;
    }
    net->params_set = 1;
    nnd__ok(err);
    return net;
}

NND_DEF nnd_net *nnd_parse(const char *text, size_t len, nnd_error *err)
{
    nnd__json J;
    nnd__iter it = nnd__iter_init('{', "nnd JSON");
    nnd__nndfile *P = (nnd__nndfile *)nnd__json_start(&J, text, len, err, "nnd_parse", sizeof(nnd__nndfile));
    nnd_net *net = NULL;
    int st, format;
    if (!P) return NULL;
    if ((format = nnd__sniff(text, len, NND__MODEL_NND, err)) < 0 || format == NND__MODEL_NETWORK2) {
        NND_FREE(P); /* network2.py's file: its own reader */
        return format < 0 ? NULL : nnd_network2_parse(text, len, err);
    }
    P->n_input = P->version = P->cost = -1;
    while ((st = nnd__json_next(&J, &it)) > 0)
        if ((st = nnd__nnd_field(&J, P, it.key))) break;
    if (!st) st = nnd__json_end(&J);
    if (!st) st = nnd__nnd_check(P, err);
    if (!st) st = nnd__nnd_fits(P, err);
    if (!st) net = nnd__nnd_build(P, err);
    NND_FREE(P->M.v);
    NND_FREE(P);
    return net;
}

#ifndef NND_NO_STDIO
/* The path functions of both formats (nnd__save_model, nnd__load_model). */
NND_DEF int nnd_network2_save(const nnd_net *net, const char *path, nnd_error *err)
{ return nnd__save_model(net, path, err, nnd_network2_write); }

NND_DEF nnd_net *nnd_network2_load(const char *path, nnd_error *err)
{ return nnd__load_model(path, err, nnd_network2_parse); }

NND_DEF int nnd_save(const nnd_net *net, const char *path, nnd_error *err)
{ return nnd__save_model(net, path, err, nnd_write); }

NND_DEF nnd_net *nnd_load(const char *path, nnd_error *err)
{ return nnd__load_model(path, err, nnd_parse); }
#endif /* NND_NO_STDIO */


/* -------------------------------------------------------------------------
   15. ONNX: the model for other runtimes
   ------------------------------------------------------------------------- */
/* The protobuf wire format, as much of it as ONNX needs. A field is a key,
   (number << 3) | wire type, and a value: a varint (type 0: 7 bits a byte,
   low bits first, the high bit set on every byte but the last), 4 bytes
   little-endian (type 5), or a varint length and that many bytes (type 2:
   strings, bytes and nested messages). A nested message is written in
   place and its length put in front of it when it is closed
   (nnd__pb_close), so that nothing is sized twice. */
enum { NND__PB_VARINT = 0, NND__PB_LEN = 2, NND__PB_FIXED32 = 5 };

/* v as a varint in out (at most 10 bytes); returns its length. */
static size_t nnd__pb_encode(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

static void nnd__pb_varint(nnd__buf *b, uint64_t v)
{
    unsigned char bytes[10];
    nnd__put(b, (const char *)bytes, nnd__pb_encode(bytes, v));
}

static void nnd__pb_key(nnd__buf *b, int field, int type)
{
    nnd__pb_varint(b, (uint64_t)field << 3 | (uint64_t)type);
}

/* An int64 field (a negative value takes 10 bytes: two's complement). */
static void nnd__pb_int(nnd__buf *b, int field, int64_t v)
{
    nnd__pb_key(b, field, NND__PB_VARINT);
    nnd__pb_varint(b, (uint64_t)v);
}

static void nnd__pb_string(nnd__buf *b, int field, const char *s)
{
    size_t n = strlen(s);
    nnd__pb_key(b, field, NND__PB_LEN);
    nnd__pb_varint(b, n);
    nnd__put(b, s, n);
}

/* The bytes of x, little-endian whatever the machine's order (nbytes 4 or 8). */
static void nnd__pb_le(nnd__buf *b, uint64_t x, int nbytes)
{
    unsigned char bytes[8];
    int i;
    for (i = 0; i < nbytes; ++i) bytes[i] = (unsigned char)(x >> (8 * i));
    nnd__put(b, (const char *)bytes, (size_t)nbytes);
}

/* A float's IEEE 754 bits, little-endian. */
static void nnd__pb_le_float(nnd__buf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    nnd__pb_le(b, u, 4);
}

static void nnd__pb_float(nnd__buf *b, int field, float f)
{
    nnd__pb_key(b, field, NND__PB_FIXED32);
    nnd__pb_le_float(b, f);
}

/* Open a nested message (or a bytes field written piece by piece): its key
   now, its length at nnd__pb_close(b, returned position). */
static size_t nnd__pb_open(nnd__buf *b, int field)
{
    nnd__pb_key(b, field, NND__PB_LEN);
    return b->len;
}

static void nnd__pb_close(nnd__buf *b, size_t at)
{
    unsigned char bytes[10];
    const size_t n = b->len - at, k = nnd__pb_encode(bytes, n);
    nnd__put(b, (const char *)bytes, k); /* room for the length at the end ... */
    if (b->nomem) return;
    memmove(b->s + at + k, b->s + at, n); /* ... the message moves up over it */
    memcpy(b->s + at, bytes, k);
}

/* The numbers of onnx.proto the writer uses: ModelProto.ir_version 7 goes
   with opset 13 (ONNX 1.8); TensorProto.DataType FLOAT and INT64;
   AttributeProto.AttributeType FLOAT, INT and INTS. */
enum {
    NND__ONNX_IR_VERSION = 7,
    NND__ONNX_OPSET = 13,
    NND__ONNX_FLOAT = 1,
    NND__ONNX_INT64 = 7,
    NND__ONNX_ATTR_FLOAT = 1,
    NND__ONNX_ATTR_INT = 2,
    NND__ONNX_ATTR_INTS = 7
};

/* The graph as it is built: its nodes and its initializers (GraphProto
   fields 1 and 5), and the value the next node reads - either rows
   [N, c h w] in nnd's order (map = 0) or NCHW maps [N, c, h, w] (map = 1). */
typedef struct nnd__onnx {
    nnd__buf nodes, inits;
    char cur[48];
    int map, c, h, w;
} nnd__onnx;

/* A value's name: layer l's `what` ("l2_z"); layer -1 is the graph's end. */
static void nnd__onnx_name(char *out, int l, const char *what)
{
    if (l < 0) snprintf(out, 48, "out_%s", what);
    else snprintf(out, 48, "l%d_%s", l, what);
}

/* Open a NodeProto: op reading in0, in1, in2 (NULL: fewer inputs) into
   out, which becomes the current value; the node is named after out. Its
   attributes follow (nnd__onnx_attr_*), then nnd__pb_close. */
static size_t nnd__onnx_node(nnd__onnx *O, const char *op, const char *in0, const char *in1,
                             const char *in2, const char *out)
{
    nnd__buf *b = &O->nodes;
    const size_t at = nnd__pb_open(b, 1);    /* GraphProto.node */
    if (in0) nnd__pb_string(b, 1, in0);      /* NodeProto.input */
    if (in1) nnd__pb_string(b, 1, in1);
    if (in2) nnd__pb_string(b, 1, in2);
    nnd__pb_string(b, 2, out);               /* .output */
    nnd__pb_string(b, 3, out);               /* .name */
    nnd__pb_string(b, 4, op);                /* .op_type */
    if (out != O->cur) snprintf(O->cur, sizeof O->cur, "%s", out);
    return at;
}

/* A node of no attributes, closed. */
static void nnd__onnx_node0(nnd__onnx *O, const char *op, const char *in0, const char *in1,
                            const char *out)
{
    nnd__pb_close(&O->nodes, nnd__onnx_node(O, op, in0, in1, NULL, out));
}

/* AttributeProto (NodeProto field 5): name, type (field 20), and the value:
   f (2) for a FLOAT, i (3) for an INT (v[0]), ints (8, one field per
   number) for INTS. */
static void nnd__onnx_attr(nnd__onnx *O, const char *name, int type, const int *v, int n, float f)
{
    nnd__buf *b = &O->nodes;
    const size_t at = nnd__pb_open(b, 5);
    int i;
    nnd__pb_string(b, 1, name);
    nnd__pb_int(b, 20, type);
    if (type == NND__ONNX_ATTR_FLOAT) nnd__pb_float(b, 2, f);
    else if (type == NND__ONNX_ATTR_INT) nnd__pb_int(b, 3, v[0]);
    else
        for (i = 0; i < n; ++i) nnd__pb_int(b, 8, v[i]);
    nnd__pb_close(b, at);
}

static void nnd__onnx_attr_ints(nnd__onnx *O, const char *name, const int *v, int n)
{
    nnd__onnx_attr(O, name, NND__ONNX_ATTR_INTS, v, n, 0);
}

static void nnd__onnx_attr_int(nnd__onnx *O, const char *name, int v)
{
    nnd__onnx_attr(O, name, NND__ONNX_ATTR_INT, &v, 1, 0);
}

/* Open an initializer (a TensorProto: dims 1, data_type 2, name 8) whose
   raw_data (field 9, little-endian) the caller appends: count values of
   `size` bytes. Close it with nnd__onnx_tensor_close. */
static void nnd__onnx_tensor_open(nnd__onnx *O, const char *name, int type, const int *dims, int nd,
                                  size_t count, size_t size, size_t *at)
{
    nnd__buf *b = &O->inits;
    int i;
    *at = nnd__pb_open(b, 5); /* GraphProto.initializer */
    for (i = 0; i < nd; ++i) nnd__pb_int(b, 1, dims[i]);
    nnd__pb_int(b, 2, type);
    nnd__pb_string(b, 8, name);
    nnd__pb_key(b, 9, NND__PB_LEN);
    nnd__pb_varint(b, count * size);
}

/* A layer's biases, shape dims[0..nd) (oc values). */
static void nnd__onnx_biases(nnd__onnx *O, const nnd_net *net, int l, const int *dims, int nd)
{
    const nnd__layer *L = &net->layer[l];
    char name[48];
    size_t at, j;
    nnd__onnx_name(name, l, "b");
    nnd__onnx_tensor_open(O, name, NND__ONNX_FLOAT, dims, nd, L->n_b, 4, &at);
    for (j = 0; j < L->n_b; ++j) nnd__pb_le_float(&O->inits, (float)net->params[L->b_off + j]);
    nnd__pb_close(&O->inits, at);
}

/* A dense layer's weights as Gemm's B [n_in, n_out]: nnd's W^T as it is
   stored (element (k, j) = w_jk). A conv layer's as Conv's W [oc, ic, fh,
   fw], which a cross-correlation applies: element (f, c, ky, kx) is the
   book's w_f(c, fh-1-ky, fw-1-kx), the kernel flipped, so that
     sum w_f(c,ky,kx) in(c, y+fh-1-ky, x+fw-1-kx)   (nnd's true convolution)
   is what Conv computes. */
static void nnd__onnx_weights(nnd__onnx *O, const nnd_net *net, int l)
{
    const nnd__layer *L = &net->layer[l];
    const nnd_real *W = net->params + L->w_off;
    char name[48];
    size_t at, t;
    int f, c, ky, kx;
    nnd__onnx_name(name, l, "W");
    if (L->kind == NND_LAYER_DENSE) {
        const int dims[2] = {L->n_in, L->n_out};
        nnd__onnx_tensor_open(O, name, NND__ONNX_FLOAT, dims, 2, L->n_w, 4, &at);
        for (t = 0; t < L->n_w; ++t) nnd__pb_le_float(&O->inits, (float)W[t]);
    } else {
        const int dims[4] = {L->oc, L->ic, L->fh, L->fw};
        nnd__onnx_tensor_open(O, name, NND__ONNX_FLOAT, dims, 4, L->n_w, 4, &at);
        for (f = 0; f < L->oc; ++f)
            for (c = 0; c < L->ic; ++c)
                for (ky = 0; ky < L->fh; ++ky)
                    for (kx = 0; kx < L->fw; ++kx) {
                        const int k = ((L->fh - 1 - ky) * L->fw + (L->fw - 1 - kx)) * L->ic + c;
                        nnd__pb_le_float(&O->inits, (float)W[nnd__widx(L, f, k)]);
                    }
    }
    nnd__pb_close(&O->inits, at);
}

/* The current value as rows [N, c h w] in nnd's order: NCHW maps go to
   NHWC (Transpose, needless with one channel or one position) and are
   flattened. The last node writes dst (NULL: a name of layer l's). */
static void nnd__onnx_rows(nnd__onnx *O, int l, const char *dst)
{
    static const int nhwc[4] = {0, 2, 3, 1};
    char name[48];
    size_t at;
    if (!O->map) return;
    if (O->c > 1 && O->h * O->w > 1) {
        nnd__onnx_name(name, l, "nhwc");
        at = nnd__onnx_node(O, "Transpose", O->cur, NULL, NULL, name);
        nnd__onnx_attr_ints(O, "perm", nhwc, 4);
        nnd__pb_close(&O->nodes, at);
    }
    if (dst) snprintf(name, sizeof name, "%s", dst);
    else nnd__onnx_name(name, l, "rows");
    at = nnd__onnx_node(O, "Flatten", O->cur, NULL, NULL, name);
    nnd__onnx_attr_int(O, "axis", 1);
    nnd__pb_close(&O->nodes, at);
    O->map = 0;
}

/* The current value as the NCHW maps c x h x w layer l reads: rows (in
   nnd's order, value (c, y, x) at (y w + x) c_count + c) are reshaped to
   NHWC and transposed to NCHW (with one channel the two orders agree and
   one Reshape does). Maps of another shape become rows first (a layer
   whose image_c/h/w reads its input anew). */
static void nnd__onnx_maps(nnd__onnx *O, int l, int c, int h, int w)
{
    static const int nchw[4] = {0, 3, 1, 2};
    const int64_t shape[4] = {-1, c == 1 ? 1 : h, c == 1 ? h : w, c == 1 ? w : c};
    const int four = 4;
    char name[48], out[48];
    size_t at;
    int i;
    if (O->map && O->c == c && O->h == h && O->w == w) return;
    nnd__onnx_rows(O, l, NULL);
    nnd__onnx_name(name, l, "shape");
    nnd__onnx_tensor_open(O, name, NND__ONNX_INT64, &four, 1, 4, 8, &at);
    for (i = 0; i < 4; ++i) nnd__pb_le(&O->inits, (uint64_t)shape[i], 8);
    nnd__pb_close(&O->inits, at);
    nnd__onnx_name(out, l, c == 1 ? "nchw" : "nhwc");
    nnd__onnx_node0(O, "Reshape", O->cur, name, out);
    if (c > 1) {
        nnd__onnx_name(out, l, "nchw");
        at = nnd__onnx_node(O, "Transpose", O->cur, NULL, NULL, out);
        nnd__onnx_attr_ints(O, "perm", nchw, 4);
        nnd__pb_close(&O->nodes, at);
    }
    O->map = 1;
    O->c = c;
    O->h = h;
    O->w = w;
}

/* Activation f from z into a (none for linear: then z is a). */
static void nnd__onnx_activate(nnd__onnx *O, nnd_activation f, const char *z, const char *a)
{
    static const char *const ops[] = {"Sigmoid", "Tanh", "Relu", NULL, "Softmax"};
    size_t at;
    if (f == NND_LINEAR) return;
    at = nnd__onnx_node(O, ops[f], z, NULL, NULL, a);
    if (f == NND_SOFTMAX) nnd__onnx_attr_int(O, "axis", 1); /* over a row's n_out values */
    nnd__pb_close(&O->nodes, at);
}

/* Layer l's nodes and initializers, its result named dst (NULL: "lN_a"). */
static void nnd__onnx_layer(nnd__onnx *O, const nnd_net *net, int l, const char *dst)
{
    const nnd__layer *L = &net->layer[l];
    const int kernel[2] = {L->fh, L->fw}, pool[2] = {L->ph, L->pw};
    const int dense_b[1] = {L->oc}, map_b[3] = {L->oc, 1, 1};
    char a[48], z[48], W[48], b[48], t[48];
    size_t at;
    if (dst) snprintf(a, sizeof a, "%s", dst);
    else nnd__onnx_name(a, l, "a");
    if (L->act == NND_LINEAR) memcpy(z, a, sizeof a);
    else nnd__onnx_name(z, l, "z");
    nnd__onnx_name(W, l, "W");
    nnd__onnx_name(b, l, "b");
    if (L->kind == NND_LAYER_DENSE) { /* z = (1-p) a W + b, Gemm's alpha A B + C */
        nnd__onnx_rows(O, l, NULL);
        nnd__onnx_weights(O, net, l);
        nnd__onnx_biases(O, net, l, dense_b, 1);
        at = nnd__onnx_node(O, "Gemm", O->cur, W, b, z);
        if (L->p_dropout > 0)
            nnd__onnx_attr(O, "alpha", NND__ONNX_ATTR_FLOAT, NULL, 0, (float)(nnd_real)(1.0 - L->p_dropout));
        nnd__pb_close(&O->nodes, at);
    } else {
        nnd__onnx_maps(O, l, L->ic, L->ih, L->iw);
        if (L->kind != NND_LAYER_POOL) nnd__onnx_weights(O, net, l);
        if (L->kind == NND_LAYER_CONV) { /* z = w * a + b */
            nnd__onnx_biases(O, net, l, dense_b, 1);
            at = nnd__onnx_node(O, "Conv", O->cur, W, b, z);
            nnd__onnx_attr_ints(O, "kernel_shape", kernel, 2);
            nnd__pb_close(&O->nodes, at);
        } else if (L->kind == NND_LAYER_CONV_POOL) { /* z = max-pool(w * a) + b */
            nnd__onnx_name(t, l, "conv");
            at = nnd__onnx_node(O, "Conv", O->cur, W, NULL, t);
            nnd__onnx_attr_ints(O, "kernel_shape", kernel, 2);
            nnd__pb_close(&O->nodes, at);
        }
        if (L->kind != NND_LAYER_CONV) { /* non-overlapping blocks; a partial one is dropped */
            if (L->kind == NND_LAYER_POOL) memcpy(t, a, sizeof a);
            else nnd__onnx_name(t, l, "pool");
            at = nnd__onnx_node(O, "MaxPool", O->cur, NULL, NULL, t);
            nnd__onnx_attr_ints(O, "kernel_shape", pool, 2);
            nnd__onnx_attr_ints(O, "strides", pool, 2);
            nnd__pb_close(&O->nodes, at);
        }
        if (L->kind == NND_LAYER_CONV_POOL) {
            nnd__onnx_biases(O, net, l, map_b, 3); /* [oc, 1, 1]: broadcast over the positions */
            nnd__onnx_node0(O, "Add", O->cur, b, z);
        }
        O->map = 1;
        O->c = L->oc;
        O->h = L->oh;
        O->w = L->ow;
    }
    nnd__onnx_activate(O, L->act, z, a);
}

/* A ValueInfoProto of the graph (field 11 input, 12 output): float
   [N, n], N a named (dynamic) dimension. */
static void nnd__onnx_value_info(nnd__buf *b, int field, const char *name, int n, const char *doc)
{
    size_t info = nnd__pb_open(b, field), type, tensor, shape, dim;
    nnd__pb_string(b, 1, name);
    type = nnd__pb_open(b, 2);   /* TypeProto */
    tensor = nnd__pb_open(b, 1); /* .tensor_type */
    nnd__pb_int(b, 1, NND__ONNX_FLOAT);
    shape = nnd__pb_open(b, 2);  /* TensorShapeProto */
    dim = nnd__pb_open(b, 1);
    nnd__pb_string(b, 2, "N");   /* .dim_param */
    nnd__pb_close(b, dim);
    dim = nnd__pb_open(b, 1);
    nnd__pb_int(b, 1, n);        /* .dim_value */
    nnd__pb_close(b, dim);
    nnd__pb_close(b, shape);
    nnd__pb_close(b, tensor);
    nnd__pb_close(b, type);
    nnd__pb_string(b, 3, doc);
    nnd__pb_close(b, info);
}

/* v as %g, with a '.' whatever the C locale's decimal separator. */
static void nnd__onnx_put_g(nnd__buf *d, char *num, double v)
{
    size_t i;
    snprintf(num, 48, "%g", v);
    for (i = 0; num[i]; ++i)
        if (num[i] == ',') num[i] = '.';
    nnd__puts(d, num);
}

/* The net in words, for the model's doc string and metadata, e.g.
   "784 inputs (1 x 28 x 28 maps); conv_pool 20 filters 5x5 pool 2x2 relu;
   dense 100 relu, dropout 0.5 (its input scaled by 0.5); dense 10 softmax;
   cost log_likelihood". A layer that reads its input as maps of another
   shape than the layer below gives (image_c/h/w) says so ("on 3 x 8 x 8"). */
static void nnd__onnx_describe(nnd__buf *d, const nnd_net *net)
{
    char num[48];
    int l;
    const nnd__layer *L0 = &net->layer[0];
    nnd__put_int(d, "%d inputs", net->n_in);
    if (L0->kind != NND_LAYER_DENSE) {
        nnd__put_int(d, " (%d x ", L0->ic);
        nnd__put_int(d, "%d x ", L0->ih);
        nnd__put_int(d, "%d maps)", L0->iw);
    }
    for (l = 0; l < net->n_layers; ++l) {
        const nnd__layer *L = &net->layer[l], *P = l ? L - 1 : NULL;
        nnd__puts(d, "; ");
        nnd__puts(d, nnd__kind_names[L->kind]);
        if (P && L->kind != NND_LAYER_DENSE && (P->oc != L->ic || P->oh != L->ih || P->ow != L->iw)) {
            nnd__put_int(d, " on %d x ", L->ic);
            nnd__put_int(d, "%d x ", L->ih);
            nnd__put_int(d, "%d", L->iw);
        }
        if (L->kind == NND_LAYER_DENSE) nnd__put_int(d, " %d", L->n_out);
        if (L->fh) {
            nnd__put_int(d, " %d filters ", L->oc);
            nnd__put_int(d, "%dx", L->fh);
            nnd__put_int(d, "%d", L->fw);
        }
        if (L->ph) {
            nnd__put_int(d, L->kind == NND_LAYER_POOL ? " %dx" : " pool %dx", L->ph);
            nnd__put_int(d, "%d", L->pw);
        }
        if (L->kind != NND_LAYER_POOL) {
            nnd__puts(d, " ");
            nnd__puts(d, nnd__act_names[L->act]);
        }
        if (L->p_dropout > 0) {
            nnd__puts(d, ", dropout ");
            nnd__onnx_put_g(d, num, L->p_dropout);
            nnd__puts(d, " (its input scaled by ");
            nnd__onnx_put_g(d, num, 1.0 - L->p_dropout);
            nnd__puts(d, ")");
        }
    }
    nnd__puts(d, "; cost ");
    nnd__puts(d, nnd__cost_names[net->cost]);
}

/* Whether the model fits one protobuf file (under 2 GB, ONNX's limit
   without external data): the first layer whose parameters cross it. */
static int nnd__onnx_fits(const nnd_net *net, nnd_error *err)
{
    const double limit = 2147483647.0 - 1048576.0; /* 1 MB for the graph's own fields */
    double bytes = 0;
    int l;
    for (l = 0; l < net->n_layers; ++l) {
        bytes += 4.0 * ((double)net->layer[l].n_w + (double)net->layer[l].n_b);
        if (bytes > limit)
            return nnd__fail(err, NND_ERR_ARG, 0,
                             "nnd_onnx_write: layer %d: the parameters up to it take %.0f bytes, "
                             "more than one ONNX file holds (2 GB)", l, bytes);
    }
    return NND_OK;
}

/* The ModelProto: ir_version (1), producer_name (2) and _version (3),
   doc_string (6), graph (7: node 1, name 2, initializer 5, input 11,
   output 12), opset_import (8), metadata_props (14). */
static void nnd__onnx_model(nnd__buf *m, nnd__onnx *O, const nnd_net *net, const char *desc)
{
    size_t at;
    nnd__pb_int(m, 1, NND__ONNX_IR_VERSION);
    at = nnd__pb_open(m, 8); /* OperatorSetIdProto: the default domain */
    nnd__pb_int(m, 2, NND__ONNX_OPSET);
    nnd__pb_close(m, at);
    nnd__pb_string(m, 2, "nnd");
    nnd__pb_string(m, 3, NND_VERSION);
    nnd__pb_string(m, 6, desc);
    at = nnd__pb_open(m, 7);
    if (!O->nodes.nomem && !O->inits.nomem) {
        nnd__put(m, O->nodes.s, O->nodes.len);
        nnd__pb_string(m, 2, "nnd");
        nnd__put(m, O->inits.s, O->inits.len);
    } else
        m->nomem = 1;
    nnd__onnx_value_info(m, 11, "input", net->n_in,
                         "one example per row, as nnd_feedforward reads it: an image's pixels "
                         "row by row (channels innermost); MNIST pixel/256");
    nnd__onnx_value_info(m, 12, "output", net->n_out, "the last layer's activations");
    nnd__pb_close(m, at);
    at = nnd__pb_open(m, 14); /* StringStringEntryProto: key 1, value 2 */
    nnd__pb_string(m, 1, "description");
    nnd__pb_string(m, 2, desc);
    nnd__pb_close(m, at);
    at = nnd__pb_open(m, 14);
    nnd__pb_string(m, 1, "nnd_version");
    nnd__pb_string(m, 2, NND_VERSION);
    nnd__pb_close(m, at);
}

NND_DEF unsigned char *nnd_onnx_write(const nnd_net *net, size_t *len, nnd_error *err)
{
    nnd__onnx O;
    nnd__buf m, d;
    char *out;
    int l;
    if (!net) {
        nnd__fail(err, NND_ERR_ARG, 0, "nnd_onnx_write: NULL network");
        return NULL;
    }
    if (!net->params_set) {
        nnd__fail(err, NND_ERR_ARG, 0,
                  "nnd_onnx_write: the network's parameters were never set - call an "
                  "initialiser or load a file");
        return NULL;
    }
    if (!nnd__all_finite(net->params, net->n_params)) {
        nnd__fail(err, NND_ERR_DIVERGED, 0, "the network has NaN or infinite parameters");
        return NULL;
    }
    if (nnd__onnx_fits(net, err) != NND_OK) return NULL;
    memset(&O, 0, sizeof O);
    memset(&m, 0, sizeof m);
    memset(&d, 0, sizeof d);
    snprintf(O.cur, sizeof O.cur, "input"); /* rows [N, n_in] */
    for (l = 0; l < net->n_layers; ++l) /* the last dense layer writes "output" itself */
        nnd__onnx_layer(&O, net, l,
                        l == net->n_layers - 1 && net->layer[l].kind == NND_LAYER_DENSE ? "output"
                                                                                       : NULL);
    nnd__onnx_rows(&O, -1, "output"); /* maps out: as nnd's rows */
    nnd__puts(&d, "nnd " NND_VERSION " network: ");
    nnd__onnx_describe(&d, net);
    if (d.nomem) m.nomem = 1;
    else nnd__onnx_model(&m, &O, net, d.s);
    NND_FREE(O.nodes.s);
    NND_FREE(O.inits.s);
    NND_FREE(d.s);
    if (!m.nomem && m.len > 2147483647u) {
        NND_FREE(m.s);
        nnd__fail(err, NND_ERR_ARG, 0, "nnd_onnx_write: the model takes more than 2 GB");
        return NULL;
    }
    out = nnd__buf_finish(&m, len, err);
    return (unsigned char *)out;
}

#ifndef NND_NO_STDIO
NND_DEF int nnd_onnx_save(const nnd_net *net, const char *path, nnd_error *err)
{
    nnd_error own; /* the status when the caller passes no err */
    size_t len;
    unsigned char *model = nnd_onnx_write(net, &len, err ? err : &own);
    return nnd__save_made(path, model, len, err, &own);
}
#endif /* NND_NO_STDIO */

#endif /* NND_IMPLEMENTATION_DONE */
#endif /* NND_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the nnd authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
