/* Build variant: two translation units, each with its own private (NND_STATIC)
   copy of the implementation, linked into one program with variant_static_b.c. */
#define NND_STATIC
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"

int train_in_b(void); /* variant_static_b.c */

int main(void)
{
    int sizes[] = {3, 4, 2}, st, correct = -1;
    nnd_rng rng;
    nnd_net *net;
    nnd_rng_seed(&rng, 1);
    net = nnd_network2(sizes, 3, NND_QUADRATIC, &rng, &st);
    CHECK(net != NULL, "create in translation unit a");
    CHECK(train_in_b() == 1, "translation unit b");
    {
        nnd_real x[3] = {1, 0, 1};
        int label = 1;
        nnd_data d = {0};
        d.n = 1;
        d.n_in = 3;
        d.x = x;
        d.labels = &label;
        CHECK(nnd_accuracy(net, &d, &correct) == NND_OK && (correct == 0 || correct == 1),
              "accuracy in translation unit a");
    }
    nnd_free(net);
    return check_summary();
}
