// The API notebooks import (`import * as tb from "@tabula/notebook"`): re-exports of the project's code, plus the
// few helpers that only make sense in a notebook (finding the project root, showing output). No logic lives here.
export { bar, facetedBars } from "../charts/bar.js";
export { boxplotGrid } from "../charts/boxplot.js";
export type { Chart, Datum, Rows } from "../charts/chart.js";
export { heatmap, type Matrix, matrixFromCells } from "../charts/heatmap.js";
export { categoryCounts, distributionGrid, histogram } from "../charts/histogram.js";
export { bestSoFar, line } from "../charts/line.js";
export { renderSvg } from "../charts/render-svg.js";
export { predictedVsActual, residuals, scatter, scatterGrid } from "../charts/scatter.js";
export { correlationMatrix, pearson, strongestCorrelations } from "../ml/analysis/correlation.js";
export { datasetFindings } from "../ml/analysis/findings.js";
export { tukeyOutliers } from "../ml/analysis/outliers.js";
export { tableRecords } from "../ml/analysis/records.js";
export { errorRateBySegment, errorsBySegment, pointPredictions } from "../ml/analysis/segments.js";
export { summarizeTable } from "../ml/analysis/summary.js";
export { paramAxes, trialsBestAfter, tunedParams, tuningHistory } from "../ml/analysis/tuning.js";
export { sampleIndices } from "../ml/data/split.js";
export { column, type Table, takeRows } from "../ml/data/table.js";
export { splitCountImportance } from "../ml/plots.js";
export { show, showMarkdown, showTable } from "./display.js";
export { formatNumber, htmlTable } from "./html-table.js";
export { type PipelineOutputs, readPipelineOutputs } from "./pipeline-outputs.js";
export { findProjectRoot, useProjectRoot } from "./project.js";
export { type RawData, readRawData } from "./raw-data.js";
