/* NND_NO_STDIO: the build without the file functions keeps the in-memory
   writers and readers - nnd_write / nnd_parse, nnd_network2_write /
   nnd_network2_parse and nnd_onnx_write - and they agree with each other.
   Exit status 0 when they do. */
#define NND_NO_STDIO
#define NND_IMPLEMENTATION
#include "../nnd.h"

static int same_params(nnd_net *a, nnd_net *b)
{
    size_t i;
    if (!a || !b || nnd_param_count(a) != nnd_param_count(b)) return 0;
    for (i = 0; i < nnd_param_count(a); ++i)
        if (nnd_params(a)[i] != nnd_params(b)[i]) return 0;
    return 1;
}

int main(void)
{
    int sizes[] = {4, 3, 2}, st, ok;
    size_t n_nnd = 0, n_n2 = 0, n_onnx = 0;
    nnd_rng rng;
    nnd_error err;
    nnd_net *net, *a, *b;
    char *t_nnd, *t_n2;
    unsigned char *onnx;
    nnd_rng_seed(&rng, 1);
    net = nnd_network2(sizes, 3, NND_CROSS_ENTROPY, &rng, &st);
    t_nnd = nnd_write(net, &n_nnd, &err);
    t_n2 = nnd_network2_write(net, &n_n2, &err);
    onnx = nnd_onnx_write(net, &n_onnx, &err);
    a = t_nnd ? nnd_parse(t_nnd, n_nnd, &err) : NULL;
    b = t_n2 ? nnd_network2_parse(t_n2, n_n2, &err) : NULL;
    /* an ONNX model begins with ir_version 7: key 0x08, value 7 */
    ok = same_params(net, a) && same_params(net, b) && onnx && n_onnx > 2 && onnx[0] == 0x08 && onnx[1] == 7;
    nnd_free_text(t_nnd);
    nnd_free_text(t_n2);
    nnd_free_text((char *)onnx);
    nnd_free(a);
    nnd_free(b);
    nnd_free(net);
    return ok ? 0 : 1;
}
