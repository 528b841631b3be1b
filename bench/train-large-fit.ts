// One fit of bench/train-large.ts, in a process of its own so that its peak RSS is the fit's:
//   node --import tsx bench/train-large-fit.ts ROWS FEATURES MODEL PARAMS_JSON THREADS [TRAIN_SEED TEST_SEED]
// Prints one JSON line: fit seconds (wall), process CPU seconds, the calling thread's CPU seconds (with worker
// threads, the part of the fit no other thread shares: on a machine with free cores the fit takes about that
// long), test MSE, peak RSS in MB. With threads > 1, a tiny fit first starts the worker threads (a process
// keeps them for all its fits; under tsx each takes ~0.5 s to start, which XGBoost's threads do not), and the
// seconds that cost are printed as thread_start_s.
import { compileEnsemble, getModelType } from "../src/ml/models/index.js";
import { asTrainingSet, friedman1 } from "./train-synthetic.js";

const [
  rowsArg,
  featuresArg,
  model = "gbt",
  paramsJson = "{}",
  threadsArg = "1",
  trainSeed = "1",
  testSeed = "2",
] = process.argv.slice(2);
const features = Number(featuresArg);
const train = asTrainingSet(friedman1(Number(rowsArg), Number(trainSeed), { features }));
const test = friedman1(50_000, Number(testSeed), { features });
const found = getModelType(model);
if (!found.ok) throw new Error(found.error.message);
const params = found.value.params.parse(JSON.parse(paramsJson));
const threads = Number(threadsArg);
let threadStart = 0;
if (threads > 1) {
  const tiny = asTrainingSet(friedman1(2000, 3, { features }));
  const warming = performance.now();
  await found.value.fit(tiny, params, { seed: 1, threads });
  threadStart = (performance.now() - warming) / 1000;
}
const started = performance.now();
const cpuStarted = process.cpuUsage();
const threadCpuStarted = process.threadCpuUsage();
const ensemble = await found.value.fit(train, params, { seed: 42, threads });
const cpu = process.cpuUsage(cpuStarted);
const threadCpu = process.threadCpuUsage(threadCpuStarted);
const seconds = (performance.now() - started) / 1000;
const predicted = compileEnsemble(ensemble).outputs(test.x);
let sum = 0;
for (let i = 0; i < test.rows; i++) sum += ((predicted[i] as number) - (test.y[i] as number)) ** 2;
console.log(
  JSON.stringify({
    fit_s: seconds,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    main_thread_cpu_s: (threadCpu.user + threadCpu.system) / 1e6,
    mse: sum / test.rows,
    thread_start_s: threadStart,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
process.exit(0);
