import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError } from "../../src/repro/errors.js";
import { chooseRemote } from "../../src/repro/remote/open-remote.js";
import { cli, project, read, removeProjects, writeFiles } from "./helpers.js";

test.after(removeProjects);

const pipeline = "stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n";

test("remote add/modify/list/remove through the CLI: team config committed, machine settings local", async () => {
  const dir = project({ "pipeline.yaml": pipeline });
  const added = await cli(dir, ["remote", "add", "team", "s3://bucket/cache", "--default"]);
  assert.is(added.code, 0, added.output);
  assert.is(added.output, "added remote team (s3://bucket/cache) to .tabula/config.yaml as the default\n");
  assert.is(
    (await cli(dir, ["remote", "add", "team", "s3://other"])).code,
    2,
    "a second add of a name is refused",
  );
  assert.is((await cli(dir, ["remote", "modify", "team", "region", "eu-west-1"])).code, 0);
  assert.is(
    (await cli(dir, ["remote", "modify", "team", "endpoint", "http://127.0.0.1:9000", "--local"])).code,
    0,
  );
  assert.is((await cli(dir, ["remote", "add", "nas", "/mnt/cache"])).code, 0);
  assert.is(
    read(dir, ".tabula/config.yaml"),
    "remotes:\n  team:\n    url: s3://bucket/cache\n    region: eu-west-1\n  nas:\n    url: /mnt/cache\ncore:\n  remote: team\n",
  );
  assert.is(
    read(dir, ".tabula/config.local.yaml"),
    "remotes:\n  team:\n    endpoint: http://127.0.0.1:9000\n",
  );
  const listed = await cli(dir, ["remote", "list"]);
  assert.is(
    listed.output,
    "team\ts3://bucket/cache\tregion=eu-west-1 endpoint=http://127.0.0.1:9000\t(default)\nnas\t/mnt/cache\n",
  );

  const secret = await cli(dir, ["remote", "modify", "team", "secret_access_key", "abc"]);
  assert.is(secret.code, 2);
  assert.match(secret.output, /credentials are never stored in config files; the AWS SDK finds them/);
  const badValue = await cli(dir, ["remote", "modify", "team", "jobs", "many"]);
  assert.match(badValue.output, /^tabula: jobs: "many" is not valid/);
  assert.is(
    (await cli(dir, ["remote", "modify", "nope", "region", "x"])).output,
    'tabula: no remote named "nope"; remotes: team, nas\n',
  );

  const chosen = chooseRemote(dir, undefined, undefined);
  assert.equal(chosen.ok && chosen.value, {
    label: "team",
    url: "s3://bucket/cache",
    endpoint: "http://127.0.0.1:9000",
    region: "eu-west-1",
    forcePathStyle: undefined,
    profile: undefined,
    jobs: undefined,
  });
  process.env.TABULA_REMOTE = "nas";
  try {
    const overridden = chooseRemote(dir, undefined, undefined);
    assert.is(overridden.ok && overridden.value.url, "/mnt/cache", "TABULA_REMOTE overrides the default");
    const explicit = chooseRemote(dir, "s3://x/y", undefined);
    assert.is(explicit.ok && explicit.value.url, "s3://x/y", "--remote overrides TABULA_REMOTE");
  } finally {
    delete process.env.TABULA_REMOTE;
  }

  const removed = await cli(dir, ["remote", "remove", "team"]);
  assert.is(removed.output, "removed remote team from .tabula/config.yaml, .tabula/config.local.yaml\n");
  assert.is(read(dir, ".tabula/config.yaml"), "remotes:\n  nas:\n    url: /mnt/cache\n");
});

test("a broken config file is reported at its file:line", () => {
  const dir = project({ "pipeline.yaml": pipeline });
  writeFiles(dir, { ".tabula/config.yaml": "remotes:\n  team:\n    url: s3://b/p\n    bucket_key: 1\n" });
  const chosen = chooseRemote(dir, undefined, undefined);
  assert.match(
    chosen.ok ? "" : formatError(chosen.error),
    /^\.tabula\/config\.yaml:4:5: unknown key "bucket_key"/,
  );
  writeFiles(dir, { ".tabula/config.yaml": "remotes:\n  team:\n    jobs: lots\n" });
  const typed = chooseRemote(dir, "team", undefined);
  assert.match(typed.ok ? "" : formatError(typed.error), /^\.tabula\/config\.yaml:3:11: jobs must be/);
});

test.run();
