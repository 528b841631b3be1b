// The S3 server of the remote tests and the benchmark, in a process of its own (a real server does not share the
// client's event loop): s3rver on 127.0.0.1, a free port, storing into the directory given. Prints
// `{"port":N}` once listening; SIGTERM closes it.
//
// Run it with `node --openssl-legacy-provider`: s3rver encrypts the ListObjectsV2 continuation token with DES,
// which OpenSSL 3 only has in its legacy provider; without it every listing of more than 1000 keys (the second
// page) fails with 500 InternalError (ERR_OSSL_EVP_UNSUPPORTED).
//
// usage: node --openssl-legacy-provider remote-s3-server-process.mjs DIRECTORY BUCKET...
import S3rver from "s3rver";

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  directory,
  silent: !process.env.TABULA_S3_VERBOSE,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.once("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
// A test or benchmark that dies (a timeout's SIGKILL) cannot stop its server: it goes when its parent does.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
