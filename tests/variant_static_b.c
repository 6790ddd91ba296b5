/* The second translation unit of the NND_STATIC build variant. */
#define NND_STATIC
#define NND_IMPLEMENTATION
#include "../nnd.h"

int train_in_b(void)
{
    int sizes[] = {2, 3, 2}, st;
    nnd_rng rng;
    nnd_net *net;
    nnd_real x[4] = {0, 1, 1, 0};
    int labels[2] = {0, 1};
    nnd_data d = {0};
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_rng_seed(&rng, 2);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    if (!net) return 0;
    d.n = 2;
    d.n_in = 2;
    d.x = x;
    d.labels = labels;
    o.epochs = 3;
    o.mini_batch_size = 2;
    st = nnd_sgd(net, &d, &o, NULL);
    nnd_free(net);
    return st == NND_OK;
}
