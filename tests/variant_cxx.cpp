// Build variant: nnd.h compiled as C++ (extern "C" API, implementation too).
#define NND_IMPLEMENTATION
#include "../nnd.h"
#include <cstdio>
#include <vector>

int main()
{
    int sizes[] = {3, 4, 2}, st = 0;
    nnd_rng rng;
    nnd_rng_seed(&rng, 1);
    nnd_net *net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    std::vector<nnd_real> x(6, 0.5f), out(4);
    int ok = net && nnd_feedforward(net, x.data(), x.size(), out.data(), out.size()) == NND_OK && out[0] > 0 && out[0] < 1;
    nnd_error err;
    size_t len = 0;
    char *text = nnd_network2_write(net, &len, &err);
    nnd_net *back = nnd_network2_parse(text, len, &err);
    ok = ok && back != NULL;
    nnd_free_text(text);
    nnd_free(back);
    nnd_free(net);
    std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
