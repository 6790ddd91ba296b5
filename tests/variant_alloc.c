/* Build variant: NND_MALLOC / NND_REALLOC / NND_FREE supplied by the user.
   Every allocation goes through them and everything is given back. */
#include <stdlib.h>
static long live_blocks, total_allocs;
static void *my_malloc(size_t n) { ++live_blocks; ++total_allocs; return malloc(n); }
static void *my_realloc(void *p, size_t n)
{
    if (!p) { ++live_blocks; ++total_allocs; }
    return realloc(p, n);
}
static void my_free(void *p) { if (p) --live_blocks; free(p); }
#define NND_MALLOC(n) my_malloc(n)
#define NND_REALLOC(p, n) my_realloc(p, n)
#define NND_FREE(p) my_free(p)
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include "check.h"
#include <string.h>

int main(void)
{
    int sizes[] = {4, 5, 3}, st;
    nnd_rng rng;
    nnd_net *net, *back;
    nnd_error err;
    char *text;
    size_t len;
    nnd_real x[8] = {0, 1, 0, 1, 1, 0, 0, 0};
    int labels[2] = {2, 0};
    nnd_data d;
    nnd_sgd_options o = nnd_sgd_defaults();
    nnd_history h;
    memset(&d, 0, sizeof d);
    nnd_rng_seed(&rng, 3);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    d.n = 2;
    d.n_in = 4;
    d.x = x;
    d.labels = labels;
    o.epochs = 2;
    o.evaluation_data = &d;
    o.monitor_evaluation_accuracy = o.monitor_training_cost = 1;
    CHECK(nnd_sgd(net, &d, &o, &h) == NND_OK, "training with the custom allocator");
    nnd_history_free(&h);
    text = nnd_network2_write(net, &len, &err);
    back = nnd_network2_parse(text, len, &err);
    CHECK(back != NULL, "JSON round trip with the custom allocator");
    nnd_free_text(text);
    nnd_free(back);
    nnd_free(net);
    CHECK(total_allocs > 10, "the custom allocator was not used (%ld calls)", total_allocs);
    CHECK(live_blocks == 0, "%ld blocks not freed", live_blocks);
    return check_summary();
}
