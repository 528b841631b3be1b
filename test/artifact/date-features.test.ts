// The one date → numbers derivation the featurizer and the server share.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  dateFormatProblem,
  datePart,
  datePartReader,
  dateProblem,
  parseDate,
} from "../../src/artifact/date-features.js";

test("ISO 8601 dates and datetimes, as days since 1970-01-01 UTC", () => {
  assert.is(parseDate("1970-01-01"), 0);
  assert.is(parseDate("1970-01-02"), 1);
  assert.is(parseDate("1969-12-31"), -1);
  assert.is(parseDate("2000-03-01T12:00"), parseDate("2000-03-01") + 0.5);
  assert.is(parseDate("2000-03-01 06:00:00.000"), parseDate("2000-03-01") + 0.25);
  assert.is(parseDate("2000-03-01T12:00+02:00"), parseDate("2000-03-01T10:00Z"));
  assert.is(parseDate(" 2024-02-29 "), parseDate("2024-02-29"), "cells are trimmed");
});

test("invalid texts and impossible calendar dates are NaN, with a reason", () => {
  for (const text of ["2023-02-29", "2023-13-01", "2023-1-5", "01/02/2023", "", "2023-01-01T25:00", "soon"])
    assert.ok(Number.isNaN(parseDate(text)), text);
  assert.match(dateProblem("2023-02-29"), /"2023-02-29" is not a valid calendar date/);
  assert.match(dateProblem("01/02/2023"), /"01\/02\/2023" is not an ISO 8601 date/);
  assert.match(dateProblem("1/2", "DD/MM/YYYY"), /is not a date as DD\/MM\/YYYY/);
});

test("an explicit format reads day-first and month-first texts", () => {
  assert.is(parseDate("31/12/1999", "DD/MM/YYYY"), parseDate("1999-12-31"));
  assert.is(parseDate("12/31/1999 18:30", "MM/DD/YYYY HH:mm"), parseDate("1999-12-31T18:30"));
  assert.ok(Number.isNaN(parseDate("1.2.2003", "D.M.YYYY")), "D alone is a literal, not a token");
  assert.is(parseDate("1.2.2003", "DD.MM.YYYY"), parseDate("2003-02-01"));
  assert.is(dateFormatProblem("DD/MM"), 'the format "DD/MM" has no YYYY');
  assert.is(dateFormatProblem("YYYY-MM-DD"), undefined);
});

test("parts: year, month, day, day of week (Monday 0), day of year, hour, days since a reference", () => {
  const days = parseDate("2024-12-31T13:45");
  const parts = (["year", "month", "day", "day_of_week", "day_of_year", "hour"] as const).map((part) =>
    datePart(days, part, 0),
  );
  assert.equal(parts, [2024, 12, 31, 1, 366, 13]);
  assert.is(datePart(parseDate("2023-03-01"), "day_of_year", 0), 60);
  assert.is(datePart(parseDate("1969-12-29"), "day_of_week", 0), 0);
  const since = datePartReader({ column: "d", part: "days_since", reference: "2000-01-01" });
  assert.is(since("2000-01-11"), 10);
  assert.is(since("1999-12-31T12:00"), -0.5);
  assert.ok(Number.isNaN(since("not a date")));
});

test.run();
