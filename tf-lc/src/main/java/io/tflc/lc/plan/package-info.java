/** Plan files: the JSON that states an LC run (model, data, tasks, μ schedule, L-step, seed, output). */
package io.tflc.lc.plan;
