// Date and datetime columns as model inputs: the text a client sends (as the training CSV had it) → one number per
// derived part. The one implementation of that derivation: training (the featurizer's raw matrix) and the server
// (before the ONNX session) both call it, so the tensor cannot differ between them. Depends on zod alone.
//
// Text: ISO 8601 by default (`2024-03-01`, `2024-03-01T12:30`, `2024-03-01 12:30:05.250`, with an optional `Z` or
// `±HH:MM` offset after a time), or an explicit `format` of the tokens YYYY MM DD HH mm ss (e.g. `DD/MM/YYYY`),
// where every other character is literal. Parts are of the UTC instant (a text without an offset is taken as UTC).

import { z } from "zod";
import { unreachable } from "../result.js";

export const DATE_PARTS = [
  "year",
  "month",
  "day",
  "day_of_week",
  "day_of_year",
  "hour",
  "days_since",
] as const;
export type DatePart = (typeof DATE_PARTS)[number];

/** The default reference date of `days_since`. */
export const DEFAULT_REFERENCE = "1970-01-01";

/** One tensor column derived from a date field. */
export const DateSourceSchema = z
  .object({
    /** The field (CSV column, request key) holding the date text. */
    column: z.string(),
    /**
     * year; month 1–12; day 1–31; day_of_week 0 (Monday)–6 (Sunday); day_of_year 1–366; hour 0–23;
     * days_since: days (fractional for datetimes) since `reference`.
     */
    part: z.enum(DATE_PARTS),
    format: z.string().optional(),
    /** days_since only: an ISO date. */
    reference: z.string().optional(),
  })
  .strict();

export type DateSource = z.infer<typeof DateSourceSchema>;

const DAY_MS = 86_400_000;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TOKENS: Record<string, string> = {
  YYYY: "year",
  MM: "month",
  DD: "day",
  HH: "hour",
  mm: "minute",
  ss: "second",
};
const TOKEN = /YYYY|MM|DD|HH|mm|ss/g;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number;
}

type Reader = (text: string) => Fields | undefined;

const readers = new Map<string, Reader>();

/** Why `format` cannot be used, or undefined when it can. */
export function dateFormatProblem(format: string): string | undefined {
  const tokens: string[] = format.match(TOKEN) ?? [];
  for (const required of ["YYYY", "MM", "DD"])
    if (!tokens.includes(required)) return `the format "${format}" has no ${required}`;
  const repeated = tokens.find((token, i) => tokens.indexOf(token) !== i);
  return repeated ? `the format "${format}" has ${repeated} twice` : undefined;
}

function readerFor(format: string | undefined): Reader {
  const key = format ?? "";
  const cached = readers.get(key);
  if (cached) return cached;
  const reader = format === undefined ? readIso : formatReader(format);
  readers.set(key, reader);
  return reader;
}

function readIso(text: string): Fields | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const offset = match[8];
  let offsetMinutes = 0;
  if (offset && offset !== "Z") {
    const digits = offset.replace(":", "");
    offsetMinutes =
      (offset[0] === "-" ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4] ?? 0),
    minute: Number(match[5] ?? 0),
    second: Number(match[6] ?? 0),
    millisecond: match[7] ? Number(match[7].slice(0, 3).padEnd(3, "0")) : 0,
    offsetMinutes,
  };
}

function formatReader(format: string): Reader {
  const order: string[] = [];
  let pattern = "";
  let last = 0;
  for (const match of format.matchAll(TOKEN)) {
    const at = match.index ?? 0;
    pattern += escapeRegExp(format.slice(last, at)) + (match[0] === "YYYY" ? "(\\d{4})" : "(\\d{1,2})");
    order.push(TOKENS[match[0]] as string);
    last = at + match[0].length;
  }
  const regex = new RegExp(`^${pattern}${escapeRegExp(format.slice(last))}$`);
  return (text) => {
    const match = regex.exec(text);
    if (!match) return undefined;
    const fields: Fields = {
      year: 0,
      month: 0,
      day: 0,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
      offsetMinutes: 0,
    };
    order.forEach((name, i) => {
      fields[name as keyof Fields] = Number(match[i + 1]);
    });
    return fields;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fieldsValid(f: Fields): boolean {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.hour > 23 || f.minute > 59 || f.second > 59) return false;
  return f.day <= new Date(Date.UTC(f.year, f.month, 0)).getUTCDate();
}

function toDays(f: Fields): number {
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute - f.offsetMinutes, f.second, f.millisecond);
  return date.getTime() / DAY_MS;
}

/** Days since 1970-01-01T00:00Z (fractional for datetimes), or NaN when `text` is not a valid date in `format`. */
export function parseDate(text: string, format?: string): number {
  const fields = readerFor(format)(text.trim());
  return fields && fieldsValid(fields) ? toDays(fields) : Number.NaN;
}

/** Why parseDate gives NaN for `text` (for error messages). */
export function dateProblem(text: string, format?: string): string {
  const expected =
    format === undefined ? "an ISO 8601 date (YYYY-MM-DD, optionally THH:MM[:SS])" : `a date as ${format}`;
  const fields = readerFor(format)(text.trim());
  return fields
    ? `${JSON.stringify(text)} is not a valid calendar date or time`
    : `${JSON.stringify(text)} is not ${expected}`;
}

/** The value of one part for a date given as days since the epoch. */
export function datePart(days: number, part: DatePart, referenceDays: number): number {
  if (part === "days_since") return days - referenceDays;
  const date = new Date(Math.round(days * DAY_MS));
  switch (part) {
    case "year":
      return date.getUTCFullYear();
    case "month":
      return date.getUTCMonth() + 1;
    case "day":
      return date.getUTCDate();
    case "day_of_week":
      return (date.getUTCDay() + 6) % 7;
    case "day_of_year":
      return Math.floor(days) - Math.floor(Date.UTC(date.getUTCFullYear(), 0, 1) / DAY_MS) + 1;
    case "hour":
      return date.getUTCHours();
    default:
      return unreachable(part);
  }
}

/** text → the part's number (NaN when the text is not a valid date), with the reference parsed once. */
export function datePartReader(source: DateSource): (text: string) => number {
  const referenceDays = source.part === "days_since" ? parseDate(source.reference ?? DEFAULT_REFERENCE) : 0;
  return (text) => {
    const days = parseDate(text, source.format);
    return Number.isNaN(days) ? Number.NaN : datePart(days, source.part, referenceDays);
  };
}

/** The tensor column name of a part: `<column>.<part>`. */
export function datePartName(column: string, part: DatePart): string {
  return `${column}.${part}`;
}
