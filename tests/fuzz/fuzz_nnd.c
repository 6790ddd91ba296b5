/* fuzz_nnd.c - libFuzzer harness for nnd_parse, nnd's JSON model format
   (any stack of dense, conv, pool and conv_pool layers).

   For every input:
   - a rejection carries an NND_ERR_* status, the same in err.status, and a
     one-line printable message (fuzz_error_ok);
   - the parse allocates no more than a fixed multiple of the input's
     length (fuzz_parse_limit): a file can only make nnd build a net whose
     parameters it holds;
   - an accepted net has layer descriptions that hold together and finite
     parameters; it is run forward and back (fuzz_run_net; skipped for nets
     too large to run quickly);
   - it is written with nnd_write and read back: bit-identical parameters,
     equal layer descriptions, the same bits from a run, and the same text
     when written again;
   - a net that network2's format can hold goes through nnd_network2_write /
     nnd_network2_parse the same way (without running the copy again);
   - nothing nnd allocated is left when the input is done. */
#include "fuzz_alloc.h"
#define NND_IMPLEMENTATION
#include "../../nnd.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nnd_error err;
    nnd_net *net;
    fuzz_results r;
    fuzz_error_poison(&err);
    fuzz_alloc_limit(fuzz_parse_limit(size), size);
    net = nnd_parse((const char *)data, size, &err);
    fuzz_alloc_limit(0, 0);
    if (!net) {
        fuzz_error_ok(err.status, &err, "nnd_parse");
    } else {
        fuzz_success_ok(&err, "nnd_parse");
        fuzz_net_consistent(net);
        fuzz_run_net(net, &r);
        fuzz_round_trip(net, &r, nnd_write, nnd_parse, "nnd JSON");
        if (fuzz_is_network2(net)) fuzz_round_trip(net, NULL, nnd_network2_write, nnd_network2_parse, "network2 JSON");
        fuzz_results_free(&r);
        nnd_free(net);
    }
    FUZZ_CHECK(fuzz_alloc_live() == 0, "%lu bytes nnd allocated are still held", (unsigned long)fuzz_alloc_live());
    return 0;
}
