// onnx_run.js - run ONNX models in ONNX Runtime (the onnxruntime-node
// package) on the MNIST test images, for tests/test_onnx.sh; also an
// example of running a model nnd exported.
//
//   node tests/onnx_run.js PREFIX IMAGES MODEL.onnx...
//
// PREFIX is where `npm install --prefix PREFIX onnxruntime-node` put the
// package; IMAGES an IDX file of 28x28 images (t10k-images-idx3-ubyte).
// Every image becomes a row of 784 floats, pixel/256 as nnd reads MNIST.
// For each model it checks the names and shapes nnd_onnx_write documents
// (input "input" [N, 784], output "output" [N, k]; the batch dimension N
// dynamic: the images go in batches of 1, 999 and then 1000), writes the
// outputs beside it as MODEL.ort (float32, row by row) and prints one line.
// A problem prints a line starting with "FAIL onnx_run:" and the exit
// status is 1.
'use strict';
const fs = require('fs');
const path = require('path');

function fail(msg) {
    console.log('FAIL onnx_run: ' + msg);
    process.exitCode = 1;
}

// The images of an IDX file (magic 0x00000803: unsigned bytes, 3 dimensions).
function readImages(file) {
    const b = fs.readFileSync(file);
    if (b.length < 16 || b.readUInt32BE(0) !== 0x803) throw new Error(file + ': not an IDX image file');
    const n = b.readUInt32BE(4), size = b.readUInt32BE(8) * b.readUInt32BE(12);
    if (b.length !== 16 + n * size) throw new Error(file + ': wrong length');
    const x = new Float32Array(n * size);
    for (let i = 0; i < n * size; ++i) x[i] = b[16 + i] / 256;
    return { n, size, x };
}

async function runModel(ort, file, images) {
    const model = await ort.InferenceSession.create(file, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
    });
    if (model.inputNames.join() !== 'input' || model.outputNames.join() !== 'output')
        return fail(`${file}: inputs [${model.inputNames}] outputs [${model.outputNames}], ` +
                    'expected [input] and [output]');
    const { n, size, x } = images;
    const chunks = [];
    let k = 0;
    for (let at = 0, b = 1; at < n; at += b, b = at === 1 ? 999 : 1000) {
        const m = Math.min(b, n - at);
        const input = new ort.Tensor('float32', x.slice(at * size, (at + m) * size), [m, size]);
        const out = (await model.run({ input })).output;
        if (out.dims.length !== 2 || out.dims[0] !== m || (k && out.dims[1] !== k))
            return fail(`${file}: a batch of ${m} gave an output of shape [${out.dims}]`);
        k = out.dims[1];
        chunks.push(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
    }
    const dest = file.replace(/\.onnx$/, '') + '.ort';
    fs.writeFileSync(dest, Buffer.concat(chunks));
    console.log(`${path.basename(file)}: ${n} x ${k} outputs in batches of 1, 999, 1000 -> ${dest}`);
}

async function main() {
    const [prefix, imagesFile, ...models] = process.argv.slice(2);
    if (!prefix || !imagesFile || models.length === 0) {
        console.log('usage: node tests/onnx_run.js PREFIX IMAGES MODEL.onnx...');
        process.exit(2);
    }
    const ort = require(path.resolve(prefix, 'node_modules', 'onnxruntime-node'));
    const images = readImages(imagesFile);
    for (const file of models) {
        try {
            await runModel(ort, file, images);
        } catch (e) {
            fail(`${file}: ${e.message.split('\n')[0]}`);
        }
    }
}

main().catch((e) => fail(e.message));
